"""One way to observe a request: send it through a client and read what arrived.

Every experiment in the lab, from the 35-cell matrix to a cached redirect, is the
same few steps: get the client ready, scope the journals of the servers involved,
send, wait for any request the client left half-sent, and read the hops. They are
written once, in :func:`observe`; an :class:`Observation` then answers small named
questions about what the server saw, each one rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from ..clients.base import Client, Outcome
from ..server.journal import Entry, Observer
from ..vocabulary import BODY_HEADERS, DEFAULT_TARGET


@dataclass(frozen=True)
class Request:
    """What a learner asks a client to send: method, path on the first server, body,
    headers, and the path where the redirect is meant to land."""

    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    target: str = DEFAULT_TARGET

    @property
    def sent_headers(self) -> dict[str, str] | None:
        """The headers as the client gets them: the body's Content-Type, then the rest."""
        headers = {**(BODY_HEADERS if self.body is not None else {}), **dict(self.headers)}
        return headers or None


@contextmanager
def watch_all(servers: tuple[Observer, ...]) -> Iterator[list[Entry]]:
    """Like :meth:`Journal.watch`, across servers: their hops in the order they arrived."""
    with ExitStack() as stack:
        watched = [stack.enter_context(s.journal.watch()) for s in servers]
        hops: list[Entry] = []
        try:
            yield hops
        finally:
            stack.close()
            hops.extend(sorted((h for journal_hops in watched for h in journal_hops),
                               key=lambda h: h.arrival))


def aliased(text: str, servers: tuple[Observer, ...]) -> str:
    """``text`` with each server's URL (which carries the port the OS picked) written as
    ``scheme://name``, so tables read the same on every run."""
    for server in servers:
        text = text.replace(server.url, f"{server.scheme}://{server.name}")
    return text


def describe_hops(hops: list[Entry] | tuple[Entry, ...],
                  servers: tuple[Observer, ...] = (), *, named: bool = False) -> str:
    """``POST /redirect/307 → 307 | POST /echo → 200``: the journal in one line.

    With ``servers``, each hop names the server it reached, and their URLs are aliased;
    ``named`` names the servers without aliasing any.
    """
    def show(hop: Entry) -> str:
        method = "OPTIONS (preflight)" if hop.is_preflight else hop.method
        text = aliased(f"{method} {hop.target} → {hop.status}", servers)
        return f"{hop.server}: {text}" if servers or named else text
    return " | ".join(show(h) for h in hops)


def arrival(final_method: str, body_sent: bool, body_arrived: bool, otherwise: str) -> str:
    """What arrived at the target in the lessons' words: ``GET``, ``PUT + body``,
    ``GET, body dropped``, or ``otherwise`` (why nothing arrived) when nothing did."""
    if not final_method:
        return otherwise
    if not body_sent:
        return final_method
    return f"{final_method} + body" if body_arrived else f"{final_method}, body dropped"


@dataclass(frozen=True)
class Observation:
    """What the servers' journals saw while one client sent one request."""

    client: str
    request: Request
    hops: tuple[Entry, ...]
    result: Outcome
    """How the call ended on the client's side (its status, or what it raised)."""
    servers: tuple[Observer, ...]

    @property
    def first(self) -> Entry | None:
        """The request as it left the client (a browser's CORS preflight is not it)."""
        return next((h for h in self.hops if not h.is_preflight), None)

    @property
    def reached(self) -> Entry | None:
        """The request that reached the target after the redirect; a browser's CORS
        preflight there is the browser asking permission, not the request that arrived."""
        target_path = self.request.target.split("?", 1)[0]
        return next((h for h in self.hops[1:] if h.path == target_path and not h.is_preflight),
                    None)

    @property
    def last(self) -> Entry | None:
        """The last request of the chain, if the client went beyond the first."""
        return self.hops[-1] if len(self.hops) > 1 else None

    @property
    def followed(self) -> int:
        """How many redirects the client followed (hops after the first)."""
        return max(len(self.hops) - 1, 0)

    @property
    def final_method(self) -> str:
        return self.reached.method if self.reached else ""

    @property
    def body_arrived(self) -> bool:
        """The body arrived when the request at the target carried exactly the bytes the
        first hop carried: the server compares what it saw, not what was meant."""
        first, final = self.first, self.reached
        return bool(self.request.body is not None and first and final and first.body_length
                    and final.body_sha256 == first.body_sha256)

    def header_arrived(self, name: str) -> bool:
        """Whether header ``name`` reached the target."""
        return bool(self.reached and name in self.reached.headers)

    def value_arrived(self, name: str, value: str) -> bool:
        """Whether header ``name`` reached the target carrying ``value``: one cookie among
        the others a client sends in one ``Cookie`` header, say. The name's case does not
        matter (the server reads ``X-API-Key`` as ``X-Api-Key``)."""
        if self.reached is None:
            return False
        return any(key.lower() == name.lower() and value in arrived
                   for key, arrived in self.reached.headers.items())

    @property
    def verdict(self) -> str:
        """followed, refused (the client handed back the 3xx) or error (it raised)."""
        if self.result.error is not None:
            return "error"
        return "followed" if self.reached is not None else "refused"

    @property
    def arrived(self) -> str:
        """:func:`arrival` for this request: what the exercises ask the learner to predict."""
        return arrival(self.final_method, self.request.body is not None, self.body_arrived,
                       self.result.error or self.verdict)

    def changes(self) -> list[str]:
        """What changed at each 3xx: ``"307: POST → POST"`` or ``"302: PUT → GET, body
        lost"``, comparing each redirect with the request that followed it."""
        said = []
        for before, after in zip(self.hops, self.hops[1:], strict=False):
            if not 300 <= before.status < 400:
                continue
            lost = bool(before.body_length) and before.body_sha256 != after.body_sha256
            said.append(f"{before.status}: {before.method} → {after.method}"
                        + (", body dropped" if lost else ""))
        return said

    def describe(self) -> str:
        """The hops in one line (servers named when there are several)."""
        return describe_hops(self.hops, self.servers if len(self.servers) > 1 else ())

    def row(self, code: int) -> dict[str, Any]:
        """The row of the lessons' tidy table (:data:`COLUMNS`) for redirect ``code``."""
        final = self.reached
        return {
            "client": self.client,
            "code": code,
            "method": self.request.method,
            "body_sent": self.request.body is not None,
            "hops": self.describe(),
            "hop_count": len(self.hops),
            "final_method": self.final_method,
            "final_status": self.result.status,
            "body_arrived": self.body_arrived,
            "content_type_arrived": bool(final and final.content_type),
            "authorization_arrived": self.header_arrived("Authorization"),
            "outcome": self.verdict,
            "error": self.result.error or "",
        }


COLUMNS = ["client", "code", "method", "body_sent", "hops", "hop_count", "final_method",
           "final_status", "body_arrived", "content_type_arrived", "authorization_arrived",
           "outcome", "error"]
"""The tidy table's columns: the keys of :meth:`Observation.row`, in order."""


def observe(client: Client, request: Request, servers: tuple[Observer, ...],
            base: str | None = None) -> Observation:
    """Send ``request`` through ``client`` to the first of ``servers``; return what every
    one of them journaled meanwhile.

    ``base`` is put before ``request.path`` instead of the first server's URL: ``""``
    when the path is a whole URL and the observer is a proxy the client goes through.

    The client gets ready first (a browser loads a page of that origin), so its set-up
    is not a hop. After a client error the servers are given time to finish any request
    the client left half-sent, so it is journaled here and not in the next experiment.
    """
    base = servers[0].url if base is None else base
    client.prepare(base)
    with watch_all(servers) as hops:
        result = client.send(request.method, base + request.path, body=request.body,
                             headers=request.sent_headers)
        if result.error is not None:
            for each in servers:
                each.settle()
    return Observation(client.name, request, tuple(hops), result, servers)
