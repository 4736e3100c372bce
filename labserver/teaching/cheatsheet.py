"""The cheat sheet: one page per client, every cell computed from a run of the lab.

A cheat sheet typed by hand goes stale the day a client changes; this one is built from
the lessons' own experiments (the matrix of episode 08, the credentials of episode 12,
the limits of episode 09), and every cell keeps the journal's hops that show it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ..clients import BROWSERS
from .display import body_label

FOLLOWS_CALL = {
    "httpx": "httpx.Client().get(url)",
    "requests": "requests.get(url)",
    "urllib": "urllib.request.urlopen(url)",
    "curl": "curl URL",
}
"""The call of :func:`labserver.follows_by_default` that answers "follows by default?"."""

CONTROLS = {
    "httpx": "follow_redirects=True to follow; max_redirects=N; event_hooks to inspect each hop",
    "requests": "allow_redirects=False to stop; Session.max_redirects = N",
    "urllib": "a subclass of HTTPRedirectHandler whose redirect_request returns None, "
              "or strips headers",
    "curl": "-L to follow; --max-redirs N; --proto-redir =https; --post301/302/303",
    **dict.fromkeys(BROWSERS, 'fetch(url, {redirect: "manual"}) or {redirect: "error"}'),
}
"""How to change what each client follows, from its documentation (episodes 08, 09, 10)."""

QUESTIONS = ["follows by default", "how to change it (its docs)", "PUT through a 302",
             "PUT through a 301", "Content-Type on the GET after a 303",
             "Authorization after a cross-origin 302", "redirects followed on a long chain"]


@dataclass
class CheatSheet:
    """Questions down, clients across; ``evidence`` holds the hops behind each cell."""

    table: pd.DataFrame
    evidence: pd.DataFrame

    def __repr__(self) -> str:
        return self.table.to_string()

    def _repr_html_(self) -> str:
        return self.table.to_html()

    def to_html_page(self, title: str = "Redirect Lab cheat sheet") -> str:
        """A standalone page that prints on one landscape sheet, evidence on the next."""
        style = ("@page { size: A4 landscape; margin: 1cm }"
                 " body { font: 10pt sans-serif } table { border-collapse: collapse }"
                 " td, th { border: 1px solid #9ca3af; padding: 3px 6px; text-align: left;"
                 " vertical-align: top } .evidence { page-break-before: always;"
                 " font-size: 8pt }")
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
                f"</title><style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
                f"{self.table.to_html()}<div class='evidence'><h2>What the lab saw</h2>"
                f"{self.evidence.to_html()}</div></body></html>\n")


def _cell(frame: pd.DataFrame, client: str, **where: object) -> pd.Series | None:
    rows = frame[frame["client"] == client]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.iloc[0] if len(rows) else None


def cheat_sheet(matrix: pd.DataFrame, defaults: pd.DataFrame, credentials: pd.DataFrame,
                limits: pd.DataFrame) -> CheatSheet:
    """Build the sheet from the lessons' runs: ``matrix`` (:func:`run_clients`),
    ``defaults`` (:func:`follows_by_default`), ``credentials`` (:func:`run_credentials`
    per client) and ``limits`` (:func:`redirect_limits` per client). A client missing
    from a run is shown as "not run" rather than guessed."""
    clients = list(dict.fromkeys(matrix["client"]))
    table: dict[str, dict[str, str]] = {}
    evidence: dict[str, dict[str, str]] = {}
    for client in clients:
        answers, hops = {}, {}
        call = FOLLOWS_CALL.get(client)
        if call is not None and call in defaults.index:
            answers["follows by default"] = "yes" if defaults.loc[call, "follows"] else "no"
            hops["follows by default"] = f"{call}: {defaults.loc[call, 'hops']!s}"
        elif client in BROWSERS:  # fetch() follows unless told otherwise: every cell shows it
            followed = bool((matrix[matrix["client"] == client]["outcome"] == "followed").all())
            answers["follows by default"] = "yes" if followed else "no"
            hops["follows by default"] = "fetch(url): followed in all 35 cells"
        answers["how to change it (its docs)"] = CONTROLS.get(client, "")
        for question, code in (("PUT through a 302", 302), ("PUT through a 301", 301)):
            row = _cell(matrix, client, method="PUT", code=code)
            if row is not None:
                answers[question], hops[question] = body_label(row), str(row["hops"])
        row = _cell(matrix, client, method="POST", code=303)
        if row is not None:
            answers["Content-Type on the GET after a 303"] = (
                "not followed" if not row["final_method"]
                else "kept" if row["content_type_arrived"] else "removed")
            hops["Content-Type on the GET after a 303"] = str(row["hops"])
        row = _cell(credentials, client, scenario="cross-port")
        if row is not None:
            answers["Authorization after a cross-origin 302"] = (
                "leaked" if row["authorization_arrived"] else "stripped")
            hops["Authorization after a cross-origin 302"] = str(row["hops"])
        row = _cell(limits, client, redirects="chain")
        if row is not None:
            answers["redirects followed on a long chain"] = (
                f"{row['followed']}, then {row['stopped with']}")
            hops["redirects followed on a long chain"] = f"{row['followed']} redirects followed"
        table[client] = {q: answers.get(q, "not run") for q in QUESTIONS}
        evidence[client] = {q: hops.get(q, "") for q in QUESTIONS}
    return CheatSheet(pd.DataFrame(table).rename_axis("question"),
                      pd.DataFrame(evidence).rename_axis("question"))
