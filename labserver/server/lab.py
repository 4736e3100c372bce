"""The lab server's lifecycle: a real HTTP server in a thread of the kernel.

A notebook cell gets re-run, so ``start()`` hands back the server that is already
running instead of starting a second one. Nothing here prints: ports, timestamps and
request logs would make a lesson's stored output differ from a fresh run.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Callable
from types import TracebackType

from flask import Flask

from .app import create_app
from .connection import MAX_CONNECTIONS as MAX_CONNECTIONS
from .connection import Activity, ConnectionServer
from .handler import WSGIService
from .journal import Journal
from .targets import netloc, origin_of
from .tls import LabCertificates

LOOPBACK = "127.0.0.1"


class LabServerError(OSError):
    """The lab server could not start (the port is taken, say); the message says why."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a learner sees one plain sentence.
        return [f"LabServerError: {self}"]


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen ourselves: Werkzeug would print to stderr and ``sys.exit(1)``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        where = netloc(host, port)
        reason = ("the port is in use by another program; choose another port, or 0 "
                  "to let the system pick one" if exc.errno == errno.EADDRINUSE
                  else exc.strerror or str(exc))
        raise LabServerError(exc.errno or 0, f"cannot listen on {where}: {reason}") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LabServer:
    """The lab's HTTP server: start it, point clients at ``url``, read ``journal``.

    >>> with LabServer() as server:
    ...     httpx.get(server.url + "/echo")
    """

    def __init__(self, host: str = LOOPBACK, port: int = 0, *,
                 tls: LabCertificates | None = None, name: str = "lab",
                 allow_non_loopback: bool = False,
                 app: Callable[[Journal], Flask] | None = None,
                 keep_alive: bool = True) -> None:
        if not _is_loopback(host) and not allow_non_loopback:
            raise ValueError(
                f"the lab server binds loopback only, not {host!r}; "
                "pass allow_non_loopback=True if you really mean to expose it"
            )
        self.host = host
        self.requested_port = port
        self.tls = tls
        self.scheme = "https" if tls else "http"
        self.name = name
        """How tables show this server when a lesson runs more than one."""
        self.journal = Journal(name=name)
        self.allowed_origins: set[str] = set()
        self.app = app(self.journal) if app else create_app(self.journal, self.allowed_origins)
        """The lab's own app, or another journaled app (``app`` builds it around the
        journal: see :mod:`labserver.server.behind_proxy`)."""
        self.keep_alive = keep_alive
        """Keep a connection for the client's next request, as production servers do;
        False closes it after every answer, as Werkzeug's development server does."""
        self._activity = Activity()
        self._server: ConnectionServer | None = None
        self._lock = threading.Lock()

    def settle(self, timeout: float = 1.0) -> bool:
        """Wait until no request is being answered; False if ``timeout`` passed first.

        A client that gives up half-way (a body it could not send again, say) leaves a
        request the server is still reading; settling keeps it out of the next
        experiment's journal window.
        """
        return self._activity.settle(timeout)

    @property
    def connections(self) -> int:
        """Connections accepted so far (a TLS server's count is its handshakes): the
        difference before and after a request is how many the client opened. Which
        connection carried a request is in its journal entry (:attr:`Entry.connection`)."""
        return self._activity.accepted

    def close_idle_connections(self) -> None:
        """Close the connections kept open for a client's next request, so the next
        request opens a new one whoever sends it (as a server's idle timeout would)."""
        self._activity.close_idle(timeout=1.0)

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.running

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the lab server is not running; call start() first")
        return int(self._server.listener.getsockname()[1])

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:PORT`` (the OS picks PORT)."""
        return f"{self.scheme}://{netloc(self.host, self.port)}"

    @property
    def origin(self) -> str:
        """``scheme://127.0.0.1:PORT``, as :func:`labserver.targets.origin_of` spells it."""
        return origin_of(self.url)

    def allow_redirects_to(self, *others: LabServer) -> None:
        """Let ``?to=`` name the other servers' URLs too: they are trusted origins."""
        self.allowed_origins.update(other.origin for other in others)

    def start(self) -> LabServer:
        """Start serving in a daemon thread; a no-op if already running."""
        with self._lock:
            if self.running:
                return self
            listener = _listen(self.host, self.requested_port)
            self.app.config["LAB_STOPPED"] = False
            port = int(listener.getsockname()[1])
            service = WSGIService(self.app, keep_alive=self.keep_alive, scheme=self.scheme,
                                  host=self.host, port=port)
            self._server = ConnectionServer(
                listener, service, name=f"labserver-{self.name}", activity=self._activity,
                tls=self.tls.server_context() if self.tls else None)
            self._server.start()
            return self

    def stop(self) -> None:
        """Stop serving, free the port and end every thread the server started; a no-op
        if stopped. Requests still in flight are cut off and not journaled: the journal
        of a stopped server does not grow."""
        with self._lock:
            if self._server is None:
                return
            self.app.config["LAB_STOPPED"] = True
            self._server.stop()
            self._server = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        # No port here: a repr that shows up in a cell must be the same on every run.
        state = "running" if self.running else "stopped"
        return f"<LabServer {self.name!r} {state} on {self.scheme}://{self.host}>"


_default: LabServer | None = None
_default_lock = threading.Lock()


def start() -> LabServer:
    """Start this kernel's lab server, or return the one already running."""
    global _default
    with _default_lock:
        if _default is None:
            _default = LabServer()
        return _default.start()


def stop() -> None:
    """Stop this kernel's lab server, if one is running."""
    with _default_lock:
        if _default is not None:
            _default.stop()
