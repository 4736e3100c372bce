"""One journal entry: a request as the server saw it, and the answer it gave.

Kept apart from the journal that holds entries, so the HAR export can describe an entry
without importing the journal that exports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

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
    origin: str = field(default="", repr=False, compare=False)
    """``scheme://host:port`` the request was sent to, so an export can rebuild its URL
    (not shown in tables: the port differs run to run)."""
    http_version: str = field(default="HTTP/1.1", repr=False, compare=False)
    reason: str = field(default="", repr=False, compare=False)
    """The answer's reason phrase (``Found``), as its status line carried it."""
    response_headers: tuple[tuple[str, str], ...] = field(default=(), repr=False,
                                                          compare=False)
    """The answer's header lines as the app sent them (``Location`` among them; the HTTP
    server adds ``Date`` and ``Server`` after), for an export."""
    started: float = field(default=0.0, repr=False, compare=False)
    """When the request arrived (seconds since the epoch): for an export, never a table."""
    elapsed: float = field(default=0.0, repr=False, compare=False)
    """Seconds from arrival until the answer's status line was ready."""
    connection: int = field(default=0, repr=False, compare=False)
    """The connection it arrived on, numbered from 1 by its server in the order accepted:
    entries with one number shared a connection (0: not known, as at a proxy)."""

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
    def url(self) -> str:
        """The whole URL the request was for (its origin, then :attr:`target`); a
        proxy's CONNECT names only ``host:port``."""
        return self.target if self.method == "CONNECT" else self.origin + self.target

    @property
    def size(self) -> int:
        """Roughly what the entry holds in memory, for the journal's byte budget."""
        lines = (*self.header_lines, *self.response_headers)
        strings = sum(len(k) + len(v) for k, v in lines) * 2
        return _ENTRY_OVERHEAD + len(self.path) + len(self.query) + strings

    def as_dict(self) -> dict[str, Any]:
        fields = asdict(self)
        del fields["arrival"]
        return fields


def merged_headers(lines: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header lines by name (capitalised as Werkzeug does), repeats joined by ", " as
    RFC 9110 §5.3 allows: :attr:`Entry.headers` from :attr:`Entry.header_lines`."""
    merged: dict[str, str] = {}
    for name, value in lines:
        key = name.title()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged
