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

    @property
    def target(self) -> str:
        """Path and query, as a learner would type them."""
        return f"{self.path}?{self.query}" if self.query else self.path

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    """A bounded, thread-safe, append-only record of requests.

    Sequence numbers are handed out under the same lock as the append, so entries are
    stored in seq order and none is lost or written twice, however many handler
    threads finish at once.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY, name: str = "lab") -> None:
        self.name = name
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._last_seq = 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def record(self, **fields: Any) -> Entry:
        with self._lock:
            self._last_seq += 1
            entry = Entry(seq=self._last_seq, server=self.name, **fields)
            self._entries.append(entry)
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
