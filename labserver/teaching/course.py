"""The course: core episodes in order, the optional deep dives beside the episode each
deepens, and the reference pages.

One list, so the index, the footers, the README and the tests agree on the path. An
episode's stated time is checked against an estimate made the way a learner spends it:
reading at 200 words a minute, running and reading each cell, thinking through each
prediction and exercise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Kind = Literal["index", "core", "deep dive", "reference"]

MAX_MINUTES = 30
"""One sitting: no episode or deep dive may take longer."""


@dataclass(frozen=True)
class Episode:
    """One notebook of the course, by its number (``08``, ``08a``, ``R1``)."""

    number: str
    stem: str
    kind: Kind
    learn: str
    """What you'll learn, in a line, for the course map."""

    @property
    def file(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def deepens(self) -> str | None:
        """The core episode a deep dive belongs to (``08`` for ``08a``)."""
        return self.number[:2] if self.kind == "deep dive" else None


COURSE: tuple[Episode, ...] = (
    Episode("00", "00_start_here", "index",
            "How to run the episodes and the tests; an environment check; the course map"),
    Episode("01", "01_anatomy_of_a_redirect", "core",
            "Status line and `Location`; following or not; the journal's hop-by-hop view"),
    Episode("02", "02_302_found", "core",
            "Every method through a 302, and why a POST (in httpx, a PUT too) arrives as GET"),
    Episode("03", "03_303_see_other", "core",
            "The redirect that means \"now GET this\": Post/Redirect/Get, body headers"),
    Episode("04", "04_307_temporary_redirect", "core",
            "Method and body kept: moving an API from `/api/v1` to `/api/v2`"),
    Episode("05", "05_308_permanent_redirect", "core",
            "The permanent twin of 307; 301 vs 308 for POST; what caches may do"),
    Episode("06", "06_the_whole_matrix", "core",
            "Every code × every method beside RFC 9110 and the Fetch standard"),
    Episode("07", "07_which_redirect", "core",
            "Which redirect to return: a decision diagram and a tested function"),
    Episode("08", "08_clients_compared", "core",
            "httpx, requests, urllib, curl, wget, Node and two browsers: who follows, who "
            "refuses, where each departs from a browser"),
    Episode("08a", "08a_bodies_and_body_headers", "deep dive",
            "Body headers after a switch to GET; bodies a client cannot send twice"),
    Episode("09", "09_loops_and_limits", "core",
            "Control your client: following on or off, each client's limit, loops"),
    Episode("09a", "09a_location_details", "deep dive",
            "Relative `Location`, fragments, a 3xx without `Location`, odd bytes"),
    Episode("10", "10_curl", "core",
            "curl as people type it: `-L`, `-X`, `--post30x`, `--max-redirs`"),
    Episode("11", "11_browsers", "core",
            "Two engines: a form POST through each code, Post/Redirect/Get, `fetch()`'s "
            "redirect modes"),
    Episode("11a", "11a_navigations", "deep dive",
            "Navigations, meta refresh, the `Refresh` header and scripts: which wins"),
    Episode("11b", "11b_origin_referer_cors", "deep dive",
            "`Origin`, `Referer` and CORS preflights across hops"),
    Episode("12", "12_credentials_across_origins", "core",
            "`Authorization`, cookies and API keys across ports, hosts and schemes"),
    Episode("12a", "12a_default_port_upgrade", "deep dive",
            "The default-port exemption, observed on ports 80 and 443"),
    Episode("12b", "12b_old_bugs_replayed", "deep dive",
            "Four CVEs replayed against the release before the fix and the fix"),
    Episode("13", "13_caching_permanent_redirects", "core",
            "Which redirects a cache keeps: hishel, Chromium and Firefox asked twice"),
    Episode("14", "14_what_frameworks_send", "core",
            "Flask, FastAPI, Django, Express, Next.js and nginx: default codes, trailing "
            "slashes, a redirect to fix"),
    Episode("14a", "14a_redirect_patterns", "deep dive",
            "An API move, maintenance, load balancing, canonical host, http → https"),
    Episode("15", "15_ssrf_through_redirects", "core",
            "SSRF through a redirect, and fixes that check every hop"),
    Episode("15a", "15a_open_redirects", "deep dive",
            "Open redirects, phishing and OAuth `redirect_uri` theft; a check that holds"),
    Episode("16", "16_behind_a_proxy", "core",
            "The https redirect loop behind a TLS-terminating proxy, and its fix"),
    Episode("16a", "16a_what_a_redirect_costs", "deep dive",
            "Connections and time per hop, counted by the servers"),
    Episode("16b", "16b_trace_and_har", "deep dive",
            "Trace your own site's redirects through a recording proxy; export HAR"),
    Episode("R1", "R1_the_3xx_reference", "reference",
            "300–308 in one table, each observable claim checked against the lab"),
    Episode("R2", "R2_cheat_sheet", "reference",
            "Every client on one page, computed from a fresh run"),
    Episode("R3", "R3_glossary", "reference",
            "The words every table, grader and sentence uses"),
)
"""The whole course in its order: the order of the files, too."""

BY_NUMBER = {episode.number: episode for episode in COURSE}


def core() -> list[Episode]:
    return [e for e in COURSE if e.kind == "core"]


def next_core(episode: Episode) -> Episode | None:
    """The core episode a learner goes on to after ``episode`` (or its deep dive)."""
    here = episode.deepens or episode.number
    return next((e for e in core() if e.number > here), None)


def previous_core(episode: Episode) -> Episode | None:
    return next((e for e in reversed(core()) if e.number < episode.number), None)


def deep_dives(episode: Episode) -> list[Episode]:
    return [e for e in COURSE if e.deepens == episode.number]


def _link(episode: Episode, prefix: str = "") -> str:
    return f"[{episode.number} · {title_of(episode)}]({prefix}{episode.file})"


_TITLES: dict[str, str] = {}


def title_of(episode: Episode, folder: Path | None = None) -> str:
    """The title in the episode's first heading (``# 08 · Clients compared``)."""
    if episode.number not in _TITLES:
        from .environment import REPOSITORY_LESSONS

        path = (folder or REPOSITORY_LESSONS) / episode.file
        heading = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        first = heading.splitlines()[0]
        _TITLES[episode.number] = first.split(" · ", 1)[1] if " · " in first else first[2:]
    return _TITLES[episode.number]


def footer(episode: Episode) -> str:
    """The last cell of every notebook: where the path goes on from here."""
    parts = []
    if episode.kind == "core":
        before = previous_core(episode)
        parts.append(f"← Previous: {_link(before)}" if before else "")
    elif episode.kind == "deep dive":
        parts.append(f"← Back to: {_link(BY_NUMBER[episode.deepens or ''])}")
    parts.append("[Index](00_start_here.ipynb)")
    after = next_core(episode) if episode.kind in ("core", "deep dive", "index") else None
    if after:
        parts.append(f"Next: {_link(after)} →")
    text = "---\n" + " · ".join(p for p in parts if p)
    dives = deep_dives(episode)
    if dives:
        text += "\n\nOptional deep dive" + ("s" if len(dives) > 1 else "") + ": " + ", ".join(
            _link(d) for d in dives) + "."
    return text


# -- how long an episode takes ---------------------------------------------------------

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 12
MINUTES_PER_CELL = 0.3
"""Run a cell and read what it shows (a table, a diagram)."""
MINUTES_PER_PREDICTION = 2
MINUTES_PER_EXERCISE = 4
"""Constants calibrated so the estimate matches a reviewer who timed the lessons as a new
learner (10½ hours for the 29 lessons before the course was cut; 45 minutes for the
clients lesson)."""

CHECK_CALLS = ("labserver.claim(", "labserver.recap(", "labserver.solution(")
"""Cells whose source a learner does not read: the checks that keep a sentence true, and
a folded solution. JupyterLab shows their output with the source collapsed."""

EXERCISE_CALLS = re.compile(r"\bgrade\w*\(|check_redirect_app\(")


def is_check(cell: dict[str, Any]) -> bool:
    return cell["cell_type"] == "code" and any(
        call in "".join(cell["source"]) for call in CHECK_CALLS)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def estimate_minutes(notebook: dict[str, Any]) -> float:
    """How long a learner spends on ``notebook`` (its stored outputs included)."""
    words = lines = cells = predictions = exercises = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += _words(source)
            predictions += len(re.findall(r"\*\*Predict", source))
            continue
        cells += 1
        if is_check(cell):
            for output in cell.get("outputs", []):
                words += _words("".join(output.get("data", {}).get("text/markdown", "")))
        else:
            lines += len([line for line in source.splitlines() if line.strip()])
        exercises += bool(EXERCISE_CALLS.search(source))
    return (words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE
            + cells * MINUTES_PER_CELL + predictions * MINUTES_PER_PREDICTION
            + exercises * MINUTES_PER_EXERCISE)


def stated_minutes(notebook: dict[str, Any]) -> int | None:
    """The time the first cell states (``*Core episode · about 25 minutes*``)."""
    found = re.search(r"about (\d+) minutes", "".join(notebook["cells"][0]["source"]))
    return int(found.group(1)) if found else None


def course_map(folder: Path | None = None, prefix: str = "") -> str:
    """The course as the index and the README show it (Markdown): core episodes with their
    deep dives and stated times, then the reference pages. ``prefix`` leads each link from
    where the map stands (``notebooks/`` in the README)."""
    from .environment import REPOSITORY_LESSONS

    folder = folder or REPOSITORY_LESSONS

    def minutes(e: Episode) -> int:
        notebook = json.loads((folder / e.file).read_text(encoding="utf-8"))
        return stated_minutes(notebook) or 0

    rows = ["| Episode | What you'll learn | Time |", "|---|---|---|"]
    for e in COURSE:
        if e.kind == "core":
            rows.append(f"| **{_link(e, prefix)}** | {e.learn} | {minutes(e)} min |")
        elif e.kind == "deep dive":
            rows.append(f"| ↳ *optional:* {_link(e, prefix)} | {e.learn} | {minutes(e)} min |")
    total = sum(minutes(e) for e in core())
    rows += ["", f"The core path: {len(core())} episodes, about {total / 60:.1f} hours. Each "
             "deep dive is optional and belongs to the episode above it.", "",
             "**Reference pages** (no exercise; open them any time)", "",
             "| Page | What it holds |", "|---|---|"]
    rows += [f"| {_link(e, prefix)} | {e.learn} |" for e in COURSE if e.kind == "reference"]
    return "\n".join(rows)


def refresh(folder: Path | None = None) -> list[str]:
    """Write what the course generates into the notebooks and the README: each stated time
    (the estimate, rounded up to 5 minutes), each footer, the index's map and the README's.
    Run after editing an episode (``python -m labserver.teaching.course``), before the
    README's command that refreshes the stored outputs; returns what it changed."""
    from .environment import REPOSITORY_LESSONS

    folder = folder or REPOSITORY_LESSONS
    _TITLES.clear()
    changed = []
    for episode in COURSE:
        path = folder / episode.file
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        minutes = 5 * -(-estimate_minutes(notebook) // 5)
        first = re.sub(r"about \d+ minutes", f"about {minutes:.0f} minutes",
                       "".join(cells[0]["source"]))
        texts = {0: first, len(cells) - 1: footer(episode)}
        if episode.kind == "index":
            texts[1] = "## The course\n\n" + course_map(folder)
        stale = [i for i, text in texts.items() if "".join(cells[i]["source"]) != text]
        for index in stale:
            cells[index]["source"] = texts[index].splitlines(keepends=True)
            changed.append(f"{episode.file}: cell {index}")
        if stale:
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    readme = folder.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("## The course\n\n") + len("## The course\n\n")
    end = text.index("\n\n## ", start)
    fresh = text[:start] + course_map(folder, prefix="notebooks/") + text[end:]
    if fresh != text:
        readme.write_text(fresh, encoding="utf-8")
        changed.append("README.md: the course map")
    return changed


if __name__ == "__main__":
    print("\n".join(refresh()) or "the course's generated parts are current")
