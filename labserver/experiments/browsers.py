"""Experiments only a browser can run: what a page's script may read of a redirect.

A page calls ``fetch(url, {redirect})``; the Response it gets back is all its script can
see. The lab puts that next to what the server's journal saw, per engine and mode.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..clients import REDIRECT_MODES, BrowserClient, CallClient, Client, FetchResponse, Outcome
from ..server.journal import Entry, Observer
from ..server.lab import LabServer
from ..vocabulary import BODY, DEFAULT_TARGET
from .observe import Observation, Request, aliased, observe


def fetch_from(page: LabServer, servers: tuple[LabServer, ...], browser: BrowserClient,
               request: Request, *, redirect: str = "follow",
               referrer_policy: str = "") -> tuple[FetchResponse, Observation]:
    """``fetch()`` from a page of ``page``'s origin to ``request.path`` on the first of
    ``servers``, observed like every request: the Response the script got, and the
    :class:`Observation` of what reached the servers (a cross-origin request goes to a
    server that is not the page's)."""
    answers: list[FetchResponse] = []

    def send(method: str, url: str, body: bytes | None,
             headers: dict[str, str] | None) -> Outcome:
        answers.append(browser.fetch(url, method=method, body=body, headers=headers,
                                     redirect=redirect, referrer_policy=referrer_policy))
        return answers[-1].outcome

    browser.prepare(page.url)  # the page load is not a hop of the experiment
    seen = observe(CallClient(f"{browser.name} ({redirect})", send), request, servers)
    return answers[-1], seen


def fetch_in_mode(server: LabServer, browser: BrowserClient, path: str,
                  mode: str) -> tuple[FetchResponse, Observation]:
    """``fetch(path, {redirect: mode})`` from a page of the same origin."""
    return fetch_from(server, (server,), browser, Request("GET", path), redirect=mode)


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


SIMPLE_BODY = (("Content-Type", "text/plain"),)
"""A text/plain body keeps a cross-origin POST "simple": no preflight, so the table shows
only the hops the redirect made."""

ORIGIN_ROUTES = {
    "same origin, then same": ("lab", "lab"),
    "same origin, then other": ("lab", "other"),
    "other origin, then same": ("other", "lab"),
    "other origin, then other": ("other", "other"),
}
"""Where a POST from a page on ``lab`` goes first, and where that server's 307 sends it."""


def _two(servers: Mapping[str, LabServer], first: str) -> tuple[LabServer, ...]:
    """The servers of an experiment, the one the request goes to first."""
    return (servers[first], *(s for name, s in servers.items() if name != first))


def _header(hop: Entry | None, name: str, servers: tuple[Observer, ...]) -> str:
    if hop is None:
        return "(not reached)"
    value = hop.headers.get(name)
    return "(none)" if value is None else aliased(value, servers)


def origins_across_hops(servers: Mapping[str, LabServer], browsers: Mapping[str, Client],
                        routes: Mapping[str, tuple[str, str]] = ORIGIN_ROUTES) -> pd.DataFrame:
    """A POST from a page on ``servers["lab"]`` through a 307, for each route: the
    ``Origin`` the browser sent at the redirect and at the target."""
    rows = []
    for engine, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for route, (first, then) in routes.items():
            target = servers[then].url + DEFAULT_TARGET if then != first else DEFAULT_TARGET
            request = Request("POST", f"/redirect/307?to={target}", BODY, SIMPLE_BODY)
            answer, seen = fetch_from(servers["lab"], _two(servers, first), browser, request)
            hops = [h for h in seen.hops if not h.is_preflight]
            rows.append({"engine": engine, "route": route,
                         "Origin at the 307": _header(seen.first, "Origin", seen.servers),
                         "Origin at the target": _header(hops[1] if len(hops) > 1 else None,
                                                         "Origin", seen.servers),
                         "script read": answer.error or answer.status})
    return pd.DataFrame(rows)


def referers_across_hops(servers: Mapping[str, LabServer], browsers: Mapping[str, Client],
                         policies: tuple[str, ...]) -> pd.DataFrame:
    """A ``fetch()`` from ``lab``'s page through a 302 to ``other``, the 302 sending each
    ``Referrer-Policy`` in turn (``""``: none): the ``Referer`` at each hop."""
    rows = []
    for engine, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for policy in policies:
            path = f"/redirect/302?to={servers['other'].url}{DEFAULT_TARGET}"
            request = Request("GET", path + (f"&referrer_policy={policy}" if policy else ""))
            _, seen = fetch_from(servers["lab"], _two(servers, "lab"), browser, request)
            rows.append({"engine": engine, "Referrer-Policy of the 302": policy or "(none)",
                         "Referer at the 302": _header(seen.first, "Referer", seen.servers),
                         "Referer at the target": _header(seen.last, "Referer", seen.servers)})
    return pd.DataFrame(rows)


CORS_REQUESTS = {
    "simple GET": Request("GET", ""),
    "preflighted PUT": Request("PUT", "", BODY),
}
"""A cross-origin request a browser sends straight away, and one it asks permission for
first (PUT is not a CORS-safelisted method, and a JSON body is not a safelisted type)."""


def cors_through_redirects(servers: Mapping[str, LabServer], browsers: Mapping[str, Client],
                           cases: tuple[tuple[str, int, str], ...]) -> pd.DataFrame:
    """A ``fetch()`` from ``lab``'s page to a redirect on ``other`` (to ``other``'s
    ``/echo``), for each ``(request, code, cors)`` case: ``request`` a key of
    :data:`CORS_REQUESTS`, ``cors`` how the redirect answers CORS (see
    :data:`labserver.vocabulary.CORS_ANSWERS`). What the script read, how many preflights
    the browser sent, and every hop the server saw."""
    rows = []
    for engine, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for kind, code, cors in cases:
            template = CORS_REQUESTS[kind]
            path = f"/redirect/{code}" + ("" if cors == "allow" else f"?cors={cors}")
            request = Request(template.method, path, template.body)
            answer, seen = fetch_from(servers["lab"], _two(servers, "other"), browser, request)
            rows.append({"engine": engine, "request": kind, "code": code, "cors": cors,
                         "script read": answer.error or f"{answer.type} {answer.status}",
                         "preflights": sum(h.is_preflight for h in seen.hops),
                         "arrived": seen.arrived, "server saw": seen.describe()})
    return pd.DataFrame(rows)
