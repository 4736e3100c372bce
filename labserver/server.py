"""The lab server's lifecycle: a real HTTP server in a thread of the kernel.

A notebook cell gets re-run, so ``start()`` hands back the server that is already
running instead of starting a second one. Nothing here prints: ports, timestamps and
request logs would make a lesson's stored output differ from a fresh run.
"""

from __future__ import annotations

import ipaddress
import select
import threading
import time
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .journal import Journal
from .targets import origin_of
from .tls import LabCertificates

LOOPBACK = "127.0.0.1"

_POLL_SECONDS = 0.01
"""How often the serving loop checks for shutdown; stopping takes at most this long."""

_IDLE_CONNECTION_SECONDS = 5.0
"""A keep-alive connection idle this long is closed, so its handler thread ends."""


class _Activity:
    """Counts the connections the server has accepted and not yet finished, so an
    experiment can wait for quiet. Counting starts at accept time, in the serving
    thread, so a connection is counted before its handler thread even starts."""

    _QUIET_SECONDS = 0.02

    def __init__(self) -> None:
        self._open = 0
        self._changed = threading.Condition()

    def watch(self, server: BaseWSGIServer) -> None:
        """Count ``server``'s connections from accept to shutdown."""
        process, shutdown = server.process_request, server.shutdown_request

        def counted_process(request: Any, client_address: Any) -> None:
            with self._changed:
                self._open += 1
            process(request, client_address)

        def counted_shutdown(request: Any) -> None:
            try:
                shutdown(request)
            finally:
                with self._changed:
                    self._open -= 1
                    self._changed.notify_all()

        server.process_request = counted_process  # type: ignore[method-assign]
        server.shutdown_request = counted_shutdown  # type: ignore[method-assign]
        self._listener = server.socket

    def _pending(self) -> bool:
        """A connection is waiting in the listen backlog, not yet accepted."""
        return bool(select.select([self._listener], [], [], 0)[0])

    def settle(self, timeout: float) -> bool:
        """Wait until no connection is open or waiting, and nothing new came for a moment."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while time.monotonic() < deadline:
                if self._open == 0 and not self._pending():
                    self._changed.wait(self._QUIET_SECONDS)
                    if self._open == 0 and not self._pending():
                        return True
                else:
                    left = max(deadline - time.monotonic(), 0)
                    self._changed.wait(min(self._QUIET_SECONDS, left))
            return False


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the request log (it would land in cell output).

    Errors the HTTP layer answers before Flask sees the request (a malformed request
    line, more than 100 headers) are sent as JSON like every other lab error.
    """

    timeout = _IDLE_CONNECTION_SECONDS
    error_content_type = "application/json"
    error_message_format = '{"error": %(code)d, "message": "%(message)s"}\n'

    def log(self, type: str, message: str, *args: object) -> None:
        pass


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
                 allow_non_loopback: bool = False) -> None:
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
        self.app = create_app(self.journal, self.allowed_origins)
        self._activity = _Activity()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def settle(self, timeout: float = 1.0) -> bool:
        """Wait until no request is being answered; False if ``timeout`` passed first.

        A client that gives up half-way (a body it could not send again, say) leaves a
        request the server is still reading; settling keeps it out of the next
        experiment's journal window.
        """
        return self._activity.settle(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the lab server is not running; call start() first")
        return self._server.server_port

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:PORT`` (the OS picks PORT)."""
        return f"{self.scheme}://{self.host}:{self.port}"

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
            self._server = make_server(
                self.host, self.requested_port, self.app, threaded=True,
                request_handler=_QuietHandler,
                ssl_context=self.tls.server_context() if self.tls else None)
            self._activity.watch(self._server)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS},
                name="labserver", daemon=True)
            self._thread.start()
            return self

    def stop(self) -> None:
        """Stop serving, free the port and end the serving thread; a no-op if stopped."""
        with self._lock:
            if self._server is None:
                return
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            self._server = None
            self._thread = None

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
