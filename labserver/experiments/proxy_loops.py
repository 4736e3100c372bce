"""Behind a reverse proxy: the https redirect loop, its fix, and the fix's own hole.

nginx ends TLS and passes plain http to an app that insists on https
(:func:`labserver.server.behind_proxy.force_https_app`). Three set-ups, each observed
from the app's journal: nginx says nothing about the scheme; nginx sends
``X-Forwarded-Proto`` and the app ignores it; nginx sends it and the app believes it
through Werkzeug's ``ProxyFix``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType

import pandas as pd
from flask import Flask

from ..clients import BrowserClient, CallClient, Client, MissingBrowser, Outcome, make_client
from ..frameworks.processes import NginxProxy
from ..server.behind_proxy import force_https_app
from ..server.journal import Journal
from ..server.lab import LabServer
from ..server.tls import LabCertificates
from .observe import Observation, Request, describe_hops, observe


@dataclass(frozen=True)
class Setup:
    """How nginx and the app are configured."""

    forward_proto: bool
    """nginx sends ``X-Forwarded-Proto $scheme`` to the app."""
    proxy_fix: bool
    """The app is wrapped in ``ProxyFix(x_proto=1)`` and believes that header."""


SETUPS: dict[str, Setup] = {
    "nginx says nothing, the app sees http": Setup(forward_proto=False, proxy_fix=False),
    "nginx sends X-Forwarded-Proto, the app ignores it": Setup(forward_proto=True,
                                                               proxy_fix=False),
    "nginx sends X-Forwarded-Proto, the app uses ProxyFix": Setup(forward_proto=True,
                                                                  proxy_fix=True),
}

LOOP_CLIENTS = ("httpx", "requests", "urllib3", "curl")
"""The libraries the lesson sends through the proxy (a browser is added by the lesson)."""

PAGE = "/account"


def _app_factory(trust: bool) -> Callable[[Journal], Flask]:
    return lambda journal: force_https_app(journal, trust_forwarded=trust)


class ProxyLab:
    """The force-https app twice (without and with ``ProxyFix``) and an nginx in front
    of each :data:`SETUPS` entry, all on loopback, with one throwaway CA."""

    def __init__(self) -> None:
        self.certificates = LabCertificates()
        self.apps = {trust: LabServer(name="app", app=_app_factory(trust))
                     for trust in (False, True)}
        self.proxies: dict[str, NginxProxy] = {}

    def start(self) -> ProxyLab:
        for app in self.apps.values():
            app.start()
        for name, setup in SETUPS.items():
            if name not in self.proxies:
                proxy = NginxProxy(self.apps[setup.proxy_fix].url, self.certificates,
                                   forward_proto=setup.forward_proto)
                proxy.start()
                self.proxies[name] = proxy
        return self

    def stop(self) -> None:
        for proxy in self.proxies.values():
            proxy.stop()
        self.proxies.clear()
        for app in self.apps.values():
            app.stop()
        self.certificates.close()

    def __enter__(self) -> ProxyLab:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def app_behind(self, setup: str) -> LabServer:
        return self.apps[SETUPS[setup].proxy_fix]

    def aliased(self, text: str) -> str:
        """``text`` with nginx's and the apps' loopback URLs written ``https://nginx`` and
        ``http://app``, so a table reads the same on every run."""
        for proxy in self.proxies.values():
            text = text.replace(proxy.url, "https://nginx")
        for app in self.apps.values():
            text = text.replace(app.url, "http://app")
        return text


_NAVIGATION_ERROR = re.compile(r"\b(net::ERR_[A-Z_]+|NS_ERROR_[A-Z_]+)")


def address_bar(browser: BrowserClient | MissingBrowser) -> Client:
    """``browser`` as a client that types the URL in the address bar, so a redirect loop
    ends in the engine's own navigation error (``net::ERR_TOO_MANY_REDIRECTS``).

    Each navigation leaves a fresh tab behind it (a new private window, 0.2 s in
    Chromium), so the next starts clean; the first uses the tab ``browser`` shows, so
    hand it a browser fresh from :func:`open_browser` or :meth:`~BrowserClient.new_tab`."""
    def navigate(method: str, url: str, body: bytes | None,
                 headers: dict[str, str] | None) -> Outcome:
        try:
            return browser.open(url)
        except Exception as failed:  # the driver's error type differs per engine
            found = _NAVIGATION_ERROR.search(str(failed))
            return Outcome(status=None, error=found.group(1) if found else type(failed).__name__,
                           detail=str(failed).splitlines()[0])
        finally:
            # Chromium loads a page that ended in a network error again by itself: left
            # open for a second, this one ran its loop again inside the next experiment
            # (seen in CI under load, and here whenever the next tab opened a second later).
            browser.new_tab()
    return CallClient(f"{browser.name} (address bar)", navigate)



def _hops_in_short(seen: Observation) -> str:
    """The first two hops as the app saw them, and how many there were in all."""
    shown = describe_hops(seen.hops[:2])
    more = len(seen.hops) - 2
    return shown + (f" | … {more} more" if more > 0 else "")


def proxy_loops(lab: ProxyLab, clients: Iterable[Client]) -> pd.DataFrame:
    """Each client asks nginx for :data:`PAGE` over https, in each set-up: what the app
    received (how many requests, the scheme nginx told it) and how the client ended."""
    rows = []
    for client in clients:
        for name in SETUPS:
            app = lab.app_behind(name)
            seen = observe(client, Request("GET", PAGE, target=PAGE), (app,),
                           base=lab.proxies[name].url)
            first = seen.hops[0] if seen.hops else None
            rows.append({
                "set-up": name, "client": client.name,
                "requests at the app": len(seen.hops),
                "X-Forwarded-Proto at the app": (first.headers.get("X-Forwarded-Proto", "(none)")
                                                 if first else "(not reached)"),
                "hops at the app": lab.aliased(_hops_in_short(seen)),
                "client ended": seen.result.error or str(seen.result.status),
            })
    return pd.DataFrame(rows).set_index(["set-up", "client"])


SPOOFS = {
    "straight to the app, claiming https": ("app", {"X-Forwarded-Proto": "https"}),
    "through nginx, claiming http": ("nginx", {"X-Forwarded-Proto": "http"}),
}
"""A client that writes ``X-Forwarded-Proto`` itself: to the app directly (reachable when
it listens where anyone can connect), or through nginx."""


def spoofed_scheme(lab: ProxyLab) -> pd.DataFrame:
    """What the ProxyFix app makes of an ``X-Forwarded-Proto`` the client wrote: sent
    straight to it over plain http, and through nginx, which sets the header itself."""
    setup = "nginx sends X-Forwarded-Proto, the app uses ProxyFix"
    app = lab.app_behind(setup)
    rows = []
    with make_client("httpx", tls=lab.certificates) as client:
        for name, (via, headers) in SPOOFS.items():
            base = app.url if via == "app" else lab.proxies[setup].url
            seen = observe(client, Request("GET", PAGE, headers=tuple(headers.items()),
                                           target=PAGE), (app,), base=base)
            first = seen.hops[0]
            rows.append({
                "request": name, "sent to": lab.aliased(base),
                "X-Forwarded-Proto at the app": first.headers.get("X-Forwarded-Proto", ""),
                "app answered": first.status,
                "hops at the app": lab.aliased(describe_hops(seen.hops)),
            })
    return pd.DataFrame(rows).set_index("request")
