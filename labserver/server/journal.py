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
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_CAPACITY = 10_000
"""Entries kept: far more than a lesson makes, so a whole session stays readable."""

DEFAULT_BYTE_BUDGET = 32 * 1024 * 1024
"""What the kept entries may hold in paths, queries and headers together. A request may
carry 64 KiB of headers, so a count alone would let 10,000 entries grow past a gigabyte;
past this budget the oldest entries go first."""

_ARRIVALS = itertools.count(1)
"""One counter for every journal: ``next()`` on it is atomic under the GIL and is called
under each journal's lock, so entries of one journal keep their order."""

_ENTRY_OVERHEAD = 512
"""Bytes counted for an entry besides its strings: the objects that hold them."""


@dataclass(frozen=True)
class Entry:
    """One request as the server saw it, and the answer it gave."""

    seq: int
    server: str
    """The name of the lab server that received it (lessons may run several)."""
    method: str
    path: str
    query: str
    status: int
    location: str | None
    body_length: int | None
    body_sha256: str | None
    content_type: str | None
    headers: dict[str, str] = field(default_factory=dict)
    """Every header that arrived, by name (as Werkzeug capitalises it); a repeated header
    is one entry, its values joined by ", " as RFC 9110 §5.3 allows."""
    header_lines: tuple[tuple[str, str], ...] = ()
    """The header lines exactly as they arrived: names as sent, order and repeats kept."""
    arrival: int = field(default=0, repr=False, compare=False)
    """Order of recording across every journal in this process, so an experiment across
    several servers lists its hops as they happened (not shown: it differs run to run)."""

    @property
    def target(self) -> str:
        """Path and query, as a learner would type them."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def is_preflight(self) -> bool:
        """A browser's CORS preflight: an OPTIONS it sent by itself, asking permission
        for the request it means to send (Fetch, "CORS-preflight fetch")."""
        return self.method == "OPTIONS" and "Access-Control-Request-Method" in self.headers

    @property
    def size(self) -> int:
        """Roughly what the entry holds in memory, for the journal's byte budget."""
        strings = sum(len(k) + len(v) for k, v in self.header_lines) * 2
        return _ENTRY_OVERHEAD + len(self.path) + len(self.query) + strings

    def as_dict(self) -> dict[str, Any]:
        fields = asdict(self)
        del fields["arrival"]
        return fields


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

    def record(self, **fields: Any) -> Entry:
        with self._lock:
            self._last_seq += 1
            entry = Entry(seq=self._last_seq, server=self.name, arrival=next(_ARRIVALS),
                          **fields)
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
