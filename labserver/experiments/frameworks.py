"""What frameworks send when you ask for a redirect, read off the wire from each
framework running on loopback (:mod:`labserver.frameworks`)."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
import pandas as pd

from ..clients.base import loopback_httpx
from ..frameworks import FRAMEWORKS, Framework, FrameworkUnavailable, MissingFramework, Route
from ..server.lab import LOOPBACK

FORM = {"name": "learner"}
"""The form a POST sends (``application/x-www-form-urlencoded``), as a browser's form would."""


NOT_FOLLOWED = "(not followed: port 80 is not this server)"


class Frameworks(dict[str, Framework]):
    """The frameworks that started, by name, and those that could not (``skipped``, with
    why). Asked for by name, a skipped one is a :class:`MissingFramework`, so a lesson's
    cells run to the end with what did start and say what did not."""

    def __init__(self, started: dict[str, Framework], skipped: dict[str, str]) -> None:
        super().__init__(started)
        self.skipped = skipped

    def __missing__(self, name: str) -> Framework:
        if name not in self.skipped:
            raise KeyError(name)
        return MissingFramework(FRAMEWORKS[name], self.skipped[name])

    def missing(self, *names: str) -> list[str]:
        """Which of ``names`` did not start here: what a claim about them cannot check
        (:func:`labserver.claim`'s ``missing``)."""
        return [name for name in names if name in self.skipped]


_STARTED: dict[str, Framework] = {}
"""The frameworks :func:`start_frameworks` started in this process, by name."""


def _serving(framework: Framework) -> bool:
    if not framework.port:
        return False  # stopped
    try:
        socket.create_connection((LOOPBACK, framework.port), timeout=1).close()
    except OSError:
        return False
    return True


def start_frameworks(names: Iterable[str] | None = None) -> tuple[Frameworks, dict[str, str]]:
    """Start each framework named (all of :data:`FRAMEWORKS` by default); those that
    cannot run here are returned apart, with what to install.

    A re-run cell gets back the frameworks this process already started and that are
    still serving, as ``start()`` hands back the running lab server, instead of starting
    six more beside them."""
    started, skipped = {}, {}
    for name in names or FRAMEWORKS:
        running = _STARTED.get(name)
        if running is not None and _serving(running) and not running.unavailable_reason():
            started[name] = running
            continue
        try:
            started[name] = _STARTED[name] = FRAMEWORKS[name]().start()
        except FrameworkUnavailable as missing:
            skipped[name] = str(missing)
    return Frameworks(started, skipped), skipped


def stop_frameworks(frameworks: dict[str, Framework]) -> None:
    for framework in frameworks.values():
        framework.stop()


def _shown(url: str, framework: Framework) -> str:
    """A URL as tables show it: the framework's own origin (a port that changes with
    every run) is named instead, as the lab's hops name their servers."""
    return url.replace(framework.url, f"http://{framework.host_name}").replace(
        f"http://{LOOPBACK}/", f"http://{framework.host_name}-without-port/")


def _followed(answer: httpx.Response, framework: Framework) -> str:
    last = answer.request
    return f"{last.method} {_shown(str(last.url), framework)} → {answer.status_code}"


def _row(framework: Framework, route: Route, plain: httpx.Client,
         following: httpx.Client) -> dict[str, object]:
    form = FORM if route.method == "POST" else None
    answer = plain.request(route.method, framework.url + route.path, data=form)
    after = (following.request(route.method, framework.url + route.path, data=form)
             if route.follow else None)
    return {"framework": framework.label, "what you write": route.written,
            "request": f"{route.method} {route.path}",
            "status sent": f"{answer.status_code} {answer.reason_phrase}",
            "Location": _shown(answer.headers.get("location", ""), framework),
            "then httpx sends": (_followed(after, framework) if after and after.history
                                 else "" if after else NOT_FOLLOWED),
            "source": route.citation}


def _skipped_row(framework: MissingFramework, route: Route) -> dict[str, object]:
    return {"framework": framework.label, "what you write": route.written,
            "request": f"{route.method} {route.path}", "status sent": framework.skipped,
            "Location": "", "then httpx sends": "", "source": route.citation}


def framework_redirects(frameworks: dict[str, Framework]) -> pd.DataFrame:
    """One row per redirect of each running framework: the status line and ``Location``
    it sent, and where a client that follows (httpx) ends. A framework that did not start
    (:class:`Frameworks`) keeps its rows, each saying it was skipped and why."""
    skipped = [MissingFramework(FRAMEWORKS[name], reason) for name, reason in
               (frameworks.skipped.items() if isinstance(frameworks, Frameworks) else ())]
    with loopback_httpx(follow_redirects=False) as plain, \
            loopback_httpx(follow_redirects=True) as following:
        rows = [_row(framework, route, plain, following)
                for framework in frameworks.values() for route in framework.routes]
    rows += [_skipped_row(framework, route) for framework in skipped
             for route in framework.routes]
    return pd.DataFrame(rows).set_index(["framework", "what you write"])


CONNECTION_HEADERS = ("date", "connection", "keep-alive", "transfer-encoding")
"""Headers about the connection or the moment, not the redirect (and ``Date`` changes
with every run): an :class:`Answer` leaves them out."""


@dataclass(frozen=True)
class Answer:
    """A framework's whole answer to one request, as a learner reads it: the status line
    and every header about the redirect; for a framework that did not run here, why."""

    status: int
    """0 for a framework that did not run."""
    status_line: str
    headers: dict[str, str]

    def __repr__(self) -> str:
        return " | ".join([self.status_line, *(f"{name.title()}: {value}"
                                               for name, value in self.headers.items())])


def answer(framework: Framework, method: str, path: str) -> Answer:
    """What ``framework`` answers to ``method path``, not followed."""
    if isinstance(framework, MissingFramework):
        return Answer(0, f"{framework.name} {framework.skipped}", {})
    with loopback_httpx(follow_redirects=False) as http:
        sent = http.request(method, framework.url + path)
    return Answer(sent.status_code, f"{sent.status_code} {sent.reason_phrase}",
                  {name: value for name, value in sent.headers.items()
                   if name not in CONNECTION_HEADERS})
