"""Results that depend on the version of a client, cited, and checked against the version
that ran.

Most of what the lab observes is the same on every supported Python. One result is not:
CPython's urllib turned a redirected HEAD into a GET until Python 3.13 (gh-99730). A
lesson keeps such rows out of the tables it stores, shows them apart, and checks them
against what *this* interpreter must do, so the lesson is true on every Python it names.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pandas as pd

from ..citations import cite
from .claims import claim


@dataclass(frozen=True)
class VersionRule:
    """What ``client`` sends after a redirect of ``method``, before and since a version."""

    client: str
    method: str
    before: str
    """The method that arrives on versions older than :attr:`since`."""
    after: str
    """The method that arrives from :attr:`since` on."""
    since: tuple[int, int]
    source: str
    """A key of :data:`labserver.citations.CITATIONS`."""

    def expected(self, version: tuple[int, ...] | None = None) -> str:
        """The method that must arrive on Python ``version`` (this one by default)."""
        running = tuple(version or sys.version_info[:2])
        return self.after if running >= self.since else self.before

    @property
    def since_text(self) -> str:
        return ".".join(map(str, self.since))


PYTHON_DEPENDENT: tuple[VersionRule, ...] = (
    VersionRule("urllib", "HEAD", before="GET", after="HEAD", since=(3, 13),
                source="cpython-gh-99730"),
)
"""Every result the lab knows to depend on the Python version, with its source."""


def _rule_for(client: str, method: str) -> VersionRule | None:
    return next((r for r in PYTHON_DEPENDENT if (r.client, r.method) == (client, method)), None)


def split_by_python(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame``'s rows that read the same on every Python, and those that depend on it."""
    depends = frame.apply(lambda row: _rule_for(row["client"], row["method"]) is not None,
                          axis=1) if len(frame) else pd.Series([], dtype=bool)
    return (frame[~depends].reset_index(drop=True), frame[depends].reset_index(drop=True))


def python_rules_table() -> pd.DataFrame:
    """The cited rules, one row each: what arrives before and since the version."""
    return pd.DataFrame([{
        "client": r.client, "method sent": r.method,
        "arrives before " + r.since_text: r.before, "arrives from " + r.since_text: r.after,
        "source": cite(r.source).short,
    } for r in PYTHON_DEPENDENT]).set_index(["client", "method sent"])


def check_python_dependent(rows: pd.DataFrame) -> object:
    """Check every version-dependent row against what this interpreter must send.

    Prints one sentence that is the same on every Python (the interpreter's version is in
    the lesson's versions table); raises ClaimFailed, quoting the rows, when any row
    differs from its version's rule.
    """
    mask = pd.Series([row["final_method"] != _expected(row) for _, row in rows.iterrows()],
                     index=rows.index, dtype=bool)
    wrong = rows[mask]
    clients = ", ".join(dict.fromkeys(rows["client"])) or "no client"
    codes = ", ".join(map(str, dict.fromkeys(rows["code"])))
    return claim(f"On this Python, {clients} sent after {codes} exactly what the table above "
                 "says its version sends.", holds=wrong.empty and not rows.empty,
                 evidence=wrong[["client", "code", "method", "final_method", "hops"]])


def _expected(row: pd.Series) -> str:
    rule = _rule_for(row["client"], row["method"])
    return rule.expected() if rule else row["method"]
