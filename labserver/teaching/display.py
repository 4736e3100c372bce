"""Tables for the lessons: journal hops, method × code matrices, conformance colours.

Everything here is deterministic on purpose. Lessons are tested by comparing a fresh
run's output with the stored one, so no table may show a port, a timestamp, a
running sequence number or a random HTML id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable
from urllib.parse import urljoin, urlsplit

import pandas as pd
from pandas.io.formats.style import Styler

from ..experiments.observe import aliased, arrival
from ..experiments.probes import NO_REQUEST
from ..experiments.spec import (
    ALLOWED,
    AS_SPECIFIED,
    BODY_DROPPED,
    NOT_ALLOWED,
    NOT_FOLLOWED,
    TYPE_KEPT,
    compare,
    expectations,
)
from ..server.journal import Entry
from ..server.lab import LabServer
from ..vocabulary import CODES, METHODS

VOLATILE_HEADERS = frozenset({"Host", "Accept-Encoding"})
"""Request headers dropped from displays: Host carries the port the OS picked, and
httpx's Accept-Encoding adds br or zstd when the brotli or zstandard package happens to
be installed."""

HOP_COLUMNS = ["hop", "method", "target", "status", "location", "body_length",
               "content_type"]

COLOURS: dict[str, tuple[int, int, int]] = {
    "method changed": (245, 158, 11),    # amber
    "body dropped": (236, 72, 153),      # pink
    "refused": (107, 114, 128),          # grey
    "credential leaked": (239, 68, 68),  # red
    "credential kept": (34, 197, 94),    # green
    "credential dropped": (168, 85, 247),  # purple
    "from cache": (59, 130, 246),        # blue
}
"""One colour for each thing a redirect can do to a request, the same in every table."""

TINT = 0.35
"""How opaque a colour is laid over the page. A tint, not a solid colour, so the theme's
own text colour stays readable on it in JupyterLab's light *and* dark theme (the contrast
is checked in the tests against both themes' colours)."""


def tint(name: str) -> str:
    """A :data:`COLOURS` entry as a CSS/Mermaid ``rgba()`` at :data:`TINT`."""
    red, green, blue = COLOURS[name]
    return f"rgba({red}, {green}, {blue}, {TINT})"


PALETTE = {name: f"background-color: {tint(name)}" for name in COLOURS}
"""Each colour as the CSS of a table cell: a background only, the text left to the theme."""


def stable_headers(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` without the ones that change from run to run (Host carries the port)."""
    return {k: v for k, v in headers.items() if k not in VOLATILE_HEADERS}


def _content_id(frame: pd.DataFrame, salt: str = "", prefix: str = "lab") -> str:
    digest = hashlib.sha256(frame.to_csv().encode() + salt.encode()).hexdigest()[:10]
    return f"{prefix}_{digest}"


def _left_aligned_html(frame: pd.DataFrame, styler: Styler | None = None, salt: str = "",
                       prefix: str = "lab") -> str:
    """``frame`` as HTML with its text columns left-aligned.

    JupyterLab right-aligns every table cell, which suits numbers and scatters paths and
    sentences; text reads from the left. The id is derived from the content, so a
    lesson's stored HTML does not change from run to run. Coloured tables carry the id
    prefix ``lab`` (the UI test measures their contrast), plain ones ``text``.
    """
    styler = (frame.style if styler is None else styler).set_uuid(
        _content_id(frame, salt, prefix))
    text: list[Hashable] = [c for c in frame.columns
                            if pd.api.types.is_string_dtype(frame[c])]
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    return str(styler.to_html())


class HopsTable(pd.DataFrame):
    """What :func:`hops_frame` returns: a DataFrame whose paths and Locations read from
    the left in JupyterLab."""

    @property
    def _constructor(self) -> type[HopsTable]:
        return HopsTable

    def _repr_html_(self) -> str:
        return _left_aligned_html(self, prefix="text")


def hops_frame(hops: Iterable[Entry], servers: tuple[LabServer, ...] = ()) -> HopsTable:
    """The journal's view of one experiment, one row per request, numbered from 1.

    Hops are numbered within the experiment rather than by journal seq, so a
    lesson shows the same table however many requests the server saw before. With
    ``servers`` (an experiment across several), a column says which one each request
    reached, and their URLs in targets and Locations are written ``scheme://name``.
    """
    rows = [{
        "hop": n, "server": h.server, "method": h.method,
        "target": aliased(h.target, servers), "status": h.status,
        "location": aliased(h.location or "", servers), "body_length": h.body_length,
        "content_type": h.content_type or "",
    } for n, h in enumerate(hops, start=1)]
    columns = HOP_COLUMNS if not servers else ["hop", "server", *HOP_COLUMNS[1:]]
    return HopsTable(pd.DataFrame(rows, columns=columns).set_index("hop"))


def per_method(frame: pd.DataFrame, caption: str = "") -> StyledTable:
    """One code's experiments, a row per method: what was sent, what arrived (coloured as
    in every matrix), whether ``Content-Type`` came along, and the journal's hops."""
    sent = [arrival(m, bool(b), True, "") for m, b in zip(frame["method"], frame["body_sent"],
                                                           strict=True)]
    content_type = ["" if not b else "yes" if arrived else "no"
                    for b, arrived in zip(frame["body_sent"], frame["content_type_arrived"],
                                          strict=True)]
    data = frame.assign(sent=sent, arrived=frame.apply(body_label, axis=1),
                        content_type=content_type)
    table = (data.rename(columns={"content_type": "Content-Type arrived"})
             .set_index("method")[["sent", "arrived", "Content-Type arrived", "hops"]])
    table.index.name = "method sent"
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    styles["arrived"] = _palette_css(frame)
    return StyledTable(table, styles, MATRIX_LEGEND, caption)


def cell_label(row: pd.Series) -> str:
    """What a matrix cell shows: the method that arrived, else why nothing did."""
    return arrival(str(row["final_method"]), False, False, str(row["error"] or row["outcome"]))


def body_label(row: pd.Series) -> str:
    """:func:`cell_label`, plus what became of the body for requests that carried one."""
    return arrival(str(row["final_method"]), bool(row["body_sent"]), bool(row["body_arrived"]),
                   str(row["error"] or row["outcome"]))


def what_happened(row: pd.Series) -> str:
    """The :data:`PALETTE` name for a matrix cell: refused, method changed, body dropped,
    or "" when the request arrived as it was sent."""
    if not row["final_method"]:
        return "refused"
    if row["final_method"] != row["method"]:
        return "method changed"
    if row["body_sent"] and not row["body_arrived"]:
        return "body dropped"
    return ""


def _grid(data: pd.DataFrame, values: str) -> pd.DataFrame:
    """Pivot to methods down and codes across, in teaching order.

    With more than one client, rows are (client, method), clients in the order they
    were run, so one table compares them all.
    """
    clients = list(dict.fromkeys(data["client"])) if "client" in data else []
    index = ["client", "method"] if len(clients) > 1 else "method"
    table = data.pivot(index=index, columns="code", values=values)
    codes = [c for c in CODES if c in table.columns]
    if len(clients) > 1:
        rows = [(c, m) for c in clients for m in METHODS if (c, m) in table.index]
        table = table.loc[rows, codes]
        table.index.names = ["client", "method sent ↓"]
    else:
        table = table.loc[[m for m in METHODS if m in table.index], codes]
        table.index.name = "method sent ↓"
    table.columns.name = "code →"
    return table


def matrix(frame: pd.DataFrame, value: str = "final_method") -> pd.DataFrame:
    """Pivot a tidy experiment frame: methods down (per client), codes across.

    With ``value="final_method"`` (the default) a cell shows the method that reached
    the target, or "refused" / the error's name when nothing did; ``value="body"`` adds
    whether the body arrived. Any other column name shows that column.
    """
    labels = {"final_method": cell_label, "body": body_label}
    if value in labels:
        return _grid(frame.assign(cell=frame.apply(labels[value], axis=1)), "cell")
    return _grid(frame, value)


class StyledTable:
    """A coloured table that renders as HTML in JupyterLab and as text elsewhere.

    A pandas Styler would show its memory address in a notebook's text output and a
    random id in its HTML; this wrapper gives it an id derived from the content.
    ``legend`` maps each key's words to its CSS ("" is left to the theme).
    """

    def __init__(self, table: pd.DataFrame, styles: pd.DataFrame, legend: dict[str, str],
                 caption: str = "") -> None:
        self.table = table
        self.styles = styles
        self.legend = legend
        self.caption = caption

    def _repr_html_(self) -> str:
        styler = self.table.style.apply(lambda _: self.styles, axis=None)
        if self.caption:
            styler = styler.set_caption(self.caption)
        keys = "".join(
            f'<span style="{css + "; " if css else ""}padding: 0 0.5em; '
            f'margin-right: 0.5em; border: 1px solid #9ca3af">{label}</span>'
            for label, css in self.legend.items())
        return (_left_aligned_html(self.table, styler, self.caption)
                + f'<p style="font-size: 0.9em">Key: {keys}</p>')

    def __repr__(self) -> str:
        key = "; ".join(self.legend)
        return f"{self.caption}\n{self.table.to_string()}\nKey: {key}".lstrip("\n")


MATRIX_LEGEND = {"as sent": "", **{name: PALETTE[name]
                                   for name in ("method changed", "body dropped", "refused")}}


def _palette_css(frame: pd.DataFrame) -> list[str]:
    """Each row's :data:`PALETTE` colour, by :func:`what_happened` to it."""
    return [PALETTE.get(what_happened(row), "") for _, row in frame.iterrows()]


def outcomes(frame: pd.DataFrame, caption: str = "") -> StyledTable:
    """The method × code matrix with each cell coloured by what the redirect did to it.

    A cell says which method arrived and whether the body came along; amber: the
    method changed, pink: same method but the body was dropped, grey: not followed.
    """
    data = frame.assign(cell=frame.apply(body_label, axis=1), css=_palette_css(frame))
    return StyledTable(_grid(data, "cell"), _grid(data, "css"), MATRIX_LEGEND, caption)


def conformance(frame: pd.DataFrame, caption: str = "") -> StyledTable:
    """The method × code matrix judged against RFC 9110 and the Fetch standard.

    Colours are the :data:`PALETTE`'s (what happened); ``✗RFC`` marks a change RFC 9110
    does not allow, ``✗body`` a method kept without its body, ``✗Content-Type`` a
    ``Content-Type`` kept on a request whose body was dropped, and ``≠Fetch`` a cell where
    a browser, under Fetch, would send another request: another method, body or
    ``Content-Type`` (the one body header the matrix's requests carry).
    """
    verdicts = compare(frame)
    labels = frame.apply(cell_label, axis=1)
    marked = [label + (" ✗body" if body == BODY_DROPPED else "")
              + (" ✗Content-Type" if kind == TYPE_KEPT else "")
              + (" ✗RFC" if verdict == NOT_ALLOWED else "") + ("" if same else " ≠Fetch")
              for label, body, kind, verdict, same in zip(
                  labels, verdicts["body_verdict"], verdicts["type_verdict"],
                  verdicts["rfc_verdict"], verdicts["same_request_as_fetch"], strict=True)]
    data = verdicts.assign(cell=marked, css=_palette_css(frame))
    legend = {**MATRIX_LEGEND,
              "✗body: method kept, body not sent again (a different request; neither "
              "RFC 9110 nor Fetch drops it)": ""}
    if (verdicts["type_verdict"] == TYPE_KEPT).any():
        legend["✗Content-Type: Content-Type kept on a request whose body was dropped (a "
               "browser sends it only with the body)"] = ""
    legend.update({"✗RFC: RFC 9110 does not allow this method change": "",
                   "≠Fetch: a browser would differ": ""})
    return StyledTable(_grid(data, "cell"), _grid(data, "css"), legend, caption)


def _expected_cell(row: pd.Series) -> str:
    rfc, fetch = row["rfc_method"], row["fetch_method"]
    return str(rfc) if rfc == fetch else f"RFC 9110: {rfc} · Fetch: {fetch}"


def standards(caption: str = "") -> StyledTable:
    """Both standards' expectations in one method × code grid.

    Where RFC 9110 and Fetch agree a cell holds one method, so the few cells where they
    differ stand out by their words; amber marks every cell where a standard changes
    the method.
    """
    expected = expectations()
    changes = ((expected["rfc_method"] != expected["method"])
               | (expected["fetch_method"] != expected["method"]))
    data = expected.assign(cell=expected.apply(_expected_cell, axis=1),
                           css=[PALETTE["method changed"] if c else "" for c in changes])
    legend = {"as sent": "", "method changed": PALETTE["method changed"]}
    return StyledTable(_grid(data, "cell"), _grid(data, "css"), legend, caption)


RFC_SAYS = {BODY_DROPPED: "not specified: the body is not sent again",
            NOT_FOLLOWED: "allowed: not following", AS_SPECIFIED: "specified",
            ALLOWED: "allowed", NOT_ALLOWED: "not allowed"}
"""How :func:`departures` words RFC 9110's verdicts, under a column named RFC 9110: one
word first (specified, allowed, not allowed, not specified), then why where it needs one."""


def _rfc_words(verdict: str, body: str, kind: str, switched: bool) -> str:
    """:func:`departures`' RFC 9110 column for one cell. RFC 9110 §15.4 asks for the
    content headers to go when the method was changed to GET or HEAD (``switched``)."""
    said = RFC_SAYS[verdict] if verdict == NOT_ALLOWED else RFC_SAYS.get(body or verdict, verdict)
    return f"{said}; should remove Content-Type" if kind == TYPE_KEPT and switched else said


def departures(frame: pd.DataFrame, caption: str = "") -> StyledTable:
    """Only the cells where a client sends another request than a browser would.

    The whole request that arrived is compared: its method, its body and ``Content-Type``
    (the one body header the matrix's requests carry; Fetch removes it with the body). One
    row per client and method, the codes where it departs from Fetch joined, beside what a
    browser sends and RFC 9110's verdict, so the eye has a short list to read instead of a
    matrix to scan for differences.
    """
    verdicts = compare(frame)
    kinds = verdicts["type_verdict"].tolist()
    fetch = [arrival(expects, sent, expects == method, "")
             + (", Content-Type removed" if kind == TYPE_KEPT and expects != method else "")
             for expects, sent, method, kind in zip(verdicts["fetch_expects"], frame["body_sent"],
                                                    frame["method"], kinds, strict=True)]
    arrived = [label + (f", {kind}" if kind else "")
               for label, kind in zip(frame.apply(body_label, axis=1), kinds, strict=True)]
    switched = [final in ("GET", "HEAD") and final != method
                for final, method in zip(frame["final_method"], frame["method"], strict=True)]
    rfc = [_rfc_words(verdict, body, kind, switch)
           for verdict, body, kind, switch in zip(verdicts["rfc_verdict"],
                                                  verdicts["body_verdict"], kinds, switched,
                                                  strict=True)]
    data = frame.assign(arrived=arrived, css=_palette_css(frame), fetch=fetch, rfc=rfc)
    data = data[~verdicts["same_request_as_fetch"].to_numpy()]
    columns = ["client", "method", "arrived", "fetch", "rfc", "css"]
    rows = (data.groupby(columns, sort=False)["code"]
            .agg(lambda codes: ", ".join(map(str, codes))).reset_index())
    table = (rows.rename(columns={"method": "method sent", "code": "after",
                                  "fetch": "a browser sends", "rfc": "RFC 9110"})
             .set_index(["client", "method sent", "after"])
             [["arrived", "a browser sends", "RFC 9110"]])
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    styles["arrived"] = rows["css"].to_numpy()
    return StyledTable(table, styles, MATRIX_LEGEND, caption)


LEAK_LABELS = {"leaked": "credential leaked", "kept": "credential kept",
               "dropped": "credential dropped", "stripped": ""}


def leak_label(row: pd.Series, value: str = "authorization_arrived") -> str:
    """A credential that arrives on the same origin was *kept*, and *dropped* if it did
    not; one that arrives anywhere else *leaked*, and was *stripped* if it did not."""
    same_origin = row["scenario"] == "same-origin"
    if not row[value]:
        return "dropped" if same_origin else "stripped"
    return "kept" if same_origin else "leaked"


def leaks(frame: pd.DataFrame, value: str = "authorization_arrived",
          caption: str = "") -> StyledTable:
    """Client × scenario: was the credential in ``value`` sent on, and was that a leak?"""
    data = frame.assign(cell=frame.apply(leak_label, axis=1, value=value))
    clients = list(dict.fromkeys(data["client"]))
    scenarios = list(dict.fromkeys(data["scenario"]))
    table = data.pivot(index="client", columns="scenario", values="cell").loc[clients, scenarios]
    table.columns.name = "redirect →"
    styles = table.map(lambda cell: PALETTE.get(LEAK_LABELS[cell], ""))
    legend = {"leaked: sent to another origin": PALETTE["credential leaked"],
              "kept: stayed on its origin": PALETTE["credential kept"],
              "dropped: not sent even to its own origin": PALETTE["credential dropped"],
              "stripped: not sent to another origin": ""}
    return StyledTable(table, styles, legend, caption)


def _replay_colour(first: str, target: str) -> str:
    """The :data:`PALETTE` name for what a one-shot body's second request received."""
    if target == NO_REQUEST:
        return "refused"
    if target.split(",")[0] != first.split(",")[0]:
        return "method changed"
    return "body dropped" if target != first else ""


def replays(one_shot: pd.DataFrame, caption: str = "") -> StyledTable:
    """:func:`labserver.unreplayable_bodies` coloured: pink where the same method arrived
    with fewer bytes (a silent data loss), amber where the method changed, grey where no
    complete request arrived."""
    table = one_shot.set_index(["client", "body"])
    styles = pd.DataFrame("", index=table.index, columns=table.columns)
    styles["target got"] = [PALETTE.get(_replay_colour(first, target), "") for first, target
                            in zip(table["first hop got"], table["target got"], strict=True)]
    return StyledTable(table, styles, MATRIX_LEGEND, caption)


def reuse_grid(reuse: pd.DataFrame, caches: tuple[str, ...] | None = None,
               caption: str = "") -> StyledTable:
    """:func:`labserver.cache_reuse`'s counts as words: *reused* (the second visit was
    answered from the cache, blue) or *asked again* (it reached the server).

    Every cache that ran is shown (hishel and each browser), unless ``caches`` names
    some: one row per caching header and cache, one column per code, so three caches
    still fit a window.
    """
    names = list(caches) if caches is not None else [
        column for column in reuse.columns if column not in ("code", "cache")]
    order = list(dict.fromkeys(reuse["cache"]))
    stacked = (reuse.pivot(index="cache", columns="code", values=names).loc[order]
               .stack(level=0, future_stack=True))
    table = pd.DataFrame(stacked).reindex(names, level=1)
    table = table.map(lambda n: "reused" if n == 1 else "asked again")
    table.columns.name = "code →"
    table.index.names = ["redirect sends ↓", "cache ↓"]
    styles = table.map(lambda cell: PALETTE["from cache"] if cell == "reused" else "")
    legend = {"reused: the second visit never reached the server": PALETTE["from cache"],
              "asked again": ""}
    return StyledTable(table, styles, legend, caption)


MERMAID_THEME = '%%{init: {"theme": "default", "themeVariables": {"lineColor": "#8a8a8a"}}}%%'
"""Every diagram is drawn in Mermaid's light theme whatever JupyterLab's theme is: JupyterLab
draws a diagram once, in the theme of that moment, so one drawn in the light theme and read
after a switch to the dark one had dark labels on a dark page. Lines are a grey that shows on
both pages (3:1 or more), and a sequence diagram's messages sit on :data:`DIAGRAM_PAGE`."""

DIAGRAM_PAGE = "rgb(255, 255, 255)"
"""The band behind a sequence diagram's messages, so their labels read on either page."""


class Diagram:
    """Mermaid source that JupyterLab (4.1+) draws, and that reads as text elsewhere."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _repr_markdown_(self) -> str:
        return f"```mermaid\n{self.source}\n```"

    def __repr__(self) -> str:
        return self.source


def _mermaid_text(text: str) -> str:
    # Mermaid reads ';' as the end of a statement and '#' as the start of an entity.
    return text.replace("#", "#35;").replace(";", "#59;")


def sequence_diagram(hops: Iterable[Entry], servers: tuple[LabServer, ...] = (),
                     client: str = "client", from_cache: Iterable[Entry] = ()) -> Diagram:
    """A redirect chain as the journal saw it, drawn as a sequence diagram.

    One arrow per request (method, target, body size) and one per answer (status,
    Location); a note on a band of the :data:`PALETTE`'s colour marks where the method
    changed (amber) or only the body was dropped (pink). ``from_cache`` are answers the
    client took from its own cache this time: journal entries of an *earlier* visit
    (that is all the server ever saw of them), drawn first on a blue band between the
    client and its cache.
    """
    lines = [MERMAID_THEME, "sequenceDiagram", f"    participant C as {client}"]
    names: list[str] = []
    redirected_by: Entry | None = None
    arrows = []
    stored = list(from_cache)
    if stored:
        lines.append(f"    participant K as {client}'s cache")
        arrows.append(f"    rect {tint('from cache')}")
        for entry in stored:
            request = _mermaid_text(f"{entry.method} {aliased(entry.target, servers)}")
            arrows += [f"    C->>K: {request}",
                       f"    K-->>C: {_mermaid_text(_answer(entry, servers))}"]
        arrows += ["    Note over C,K: from the cache: not in the journal this time", "    end"]
        redirected_by = stored[-1]
    for hop in hops:
        if hop.server not in names:
            names.append(hop.server)
            lines.append(f"    participant S{len(names)} as {hop.server}")
        server = f"S{names.index(hop.server) + 1}"
        body = f" ({hop.body_length} byte{'s' * (hop.body_length != 1)})" if hop.body_length else ""
        request = _mermaid_text(f"{hop.method} {aliased(hop.target, servers)}")
        arrow = f"    C->>{server}: {request}{body}"
        # Compare a request only with the redirect that sent the client to it: a request
        # that follows a 200, or goes elsewhere, starts a new exchange.
        before = redirected_by if _follows_redirect(redirected_by, hop) else None
        changes = []
        if before is not None and hop.method != before.method:
            changes.append(f"method changed: {before.method} → {hop.method}")
        if before is not None and before.body_length and not hop.body_length:
            changes.append("body dropped")
        if before is not None and changes:  # on a band of the PALETTE's colour for it
            colour = tint("method changed" if hop.method != before.method else "body dropped")
            arrows += [f"    rect {colour}", arrow,
                       f"    Note over C,{server}: {', '.join(changes)}", "    end"]
        else:
            arrows.append(arrow)
        arrows.append(f"    {server}-->>C: {_mermaid_text(_answer(hop, servers))}")
        if not hop.is_preflight:
            redirected_by = hop
    return Diagram("\n".join([*lines, f"    rect {DIAGRAM_PAGE}", *arrows, "    end"]))


def _answer(hop: Entry, servers: tuple[LabServer, ...]) -> str:
    answer = str(hop.status)
    if hop.location:
        answer += f" Location {aliased(hop.location, servers)}"
    return answer


def _follows_redirect(redirect: Entry | None, hop: Entry) -> bool:
    """Whether ``hop`` is the request a client sent because ``redirect`` (a 3xx) pointed
    it there: its path and query are those of the Location, resolved against the
    redirect's own target."""
    if redirect is None or not redirect.location or not 300 <= redirect.status < 400:
        return False
    try:
        resolved = urlsplit(urljoin("http://lab" + redirect.target, redirect.location))
    except ValueError:
        return False
    return (resolved.path, resolved.query) == (hop.path, hop.query)
