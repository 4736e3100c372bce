"""The playground's results in the lessons' words, its presets, and the Markdown a learner
pastes into a bug report.

A :class:`~labserver.experiments.playground.PlaygroundRun` is read here the way the
lessons read every experiment: the journal's hops (:func:`hops_frame`), a sequence
diagram (:func:`sequence_diagram`), the glossary's words for what became of the method,
the body and each header, and a verdict per redirect against RFC 9110 and Fetch. The
panel that shows them is :mod:`labserver.teaching.playground_panel`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..experiments.observe import Observation, describe_hops
from ..experiments.playground import (
    Hop,
    PlaygroundRun,
    PlaygroundState,
    hop_verdicts,
)
from ..vocabulary import GLOSSARY
from .display import (
    LEAK_LABELS,
    MATRIX_LEGEND,
    PALETTE,
    Diagram,
    HopsTable,
    StyledTable,
    hops_frame,
    sequence_diagram,
)
from .exercises import Verdict, grade_arrivals

CREDENTIAL_HEADERS = ("Authorization", "Cookie")


def _word(seen: Observation, name: str, value: str) -> str:
    """What became of one header the client was given, in :data:`GLOSSARY` words: a
    credential is kept, dropped, leaked or stripped; any other header kept or removed."""
    final, first = seen.reached, seen.first
    if final is None or first is None:
        return seen.verdict
    arrived = any(key.lower() == name.lower() and value in got
                  for key, got in final.headers.items())
    if name not in CREDENTIAL_HEADERS:
        return "kept" if arrived else "removed"
    if final.server == first.server:
        return "kept" if arrived else "dropped"
    return "leaked" if arrived else "stripped"


def _followed(seen: Observation) -> int:
    """Redirects followed: requests after the first, a browser's CORS preflights not
    counted (they ask permission; they are not the request sent on)."""
    return max(sum(not h.is_preflight for h in seen.hops) - 1, 0)


def summary(run: PlaygroundRun) -> pd.DataFrame:
    """One row per client: how it ended, what arrived at the target (method and body),
    what became of each header sent, and the journal's hops in one line."""
    sent = run.state.headers()
    rows = []
    for name, seen in run.observations.items():
        rows.append({"client": name, "outcome": seen.verdict,
                     "redirects followed": _followed(seen), "arrived": seen.arrived,
                     **{header: _word(seen, header, value) for header, value in sent},
                     "hops": describe_hops(seen.hops, run.servers, named=True)})
    for name, reason in run.skipped.items():
        rows.append({"client": name, "outcome": "not run here", "arrived": reason})
    columns = ["client", "outcome", "redirects followed", "arrived",
               *(header for header, _ in sent), "hops"]
    return pd.DataFrame(rows, columns=columns).astype(object).fillna("").set_index("client")


def _arrival_colour(run: PlaygroundRun, seen: Observation) -> str:
    """The :data:`PALETTE` name for what arrived, as every matrix colours it."""
    if not seen.final_method:
        return "refused"
    if seen.final_method != run.state.method:
        return "method changed"
    return "body dropped" if run.request.body is not None and not seen.body_arrived else ""


def coloured(run: PlaygroundRun) -> StyledTable:
    """:func:`summary` in the lab's colours: what arrived as in every matrix (method
    changed, body dropped, refused), each credential as in the credentials lesson."""
    table = summary(run)
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    for name, seen in run.observations.items():
        styles.loc[name, "arrived"] = PALETTE.get(_arrival_colour(run, seen), "")
        for header in CREDENTIAL_HEADERS:
            if header in table.columns:
                styles.loc[name, header] = PALETTE.get(
                    LEAK_LABELS.get(str(table.loc[name, header]), ""), "")
    legend = {**MATRIX_LEGEND, **{f"{word}: {GLOSSARY[word]}": PALETTE[colour]
                                  for word, colour in LEAK_LABELS.items() if colour}}
    return StyledTable(table, styles, legend)


def words_used(run: PlaygroundRun) -> dict[str, str]:
    """The glossary's definition of each word the summary uses."""
    cells = {str(c) for c in summary(run).drop(columns="hops").to_numpy().ravel()}
    return {word: meaning for word, meaning in GLOSSARY.items()
            if any(cell == word or cell.endswith(" " + word) for cell in cells)}


def hops_tables(run: PlaygroundRun) -> dict[str, HopsTable]:
    """Each client's hops as the lessons' table, servers named and their ports aliased."""
    return {name: hops_frame(seen.hops, run.servers)
            for name, seen in run.observations.items()}


def diagram(run: PlaygroundRun, client: str = "") -> Diagram:
    """The sequence diagram of ``client`` (the state's diagram client by default)."""
    name = client or run.state.diagram_client
    return sequence_diagram(run.observation(name).hops, run.servers, client=name)


def verdicts(run: PlaygroundRun) -> pd.DataFrame:
    """Every client's redirects, one row each, judged against RFC 9110 and Fetch."""
    rows = [row for seen in run.observations.values() for row in hop_verdicts(seen)]
    return pd.DataFrame(rows, columns=["client", "hop", "code", "sent", "next", "RFC 9110",
                                       "RFC 9110 rule", "Fetch", "Fetch rule", "body",
                                       "Authorization"])


def grade_predictions(run: PlaygroundRun, predictions: Mapping[str, object]) -> Verdict:
    """Grade a prediction per client of what arrives at the target ("GET, body dropped",
    "POST + body", "refused"), as the episodes' exercises do."""
    return grade_arrivals("Your predictions", predictions, run.observations)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _pipe_table(frame: pd.DataFrame) -> list[str]:
    header = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in (index, *row)) + " |"
              for index, row in zip(frame.index, frame.itertuples(index=False), strict=True)]
    return lines


def describe_state(state: PlaygroundState) -> str:
    """The experiment in one line: method, body, headers and each hop."""
    hops = ", then ".join(f"{hop.code} to {hop.to}" for hop in state.hops)
    headers = ", ".join(name for name, _ in state.headers()) or "no headers"
    return f"{state.method} with body {state.body} ({headers}) through {hops}"


def markdown(run: PlaygroundRun) -> str:
    """The run as Markdown to paste into a bug report: the experiment, what each client
    did, and the verdicts that depart from either standard."""
    table = summary(run)
    judged = verdicts(run)
    departs = judged[(~judged["RFC 9110"].isin(["as RFC 9110 says"]))
                     | (judged["Fetch"] != "as Fetch says") | (judged["body"] != "")
                     | (judged["Authorization"].str.contains("leaked"))]
    lines = [f"**Redirect Lab experiment:** {describe_state(run.state)}", "",
             *_pipe_table(table), ""]
    if len(departs):
        lines += ["Where a client departs from RFC 9110 or Fetch:", "",
                  *_pipe_table(departs.set_index("client")), ""]
    return "\n".join(lines)


PRESETS: dict[str, tuple[str, PlaygroundState]] = {
    "01": ("Anatomy: a GET through a 307 and then a 303 on the same server",
           PlaygroundState(hops=(Hop(307), Hop(303)), method="GET")),
    "02": ("302 Found: a PUT with a JSON body",
           PlaygroundState(hops=(Hop(302),), method="PUT", body="JSON",
                           clients=("httpx", "requests", "curl"))),
    "03": ("303 See Other: a POST becomes a GET",
           PlaygroundState(hops=(Hop(303),), method="POST", body="JSON")),
    "04": ("307 Temporary Redirect: a POST keeps its method and body",
           PlaygroundState(hops=(Hop(307),), method="POST", body="JSON")),
    "05": ("308 Permanent Redirect: a PATCH through a 308",
           PlaygroundState(hops=(Hop(308),), method="PATCH", body="JSON")),
    "06": ("The whole matrix, one cell: a DELETE through a 303",
           PlaygroundState(hops=(Hop(303),), method="DELETE")),
    "07": ("Which redirect: a form POST answered with 303 (post/redirect/get)",
           PlaygroundState(hops=(Hop(303),), method="POST", body="form")),
    "08": ("Clients compared: a POST through a 302",
           PlaygroundState(hops=(Hop(302),), method="POST", body="JSON",
                           clients=("httpx", "requests", "urllib", "urllib3", "aiohttp",
                                    "curl"))),
    "09": ("Loops and limits: three redirects in a row",
           PlaygroundState(hops=(Hop(308), Hop(301), Hop(302)), method="GET")),
    "10": ("curl: a POST through a 301",
           PlaygroundState(hops=(Hop(301),), method="POST", body="JSON", clients=("curl",))),
    "11": ("Browsers: a POST through a 302, as fetch() sends it",
           PlaygroundState(hops=(Hop(302),), method="POST", body="JSON",
                           clients=("chromium", "firefox", "httpx"), diagram="httpx")),
    "12": ("Credentials: Authorization and a cookie across a cross-host 302",
           PlaygroundState(hops=(Hop(302, "another host"),), method="GET",
                           authorization="Bearer lab-secret-token", cookie="session=lab-secret",
                           clients=("httpx", "requests", "curl"))),
    "13": ("Caching: a 301, the redirect a client may remember",
           PlaygroundState(hops=(Hop(301),), method="GET")),
    "14": ("Frameworks: a form POST redirected with a 302, as most frameworks answer",
           PlaygroundState(hops=(Hop(302),), method="POST", body="form")),
    "15": ("SSRF: a redirect to another host, with a header of your own",
           PlaygroundState(hops=(Hop(302, "another host"),), method="GET",
                           custom_name="X-Internal-Token", custom_value="lab-secret-key")),
    "16": ("Behind a proxy: http redirected to https, then back to http",
           PlaygroundState(hops=(Hop(301, "http → https"), Hop(301, "https → http")),
                           method="GET")),
}
"""Each core episode's experiment (by its number), with a line that says what it is."""


def presets() -> dict[str, PlaygroundState]:
    """The states the core episodes open the playground with, by episode number."""
    return {number: state for number, (_, state) in PRESETS.items()}
