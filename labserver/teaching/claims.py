"""Sentences a lesson states about what the lab observed, checked by the run that shows it.

nbval proves that a lesson's outputs are the same as last time; it cannot tell whether
the prose beside them is true. So a sentence that states observed behaviour is written
as a claim: the lesson prints it only if its own results bear it out, and otherwise the
cell fails, quoting the sentence and the rows that contradict it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd


class ClaimFailed(AssertionError):
    """A lesson's sentence that this run contradicts; the message quotes both."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback; nbval still records a failed cell.
        return [f"ClaimFailed: {self}"]


class Claim:
    """A checked sentence: Markdown in JupyterLab, plain text elsewhere."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence

    def _repr_markdown_(self) -> str:
        return self.sentence

    def __repr__(self) -> str:
        return self.sentence


def _evidence_text(evidence: Any) -> str:
    if evidence is None:
        return ""
    if isinstance(evidence, pd.DataFrame | pd.Series):
        return "\n" + (evidence.to_string() if len(evidence) else "(no rows)")
    return f"\n{evidence}"


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def not_checked(missing: Iterable[str]) -> str:
    """What a claim shows instead of its sentence when what it is about did not run here."""
    names = list(missing)
    return (f"*Not checked here: {_and(names)} did not run "
            "(the cell that started {} says why).*".format("it" if len(names) == 1 else "them"))


def claim(sentence: str, holds: bool, evidence: Any = None,
          missing: Iterable[str] = ()) -> Claim:
    """``sentence``, shown because this run bears it out; raises :class:`ClaimFailed`
    quoting it and ``evidence`` (the rows it rests on) when ``holds`` is false.

    ``missing`` names what the sentence is about that could not run on this machine (a
    framework, a browser): then this run can neither bear it out nor contradict it, so
    one line says it was not checked here, instead of the sentence or a failure.
    """
    missing = list(missing)
    if missing:
        return Claim(not_checked(missing))
    if not holds:
        raise ClaimFailed(f"the lesson says {sentence!r}, but this run disagrees:"
                          f"{_evidence_text(evidence)}")
    return Claim(sentence)


Bullet = (str | tuple[str, bool] | tuple[str, bool, Any]
          | tuple[str, bool, Any, Iterable[str]])
"""A summary line: a rule or advice as plain text, or an observation with its check (and,
last, what it is about that may not have run here, as :func:`claim`'s ``missing``)."""


class Recap:
    """A lesson's summary as a Markdown list, every observed line checked by this run."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)

    def __repr__(self) -> str:
        return self._repr_markdown_()


def recap(*bullets: Bullet) -> Recap:
    """A summary whose observed lines are checked like :func:`claim`.

    A plain string is a rule or advice (cited above it in the lesson); a tuple
    ``(sentence, holds[, evidence[, missing]])`` is an observation and fails the cell,
    quoting the sentence, when ``holds`` is false (or is not checked, when ``missing``
    names something that did not run here). A summary restates what the lesson showed, so the
    run that showed it checks the restatement too.
    """
    lines = []
    for bullet in bullets:
        if isinstance(bullet, str):
            lines.append(bullet)
        else:
            lines.append(claim(*bullet).sentence)
    return Recap(lines)
