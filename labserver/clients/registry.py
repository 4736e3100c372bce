"""The clients the lab knows, by the name lessons and the command line use.

The registry holds classes, so a client's cited rule is read without starting it
(:func:`rule_of`) and every adapter is made the same way (:func:`make_client`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..server.tls import LabCertificates
from .base import Client
from .browser import BrowserClient, MissingBrowser
from .chromium import ChromiumClient
from .curl import CURL_VARIANTS, CurlClient
from .firefox import FirefoxClient
from .node_fetch import NodeFetchClient
from .python import (
    AiohttpClient,
    HttpxAsyncClient,
    HttpxClient,
    RequestsClient,
    Urllib3Client,
    UrllibClient,
)
from .wget import WgetClient

CLIENTS: dict[str, type[Client]] = {
    "httpx": HttpxClient,
    "httpx-async": HttpxAsyncClient,
    "requests": RequestsClient,
    "urllib": UrllibClient,
    "urllib3": Urllib3Client,
    "aiohttp": AiohttpClient,
    "curl": CurlClient,
    "wget": WgetClient,
    "node-fetch": NodeFetchClient,
    "chromium": ChromiumClient,
    "firefox": FirefoxClient,
}
"""Adapters by the name the command line and the lessons use, in the lessons' order."""

PROXY_CLIENTS = tuple(name for name, kind in CLIENTS.items() if kind.takes_proxy)
"""The clients that can be sent through a proxy, and so traced to any server."""


BROWSERS: dict[str, type[BrowserClient]] = {"chromium": ChromiumClient, "firefox": FirefoxClient}
"""The browser engines, by client name."""


_STARTED: dict[tuple[str, str], BrowserClient] = {}
"""The browsers :func:`open_browser` started in this process, by engine and certificate."""


def open_browser(engine: str = "chromium", *,
                 tls: LabCertificates | None = None) -> BrowserClient | MissingBrowser:
    """Start a lesson's browser once; without it, a stand-in whose cells say why.

    A re-run cell gets the browser this process already started for the same engine and
    certificates back, in a fresh state (a new private window: no tabs, cookies or cache
    of the last run), instead of starting another one beside it, as ``start()`` hands
    back the running lab server. To drive two of one engine at once, build the client
    classes (:data:`BROWSERS`) directly.
    """
    try:
        kind = BROWSERS[engine]
    except KeyError:
        raise ValueError(f"unknown browser {engine!r}; choose one of: {', '.join(BROWSERS)}") \
            from None
    reason = kind.unavailable_reason()
    if reason:
        return MissingBrowser(reason, engine)
    key = (engine, tls.server_spki_sha256 if tls else "")
    running = _STARTED.get(key)
    if running is not None and not running.closed:
        try:
            running.fresh_start()
            return running
        except Exception:  # noqa: BLE001 - it crashed or was killed: start another
            running.close()
    _STARTED[key] = browser = kind(tls=tls)
    return browser


def open_browsers(*engines: str, tls: LabCertificates | None = None,
                  ) -> dict[str, BrowserClient | MissingBrowser]:
    """:func:`open_browser` for each engine named (every one of :data:`BROWSERS` if none
    is), all started at once: a lesson waits for the slowest engine to start (Firefox),
    not for all of them in turn."""
    with ThreadPoolExecutor(max_workers=len(BROWSERS)) as pool:
        starting = {engine: pool.submit(open_browser, engine, tls=tls)
                    for engine in engines or BROWSERS}
    return {engine: started.result() for engine, started in starting.items()}


def make_client(name: str, *, tls: LabCertificates | None = None,
                proxy: str | None = None) -> Client:
    """The adapter called ``name`` (a client of :data:`CLIENTS` or a curl variant).

    With ``tls`` it trusts the lab's run-time certificate authority; with ``proxy`` it
    sends everything through that proxy (only clients that ``takes_proxy``). Raises
    ValueError listing the valid names, or ClientUnavailable saying what to install.
    """
    if name in CURL_VARIANTS:
        return CurlClient(name, tls=tls, proxy=proxy)
    try:
        kind = CLIENTS[name]
    except KeyError:
        raise ValueError(f"unknown client {name!r}; choose one of: {', '.join(CLIENTS)}") from None
    if proxy is None:
        return kind(tls=tls)  # type: ignore[call-arg]
    if not kind.takes_proxy:
        raise ValueError(f"{name} cannot be sent through a proxy here; these can: "
                         f"{', '.join(PROXY_CLIENTS)}")
    return kind(tls=tls, proxy=proxy)  # type: ignore[call-arg]


def rule_of(client_name: str) -> str:
    """The cited redirect rule of the client that produced rows named ``client_name``."""
    if client_name in CURL_VARIANTS:
        return CurlClient.rule
    kind = CLIENTS.get(client_name)
    return kind.rule if kind else ""
