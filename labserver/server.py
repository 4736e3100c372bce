"""The lab server's lifecycle: a real HTTP server in a thread of the kernel.

A notebook cell gets re-run, so ``start()`` hands back the server that is already
running instead of starting a second one. Nothing here prints: ports, timestamps and
request logs would make a lesson's stored output differ from a fresh run.
"""

from __future__ import annotations

import ipaddress
import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .journal import Journal

LOOPBACK = "127.0.0.1"

_POLL_SECONDS = 0.01
"""How often the serving loop checks for shutdown; stopping takes at most this long."""

_IDLE_CONNECTION_SECONDS = 5.0
"""A keep-alive connection idle this long is closed, so its handler thread ends."""


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the request log (it would land in cell output)."""

    timeout = _IDLE_CONNECTION_SECONDS

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
                 allow_non_loopback: bool = False) -> None:
        if not _is_loopback(host) and not allow_non_loopback:
            raise ValueError(
                f"the lab server binds loopback only, not {host!r}; "
                "pass allow_non_loopback=True if you really mean to expose it"
            )
        self.host = host
        self.requested_port = port
        self.journal = Journal()
        self.app = create_app(self.journal)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

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
        return f"http://{self.host}:{self.port}"

    def start(self) -> LabServer:
        """Start serving in a daemon thread; a no-op if already running."""
        with self._lock:
            if self.running:
                return self
            self._server = make_server(self.host, self.requested_port, self.app,
                                       threaded=True, request_handler=_QuietHandler)
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
        return f"<LabServer {state} on {self.host}>"


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
