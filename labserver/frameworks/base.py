"""A framework under test: a real server of another project, started by the lab on
loopback, whose redirects the lab reads off the wire.

The lab's own server observes requests (its journal); a framework is observed from the
other side, by the answer it sends: status line and ``Location``, exactly as they came.
"""

from __future__ import annotations

import socket
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property
from types import TracebackType

from ..server.lab import LOOPBACK

START_SECONDS = 20.0
"""How long a framework may take to start listening; Node and nginx need well under 1 s."""


@dataclass(frozen=True)
class Route:
    """One redirect as a framework's users write it, and the request that triggers it."""

    written: str
    """The code a learner writes, shown in the table."""
    method: str
    path: str
    citation: str
    """The key of :data:`labserver.citations.CITATIONS` that documents the behaviour."""
    follow: bool = True
    """False where following would leave the framework (a ``Location`` without its port
    points at port 80, where some other server may listen)."""


class FrameworkUnavailable(RuntimeError):
    """The framework (or its runtime) is not installed here; the message says what to do."""

    def _render_traceback_(self) -> list[str]:
        return [f"Skipped: {self}"]


def free_port() -> int:
    """A port nobody listens on at this moment (the OS picks it on loopback)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, seconds: float = START_SECONDS) -> None:
    """Return once something accepts connections on ``port``; raise if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"the framework did not start listening on port {port} in {seconds:.0f} s")


class Framework(ABC):
    """A framework's app on loopback: ``start()``, send requests to ``url``, ``stop()``."""

    name: str
    """How tables name the framework (its version is shown apart)."""
    routes: tuple[Route, ...]
    """The redirects this app makes, each as a learner would write it."""
    source: str
    """The app's code as the lesson shows it (for the Python apps, the code that runs)."""

    def __init__(self) -> None:
        self.port = 0

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """Why this framework cannot run here, with what to install; None if it can."""
        return None

    @abstractmethod
    def version(self) -> str:
        """The framework's version, as its package reports it."""

    @abstractmethod
    def _serve(self, port: int) -> None:
        """Start serving on ``port`` of loopback (without waiting)."""

    @abstractmethod
    def _shut(self) -> None:
        """Stop serving and free the port."""

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def host_name(self) -> str:
        """The name tables give this framework's origin in place of its loopback port
        (``http://nextjs``): a word, never a real domain."""
        return self.name.lower().replace(".", "")

    @cached_property
    def label(self) -> str:
        """Name and version, as every row of a table shows it: asked once, since nginx's
        version takes a process to read."""
        return f"{self.name} {self.version()}"

    def start(self) -> Framework:
        reason = self.unavailable_reason()
        if reason:
            raise FrameworkUnavailable(reason)
        if not self.port:
            self.port = free_port()
            self._serve(self.port)
            wait_until_listening(self.port)
        return self

    def stop(self) -> None:
        if self.port:
            self._shut()
            self.port = 0

    def __enter__(self) -> Framework:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class MissingFramework(Framework):
    """Stands in for a framework that could not start here, as ``MissingBrowser`` does for
    a browser: its table rows, its questions and its checks say it was skipped, and why,
    where asking for it by name would otherwise stop the lesson with a ``KeyError``."""

    def __init__(self, kind: type[Framework], reason: str) -> None:
        super().__init__()
        self.name, self.routes, self.source = kind.name, kind.routes, kind.source
        self.reason = reason

    @property
    def skipped(self) -> str:
        """What a table or a printed answer shows in place of what the framework sent."""
        return f"skipped: {self.reason}"

    def version(self) -> str:
        return "(skipped)"

    def start(self) -> Framework:
        raise FrameworkUnavailable(self.reason)

    def _serve(self, port: int) -> None:
        raise FrameworkUnavailable(self.reason)

    def _shut(self) -> None:
        """Nothing was started."""

    def express4_route_error(self) -> str:
        """Express's answer to its Express 4 route (``ExpressApp``), had it run: why not."""
        return f"{self.name} {self.skipped}"
