"""Navigations: a browser tab sent somewhere by the address bar, a link, a form, or by the
page itself (a ``Refresh`` header, a meta refresh, a script).

``fetch()`` hands its answer to a script; a navigation hands it to the tab, which shows
a page and may be sent on again by what that page says. Each experiment here is one
:func:`observe` of the tab's action; the page's own redirects happen after the first
page has loaded, so the action waits (at most :data:`PAGE_REDIRECT_WAIT` seconds) for the
tab to arrive where the journal says it went.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, quote

import pandas as pd

from ..clients import BrowserClient, CallClient, Client, Outcome, Showing
from ..server.journal import Entry
from ..server.lab import LabServer
from ..server.pages import WAYS
from ..vocabulary import CODES
from .observe import Observation, Request, observe

PAGE_REDIRECT_WAIT = 1.0
"""How long a tab is given to be sent on by its page (a 0-second refresh takes about
0.1 s here); a page that sends it nowhere costs this much."""

HOW = ("address bar", "link", "form GET", "form POST")
"""The ways a person starts a navigation that the lab can drive."""


def _may_send_on(hop: Entry) -> bool:
    """Whether the page ``hop`` answered may send the tab on by itself: a lab
    ``/navigate`` page naming a way besides the HTTP answer (see :data:`WAYS`)."""
    ways = parse_qs(hop.query).get("via", [""])[0].split(",")
    return hop.path == "/navigate" and any(way in WAYS and way != "http" for way in ways)


def _wait_for_tab(browser: BrowserClient, server: LabServer, mark: int) -> Showing:
    """Wait until the tab shows the last page the journal answered since ``mark`` (or the
    wait runs out), and return what it shows. A page that redirects by itself is asked
    for after it has loaded, so the journal may still be growing when the action ends;
    a page that cannot send the tab on (nor a 3xx the tab shows, so did not follow)
    ends the wait at once."""
    deadline = time.monotonic() + PAGE_REDIRECT_WAIT
    showing = Showing("", "")
    while True:
        hops = server.journal.since(mark)
        try:
            showing = browser.showing()
        except Exception:  # noqa: BLE001 - the page is being replaced: ask again
            showing = Showing("", "")
        arrived = bool(hops) and showing.url.endswith(hops[-1].target)
        if (arrived and not _may_send_on(hops[-1])) or time.monotonic() > deadline:
            return showing
        time.sleep(0.02)


def _act(action: Callable[[], Outcome]) -> Outcome:
    try:
        return action()
    except Exception as error:  # noqa: BLE001 - a navigation cut short by the next one
        return Outcome(status=None, error=type(error).__name__, detail=str(error).splitlines()[0])


def navigate(server: LabServer, browser: BrowserClient, how: str, code: int,
             ) -> tuple[Observation, Showing]:
    """Start a navigation through ``/redirect/<code>`` the way ``how`` names (see
    :data:`HOW`); what the server saw, and what the tab then showed."""
    if how not in HOW:
        raise ValueError(f"how must be one of {', '.join(HOW)}, not {how!r}")
    path = f"/redirect/{code}"
    setup, action, request = {
        "address bar": (None, lambda: browser.open(server.url + path), Request("GET", path)),
        "link": (f"/link?to={quote(path)}", browser.follow_link, Request("GET", path)),
        "form GET": (f"/form/{code}?method=get", browser.submit_form, Request("GET", path)),
        "form POST": (f"/form/{code}", browser.submit_form,
                      Request("POST", path, body=b"form")),
    }[how]
    if setup:
        mark = server.journal.mark()
        browser.open(server.url + setup)
        _wait_for_tab(browser, server, mark)
    return _observe_tab(server, browser, f"{browser.name} {how}", action, request)


def _observe_tab(server: LabServer, browser: BrowserClient, name: str,
                 action: Callable[[], Outcome], request: Request,
                 ) -> tuple[Observation, Showing]:
    shown: list[Showing] = []

    def send(*_: object) -> Outcome:
        mark = server.journal.mark()
        outcome = _act(action)
        shown.append(_wait_for_tab(browser, server, mark))
        return outcome

    seen = observe(CallClient(name, send), request, (server,))
    return seen, shown[-1]


def open_page(server: LabServer, browser: BrowserClient, path: str,
              ) -> tuple[Observation, Showing]:
    """Type ``server.url + path`` in the address bar and wait for wherever the page
    sends the tab: what the server saw, and what the tab ended up showing."""
    return _observe_tab(server, browser, browser.name,
                        lambda: browser.open(server.url + path), Request("GET", path))


def _shown(showing: Showing, server: LabServer) -> str:
    return showing.url.removeprefix(server.url) or "(nothing)"


def navigations(server: LabServer, browsers: Mapping[str, Client],
                codes: tuple[int, ...] = CODES, how: tuple[str, ...] = HOW) -> pd.DataFrame:
    """Every way of navigating through every code, in each engine: one row each, with the
    hops the server saw and the method and body that arrived at ``/echo``."""
    rows = []
    for engine, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for way in how:
            for code in codes:
                seen, showing = navigate(server, browser, way, code)
                rows.append({"engine": engine, "how": way, "code": code,
                             "arrived": seen.arrived, "hops": seen.describe(),
                             "tab shows": _shown(showing, server)})
    return pd.DataFrame(rows)


def page_redirects(server: LabServer, browsers: Mapping[str, Client],
                   paths: tuple[str, ...]) -> pd.DataFrame:
    """Open each ``/navigate?...`` path in each engine: which way sent the tab on (the
    ``by=`` of the page it landed on), what the tab shows, and what the server saw."""
    rows = []
    for engine, browser in browsers.items():
        if not isinstance(browser, BrowserClient):
            continue
        for path in paths:
            seen, showing = open_page(server, browser, path)
            landed = next((h for h in seen.hops if h.path == "/page"), None)
            rows.append({"engine": engine, "page": path,
                         "sent on by": landed.target.partition("by=")[2] if landed else "(stayed)",
                         "tab shows": showing.text.splitlines()[-1] if showing.text else "",
                         "server saw": seen.describe()})
    return pd.DataFrame(rows)
