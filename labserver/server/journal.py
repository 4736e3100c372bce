"""The journal: what arrived at the server, hop by hop.

Clients disagree about what they send after a redirect, and they do not report it
the same way. So the lab never asks a client what it did: the server writes down
every request as it arrived, and every lesson reads its results from here.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from .entry import Entry as Entry
from .har import har_log

DEFAULT_CAPACITY = 10_000
"""Entries kept: far more than a lesson makes, so a whole session stays readable."""

DEFAULT_BYTE_BUDGET = 32 * 1024 * 1024
"""What the kept entries may hold in paths, queries and headers together. A request may
carry 64 KiB of headers, so a count alone would let 10,000 entries grow past a gigabyte;
past this budget the oldest entries go first."""

_ARRIVALS = itertools.count(1)
"""One counter for every journal: ``next()`` on it is atomic under the GIL and is called
under each journal's lock, so entries of one journal keep their order."""

class Journal:
    """A bounded, thread-safe, append-only record of requests.

    Sequence numbers are handed out under the same lock as the append, so entries are
    stored in seq order and none is lost or written twice, however many handler
    threads finish at once.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, name: str = "lab",
                 byte_budget: int = DEFAULT_BYTE_BUDGET) -> None:
        self.name = name
        self.byte_budget = byte_budget
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._last_seq = 0
        self._bytes = 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    @property
    def bytes_held(self) -> int:
        """What the kept entries hold, as :attr:`Entry.size` counts it."""
        with self._lock:
            return self._bytes

    def record(self, *, method: str, path: str, query: str, status: int,
               location: str | None, body_length: int | None, body_sha256: str | None,
               content_type: str | None, headers: dict[str, str] | None = None,
               header_lines: tuple[tuple[str, str], ...] = (), server: str | None = None,
               origin: str = "", http_version: str = "HTTP/1.1", reason: str = "",
               response_headers: tuple[tuple[str, str], ...] = (), started: float = 0.0,
               elapsed: float = 0.0, connection: int = 0) -> Entry:
        """Append one request and its answer (see :class:`Entry` for each field); the
        journal numbers it. ``server`` is the journal's name unless given (a recording
        proxy names each entry after the server it was for)."""
        with self._lock:
            self._last_seq += 1
            entry = Entry(
                seq=self._last_seq, arrival=next(_ARRIVALS), server=server or self.name,
                method=method, path=path, query=query, status=status, location=location,
                body_length=body_length, body_sha256=body_sha256, content_type=content_type,
                headers=headers or {}, header_lines=header_lines, origin=origin,
                http_version=http_version, reason=reason, response_headers=response_headers,
                started=started, elapsed=elapsed, connection=connection)
            if len(self._entries) == self._entries.maxlen:
                self._bytes -= self._entries[0].size
            self._entries.append(entry)
            self._bytes += entry.size
            while self._bytes > self.byte_budget and len(self._entries) > 1:
                self._bytes -= self._entries.popleft().size
        return entry

    def mark(self) -> int:
        """The seq of the newest entry; pass it to ``since`` to see only what follows."""
        with self._lock:
            return self._last_seq

    def since(self, mark: int = 0) -> list[Entry]:
        """Entries newer than ``mark``, oldest first.

        Walks back from the newest entry, so scoping one experiment costs as many steps
        as it had requests, not as many as the journal holds.
        """
        with self._lock:
            newer = list(itertools.takewhile(lambda e: e.seq > mark, reversed(self._entries)))
        newer.reverse()
        return newer

    def to_har(self, mark: int = 0) -> dict[str, Any]:
        """The entries newer than ``mark`` as an HTTP Archive (HAR 1.2) log, the format a
        browser's developer tools import: a lab experiment opens where real traffic is
        debugged (:func:`labserver.server.har.har_log`)."""
        return har_log(self.since(mark))

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @contextmanager
    def watch(self) -> Iterator[list[Entry]]:
        """Scope the journal to one experiment.

        ``with journal.watch() as hops: ...`` fills ``hops`` with the requests that
        arrived inside the block. The server journals a request before it sends the
        answer, so once a client call returns, its hops are already here.
        """
        start = self.mark()
        hops: list[Entry] = []
        try:
            yield hops
        finally:
            hops.extend(self.since(start))


class Observer(Protocol):
    """Whatever keeps a journal of what reached it: a lab server, or the recording proxy
    that stands in for servers the lab does not run. Experiments observe through this."""

    name: str
    scheme: str
    journal: Journal

    @property
    def url(self) -> str: ...

    def settle(self, timeout: float = 1.0) -> bool: ...
