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

from ..clients import BrowserClient, CallClient, Client, Outcome
from ..server.lab import LabServer
from ..vocabulary import CODES
from .observe import Request, observe

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


def _asks(server: LabServer, path: str, visit: Callable[[str], object]) -> int:
    """How many requests reached the redirect at ``path`` while ``visit`` went there twice."""
    def twice(_method: str, url: str, *_: object) -> Outcome:
        visit(url)
        visit(url)
        return Outcome(status=None)
    seen = observe(CallClient("twice", twice), Request("GET", path), (server,))
    return sum(h.path.startswith("/redirect/") for h in seen.hops)


def cache_reuse(server: LabServer, *browsers: Client,
                codes: tuple[int, ...] = CODES,
                specs: tuple[str, ...] = tuple(CACHE_SPECS)) -> pd.DataFrame:
    """For each code and ``?cache=``: how many of two requests reached the redirect.

    1 means the second was answered from the cache; 2 means the cache asked again.
    Each cell uses its own URL, so no experiment finds another's entry. hishel always
    runs; each installed browser in ``browsers`` adds a column (a missing one is left out).
    """
    rows = []
    for code in codes:
        for spec in specs:
            path = f"/redirect/{code}?cache={spec}&to=/echo?seen={code}-{spec}"
            row: dict[str, object] = {"code": code, "cache": spec}
            with private_cache_client() as http:
                row["hishel"] = _asks(server, path, http.get)
            for browser in browsers:
                if isinstance(browser, BrowserClient):
                    row[browser.name] = _asks(server, path, browser.open)
            rows.append(row)
    return pd.DataFrame(rows)
