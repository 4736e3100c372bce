"""What every client adapter is: one small interface, so every experiment treats them alike.

An adapter only sends the request and says how the client ended: the status it
returned, or the exception it raised. What the client *sent* on each hop is not
its to report; the lab server's journal records that.

Each adapter is set up the way a learner would use the client to follow redirects,
with one exception: none of them reads proxy settings from the environment, so no
experiment can leave loopback through a proxy (:func:`loopback_httpx`,
:func:`loopback_session` are the one place that is said).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from ..vocabulary import TIMEOUT_SECONDS

if TYPE_CHECKING:
    import requests


def loopback_httpx(**options: Any) -> httpx.Client:
    """An ``httpx.Client`` that ignores proxy settings in the environment (the lab stays
    on loopback), with the lab's timeout unless ``options`` say otherwise."""
    return httpx.Client(**{"timeout": TIMEOUT_SECONDS, **options, "trust_env": False})


def loopback_async_httpx(**options: Any) -> httpx.AsyncClient:
    """:func:`loopback_httpx` for ``httpx.AsyncClient``."""
    return httpx.AsyncClient(**{"timeout": TIMEOUT_SECONDS, **options, "trust_env": False})


def loopback_session() -> requests.Session:
    """A ``requests.Session`` that ignores proxy settings in the environment."""
    import requests  # imported when used, as the Python clients do (see .python)

    session = requests.Session()
    session.trust_env = False
    return session


class ClientUnavailable(RuntimeError):
    """The client's program (curl, a browser) is not installed here; the message says what to do."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a learner sees one plain sentence.
        return [f"Skipped: {self}"]


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
    rule: ClassVar[str]
    """How the client decides what to send after a redirect, cited from its docs or source."""
    takes_proxy: ClassVar[bool] = False
    """Whether the adapter takes ``proxy=URL``: such a client can be traced through the
    lab's recording proxy (:func:`labserver.trace`)."""

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """Why this client cannot run on this machine, or None if it can."""
        return None

    def prepare(self, base_url: str) -> None:
        """Get ready to send to ``base_url``, before an experiment starts watching the journal.

        A browser loads a page of that origin here, so that page load is not a hop.
        """

    @abstractmethod
    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        """Send one request, following redirects the way this client does."""

    def close(self) -> None:
        """Release connections and processes; the default has nothing to release."""

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class CallClient(Client):
    """Any way of sending, as a client: ``send(method, url, body, headers)`` gives the
    :class:`Outcome`. For an experiment whose sending is not one adapter call (a body
    that can be read only once, a page visited twice)."""

    rule = ""

    def __init__(self, name: str, send: Callable[[str, str, bytes | None,
                                                  dict[str, str] | None], Outcome]) -> None:
        self.name = name
        self._send = send

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        return self._send(method, url, body, headers)
