"""What a redirect costs: a round trip per hop, a connection when the client cannot
reuse one, a TLS handshake for each new https origin.

Counts come from the servers (the connection each request arrived on); times from the
kernel's clock around each call, the fastest and the median of several runs, since a
shared machine is noisy. The counts are what a lesson states; the times are what it plots.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import Protocol
from urllib.parse import quote

import pandas as pd

from ..clients import Client
from ..frameworks.processes import NginxChain
from ..server.lab import LabServer
from .credentials import CredentialLab

COST_CLIENTS = ("httpx", "requests", "urllib", "curl")
MAX_HOPS = 5
RUNS = 5


class Counter(Protocol):
    """Counts the connections a server was sent requests on: ``mark()`` now, then
    ``used_since(mark)`` after a client's call."""

    url: str

    def mark(self) -> int: ...

    def used_since(self, mark: int, requests: int) -> int:
        """Connections that carried the ``requests`` requests sent since ``mark``."""
        ...


class LabCounter:
    """A lab server, which keeps connections alive (or, built with ``keep_alive=False``,
    closes each after its answer): its journal names the connection of each request, and
    the distinct ones among the call's entries are those it used."""

    def __init__(self, server: LabServer) -> None:
        self.server = server
        self.url = server.url

    def mark(self) -> int:
        return self.server.journal.mark()

    def used_since(self, mark: int, requests: int) -> int:
        # The server journals a request before it answers: once the client's call has
        # returned, every request of it is in the journal.
        return len({entry.connection for entry in self.server.journal.since(mark)})


class NginxCounter:
    """nginx, which keeps connections alive: its access log names the connection of each
    request, and the distinct ones among the new lines are those the call used."""

    def __init__(self, nginx: NginxChain) -> None:
        self.nginx = nginx
        self.url = nginx.url

    def mark(self) -> int:
        return len(self.nginx.connection_ids())

    def used_since(self, mark: int, requests: int) -> int:
        # nginx logs a request after its answer has gone, so the client may be done
        # before the last line is written: wait for all of them (a second at most).
        deadline = time.monotonic() + 1.0
        ids = self.nginx.connection_ids()[mark:]
        while len(ids) < requests and time.monotonic() < deadline:
            time.sleep(0.005)
            ids = self.nginx.connection_ids()[mark:]
        return len(set(ids))


def lab_chain(hops: int) -> str:
    """The lab server's chain of ``hops`` redirects (none: ``/echo`` itself)."""
    return f"/chain/{hops}" if hops else "/echo"


def nginx_chain(hops: int) -> str:
    """:class:`labserver.frameworks.processes.NginxChain`'s chain of ``hops`` redirects."""
    return f"/hops/{hops}"


def _timed(client: Client, url: str, server: Counter,
           requests: int) -> tuple[float, int, int | None]:
    """Seconds for one call, the connections it used, the status it ended with."""
    mark = server.mark()
    started = time.perf_counter()
    outcome = client.send("GET", url)
    elapsed = time.perf_counter() - started
    return elapsed, server.used_since(mark, requests), outcome.status


def hop_costs(server: Counter, clients: Iterable[Client],
              chain: Callable[[int], str] = lab_chain, max_hops: int = MAX_HOPS,
              runs: int = RUNS) -> pd.DataFrame:
    """Each client through same-origin chains of 0 to ``max_hops`` redirects, ``runs``
    times each: connections used (in the last run), fastest and median milliseconds.

    The chains take turns (0, 1, … ``max_hops``, then again), so a pause of the machine
    (another process, a busy test worker) slows one run of several chains, not every run
    of one chain: in one CI run five direct requests in a row all came out slower than
    the fastest chain of five redirects."""
    rows = []
    for client in clients:
        client.send("GET", server.url + chain(0))  # warm up: imports, a pooled connection
        results: dict[int, list[tuple[float, int, int | None]]] = {}
        for _ in range(runs):
            for hops in range(max_hops + 1):
                results.setdefault(hops, []).append(
                    _timed(client, server.url + chain(hops), server, hops + 1))
        for hops, runs_of_chain in results.items():
            times = [elapsed * 1000 for elapsed, _, _ in runs_of_chain]
            rows.append({"client": client.name, "redirects": hops,
                         "connections": runs_of_chain[-1][1], "status": runs_of_chain[-1][2],
                         "fastest ms": min(times), "median ms": statistics.median(times)})
    return pd.DataFrame(rows)


ORIGINS = ("lab", "other", "lab-tls")
"""A chain across three origins: http, another port, then https."""


def across_origins(lab: CredentialLab, clients: Iterable[Client]) -> pd.DataFrame:
    """Each client through ``lab → other → lab-tls``: the connections each server accepted
    (at the https one, each is a TLS handshake). The servers first close the connections
    they keep, so a client's pool from an earlier call cannot hide the cost."""
    servers = [lab.servers[name] for name in ORIGINS]
    last = servers[-1].url + "/echo"
    middle = f"{servers[1].url}/redirect/302?to={quote(last, safe='')}"
    url = f"{servers[0].url}/redirect/302?to={quote(middle, safe='')}"
    rows = []
    for client in clients:
        client.prepare(servers[0].url)
        for server in servers:
            server.close_idle_connections()
        before = [server.connections for server in servers]
        outcome = client.send("GET", url)  # each connection was counted as it was accepted
        opened = {f"connections at {server.name}": server.connections - count
                  for server, count in zip(servers, before, strict=True)}
        rows.append({"client": client.name, **opened, "status": outcome.status})
    return pd.DataFrame(rows).set_index("client")
