"""Experiments only a browser can run: what a page's script may read of a redirect.

A page calls ``fetch(url, {redirect})``; the Response it gets back is all its script can
see. The lab puts that next to what the server's journal saw, per engine and mode.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..clients import REDIRECT_MODES, BrowserClient, CallClient, Client, FetchResponse, Outcome
from ..server.lab import LabServer
from .observe import Observation, Request, observe


def fetch_in_mode(server: LabServer, browser: BrowserClient, path: str,
                  mode: str) -> tuple[FetchResponse, Observation]:
    """``fetch(path, {redirect: mode})``, observed like every request: the Response the
    script got, and the :class:`Observation` of what reached the server."""
    answers: list[FetchResponse] = []

    def send(method: str, url: str, body: bytes | None,
             headers: dict[str, str] | None) -> Outcome:
        answers.append(browser.fetch(url, method=method, body=body, headers=headers,
                                     redirect=mode))
        return answers[-1].outcome

    browser.prepare(server.url)  # the page load is not a hop of the experiment
    seen = observe(CallClient(f"{browser.name} ({mode})", send), Request("GET", path),
                   (server,))
    return answers[-1], seen


def redirect_modes(server: LabServer, browsers: Mapping[str, Client],
                   path: str = "/redirect/302") -> pd.DataFrame:
    """``fetch(path, {redirect: mode})`` in each engine for each of Fetch's three modes:
    what the script read (type, status, redirected, url, how many headers, Location)
    and what the server saw. Browsers that are not installed are left out."""
    rows = []
    for name, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for mode in REDIRECT_MODES:
            answer, seen = fetch_in_mode(server, browser, path, mode)
            rows.append({
                "engine": name, "mode": mode,
                "script read": answer.error or f"{answer.type} {answer.status}",
                "redirected": "" if answer.error else answer.redirected,
                "url": "" if answer.url is None else answer.url.removeprefix(server.url),
                "headers readable": "" if answer.headers is None else answer.headers,
                "Location readable": "" if answer.error else answer.location or "(none)",
                "server saw": seen.describe(),
            })
    return pd.DataFrame(rows)
