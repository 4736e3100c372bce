"""HTTP clients behind one small interface, so every experiment treats them alike.

An adapter only sends the request and says how the client ended: the status it
returned, or the exception it raised. What the client *sent* on each hop is not
its to report; the lab server's journal records that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType

import httpx

TIMEOUT_SECONDS = 5.0
"""Generous for loopback; a client that hangs longer is reported as an error."""


@dataclass(frozen=True)
class Outcome:
    """How a client call ended, from the client's side."""

    status: int | None
    """The status of the response the client handed back (None if it raised)."""
    error: str | None = None
    """The exception's class name, when the client raised one."""
    detail: str | None = None
    """The exception's message, for a learner who wants to read it."""


class Client(ABC):
    """One HTTP client, set up as a learner would use it to follow redirects."""

    name: str
    rule: str
    """How the client decides what to send after a redirect, cited from its docs or source."""

    @abstractmethod
    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        """Send one request, following redirects the way this client does."""

    def close(self) -> None:
        """Release connections; the default has nothing to release."""

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class HttpxClient(Client):
    """httpx's ``Client``, which follows redirects only when asked.

    One client is reused for every request: a new one per request costs tens of
    milliseconds (connection pool and SSL context set-up).
    """

    name = "httpx"
    rule = (
        "httpx/_client.py, BaseClient._redirect_method: 303 and 302 turn every method but "
        "HEAD into GET ('Do what the browsers do, despite standards'); 301 turns only POST "
        "into GET; 307 and 308 keep the method. When the method becomes GET, "
        "_redirect_stream drops the body and _redirect_headers removes Content-Length and "
        "Transfer-Encoding, but not Content-Type."
    )

    def __init__(self, *, follow_redirects: bool = True) -> None:
        self._client = httpx.Client(follow_redirects=follow_redirects,
                                    timeout=TIMEOUT_SECONDS)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        try:
            response = self._client.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))
        return Outcome(status=response.status_code)

    def close(self) -> None:
        self._client.close()


CLIENTS: dict[str, type[Client]] = {HttpxClient.name: HttpxClient}
"""Adapters by the name the command line and the lessons use."""


def make_client(name: str) -> Client:
    """The adapter called ``name``, or a ValueError that lists the valid names."""
    try:
        return CLIENTS[name]()
    except KeyError:
        raise ValueError(f"unknown client {name!r}; choose one of: {', '.join(CLIENTS)}") from None
