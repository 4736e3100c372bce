"""Caches and redirects: which redirects does a cache reuse without asking the server?

RFC 9111 §4.2.2 lets a cache give a response a *heuristic* freshness when the server
stated none, but only for status codes that RFC 9110 §15.1 defines as "heuristically
cacheable": among 3xx, 300, 301 and 308. 302, 303 and 307 are reused only with explicit
freshness
(Cache-Control max-age, Expires). The lab asks each redirect twice through a real
RFC 9111 cache for httpx (hishel) and through the browser, and counts in the journal
how often the redirect reached the server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import hishel
import pandas as pd
from hishel.httpx import CacheClient

from .app import CODES
from .browser import ChromiumClient, MissingBrowser
from .server import LabServer

CACHE_SPECS: dict[str, str] = {
    "none": "no caching headers at all",
    "heuristic": "only Last-Modified (a day ago): room for a heuristic freshness",
    "no-store": "Cache-Control: no-store",
    "max-age=60": "Cache-Control: max-age=60",
    "expires=60": "Expires: a minute from now",
}
"""The ``?cache=`` values a lesson tries, with what each sends."""


def private_cache_client() -> CacheClient:
    """httpx with hishel as an RFC 9111 private cache (a browser's kind), kept in memory."""
    storage = hishel.SqliteStorage(connection=sqlite3.connect(":memory:",
                                                              check_same_thread=False))
    return CacheClient(storage=storage, rfc=hishel.CacheOptions(shared=False),
                       follow_redirects=True, trust_env=False)


def _asks(server: LabServer, fetch_twice: Callable[[], object]) -> int:
    """How many requests reached a redirect while ``fetch_twice`` ran."""
    with server.journal.watch() as hops:
        fetch_twice()
    return sum(h.path.startswith("/redirect/") for h in hops)


def cache_reuse(server: LabServer, browser: ChromiumClient | MissingBrowser | None = None,
                *, codes: tuple[int, ...] = CODES,
                specs: tuple[str, ...] = tuple(CACHE_SPECS)) -> pd.DataFrame:
    """For each code and ``?cache=``: how many of two requests reached the redirect.

    1 means the second was answered from the cache; 2 means the cache asked again.
    Each cell uses its own URL, so no experiment finds another's entry.
    """
    rows = []
    for code in codes:
        for spec in specs:
            url = f"{server.url}/redirect/{code}?cache={spec}&to=/echo?seen={code}-{spec}"
            row = {"code": code, "cache": spec}
            with private_cache_client() as http:
                row["hishel"] = _asks(server, lambda: [http.get(url) for _ in range(2)])
            if isinstance(browser, ChromiumClient):
                row["chromium"] = _asks(server, lambda: [browser.open(url) for _ in range(2)])
            rows.append(row)
    return pd.DataFrame(rows)
