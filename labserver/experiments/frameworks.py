"""What frameworks send when you ask for a redirect, read off the wire from each
framework running on loopback (:mod:`labserver.frameworks`)."""

from __future__ import annotations

from collections.abc import Iterable

import httpx
import pandas as pd

from ..clients.base import loopback_httpx
from ..frameworks import FRAMEWORKS, Framework, FrameworkUnavailable, Route
from ..server.lab import LOOPBACK

FORM = {"name": "learner"}
"""The form a POST sends (``application/x-www-form-urlencoded``), as a browser's form would."""


NOT_FOLLOWED = "(not followed: port 80 is not this server)"


def start_frameworks(names: Iterable[str] | None = None
                     ) -> tuple[dict[str, Framework], dict[str, str]]:
    """Start each framework named (all of :data:`FRAMEWORKS` by default); those that
    cannot run here are returned apart, with what to install."""
    started, skipped = {}, {}
    for name in names or FRAMEWORKS:
        try:
            started[name] = FRAMEWORKS[name]().start()
        except FrameworkUnavailable as missing:
            skipped[name] = str(missing)
    return started, skipped


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


def framework_redirects(frameworks: dict[str, Framework]) -> pd.DataFrame:
    """One row per redirect of each running framework: the status line and ``Location``
    it sent, and where a client that follows (httpx) ends."""
    with loopback_httpx(follow_redirects=False) as plain, \
            loopback_httpx(follow_redirects=True) as following:
        rows = [_row(framework, route, plain, following)
                for framework in frameworks.values() for route in framework.routes]
    return pd.DataFrame(rows).set_index(["framework", "what you write"])
