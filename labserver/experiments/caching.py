"""Caches and redirects: which redirects does a cache reuse without asking the server?

RFC 9111 §4.2.2 lets a cache give a response a *heuristic* freshness when the server
stated none, but only if its status code is one RFC 9110 §15.1 defines as "heuristically
cacheable" (among 3xx, 300, 301 and 308) or if the server marked it explicitly cacheable
(``Cache-Control: public``, say). A 302, 303 or 307 with neither is reused only with
explicit freshness (Cache-Control max-age, Expires). The lab asks each redirect twice through a real
RFC 9111 cache for httpx (hishel) and through each browser, all at once, and counts in
the journal how often each one's redirect reached the server.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

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


def reuse_path(code: int, spec: str, cache: str) -> str:
    """The redirect one cache visits for one cell: its own URL, so no cell finds another
    cell's entry and the journal tells the caches apart while they run side by side."""
    return f"/redirect/{code}?cache={spec}&to=/echo?seen={code}-{spec}-{cache}"


def _hishel_twice(url: str) -> None:
    with private_cache_client() as http:  # a new, empty cache for each cell
        http.get(url)
        http.get(url)


def _browser_twice(browser: BrowserClient) -> Callable[[str], None]:
    def twice(url: str) -> None:
        browser.open(url)
        browser.open(url)
    return twice


def cache_reuse(server: LabServer, *browsers: Client,
                codes: tuple[int, ...] = CODES,
                specs: tuple[str, ...] = tuple(CACHE_SPECS)) -> pd.DataFrame:
    """For each code and ``?cache=``: how many of two requests reached the redirect.

    1 means the second was answered from the cache; 2 means the cache asked again.
    hishel always runs; each installed browser in ``browsers`` adds a column (a missing
    one is left out). The caches run side by side, each in its own thread, and the one
    observation of them all is counted by URL (:func:`reuse_path`).
    """
    visits: dict[str, Callable[[str], None]] = {"hishel": _hishel_twice}
    visits.update((b.name, _browser_twice(b)) for b in browsers if isinstance(b, BrowserClient))
    cells = [(code, spec) for code in codes for spec in specs]

    def column(cache: str) -> None:
        for code, spec in cells:
            visits[cache](server.url + reuse_path(code, spec, cache))

    def side_by_side(*_: object) -> Outcome:
        with ThreadPoolExecutor(max_workers=len(visits)) as pool:
            for done in [pool.submit(column, cache) for cache in visits]:
                done.result()
        return Outcome(status=None)

    seen = observe(CallClient("caches", side_by_side), Request("GET", "/redirect/"), (server,))
    reached = Counter(hop.target for hop in seen.hops if hop.path.startswith("/redirect/"))
    return pd.DataFrame([{"code": code, "cache": spec,
                          **{cache: reached[reuse_path(code, spec, cache)] for cache in visits}}
                         for code, spec in cells])
