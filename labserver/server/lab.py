"""The lab server's lifecycle: a real HTTP server in a thread of the kernel.

A notebook cell gets re-run, so ``start()`` hands back the server that is already
running instead of starting a second one. Nothing here prints: ports, timestamps and
request logs would make a lesson's stored output differ from a fresh run.
"""

from __future__ import annotations

import errno
import ipaddress
import select
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from .app import create_app
from .handler import ClosingRequestHandler, LabRequestHandler, json_answer_bytes
from .journal import Journal
from .targets import netloc, origin_of
from .tls import LabCertificates

LOOPBACK = "127.0.0.1"

_POLL_SECONDS = 0.01
"""How often the serving loop checks for shutdown; stopping takes at most this long."""

MAX_CONNECTIONS = 128
"""Connections served at once, each on its own thread. One more is answered 503 at once:
a flood of slow clients cannot grow the kernel's threads without bound, and the
connections already open keep being served."""

_STOP_SECONDS = 2.0
"""How long ``stop()`` waits for the connections it cut to finish their threads."""


class LabServerError(OSError):
    """The lab server could not start (the port is taken, say); the message says why."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a learner sees one plain sentence.
        return [f"LabServerError: {self}"]


class _Activity:
    """Counts the server's connections, and the requests in flight on them, so an
    experiment can wait for quiet. A connection is busy from accept time (in the serving
    thread, before its handler thread even starts) until its handler waits for a request
    line, and again from that request's first line until its answer is sent; a kept
    connection waiting for the client's next request is idle."""

    _QUIET_SECONDS = 0.02

    def __init__(self, thread_name: str = "labserver-connection") -> None:
        self._changed = threading.Condition()
        self._open: dict[socket.socket, int] = {}
        """The connections accepted and not yet finished, each with its number (counted
        from 1 in the order they were accepted)."""
        self._busy: set[socket.socket] = set()
        """The connections just accepted, or answering a request."""
        self._threads: set[threading.Thread] = set()
        self._thread_name = thread_name
        self.accepted = 0
        """Connections accepted since the server started: how many a client opened."""

    def watch(self, server: BaseWSGIServer) -> None:
        """Count ``server``'s connections from accept to shutdown, at most
        :data:`MAX_CONNECTIONS` at once, and remember their sockets and threads so
        :meth:`cut` can end them."""
        process, shutdown = server.process_request, server.shutdown_request
        serve_one = server.process_request_thread  # type: ignore[attr-defined]

        def counted_process(request: Any, client_address: Any) -> None:
            with self._changed:
                self.accepted += 1
                self._open[request] = self.accepted
                self._busy.add(request)
                full = len(self._open) > MAX_CONNECTIONS
            if full:
                _refuse_busy(request)
                server.shutdown_request(request)
                return
            process(request, client_address)

        def named_thread(request: Any, client_address: Any) -> None:
            me = threading.current_thread()
            me.name = self._thread_name
            with self._changed:
                self._threads.add(me)
            try:
                serve_one(request, client_address)
            finally:
                with self._changed:
                    self._threads.discard(me)

        def counted_shutdown(request: Any) -> None:
            try:
                shutdown(request)
            finally:
                with self._changed:
                    self._open.pop(request, None)
                    self._busy.discard(request)
                    self._changed.notify_all()

        server.process_request = counted_process  # type: ignore[method-assign]
        server.process_request_thread = named_thread  # type: ignore[attr-defined]
        server.shutdown_request = counted_shutdown  # type: ignore[method-assign]
        self._listener = server.socket
        server.lab_requests = self  # type: ignore[attr-defined]  # the handler reports here

    def busy(self, connection: socket.socket) -> None:
        """``connection`` has begun a request."""
        with self._changed:
            self._busy.add(connection)

    def number(self, connection: socket.socket) -> int:
        """The number of ``connection`` (1 for the first this server accepted)."""
        with self._changed:
            return self._open.get(connection, 0)

    def idle(self, connection: socket.socket) -> None:
        """``connection`` has answered its request and waits for the next one."""
        with self._changed:
            self._busy.discard(connection)
            self._changed.notify_all()

    def cut(self, timeout: float) -> None:
        """End every open connection (a half-sent request reads end-of-file) and wait
        for their threads, so a stopped server leaves no thread or descriptor behind."""
        with self._changed:
            sockets, threads = list(self._open), list(self._threads)
        _shut(sockets)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0))

    def close_idle(self, timeout: float) -> None:
        """End the kept connections that wait for a next request, as an idle timeout
        would; their clients open new ones for what they send next. A client has its
        answer a moment before the handler is done with the request: wait for that."""
        self.settle(timeout)
        with self._changed:
            idle = [each for each in self._open if each not in self._busy]
        _shut(idle)

    def _pending(self) -> bool:
        """A connection is waiting in the listen backlog, not yet accepted."""
        return bool(select.select([self._listener], [], [], 0)[0])

    def settle(self, timeout: float) -> bool:
        """Wait until no request is in flight and no connection waits to be accepted, and
        nothing new came for a moment."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while time.monotonic() < deadline:
                if not self._busy and not self._pending():
                    self._changed.wait(self._QUIET_SECONDS)
                    if not self._busy and not self._pending():
                        return True
                else:
                    left = max(deadline - time.monotonic(), 0)
                    self._changed.wait(min(self._QUIET_SECONDS, left))
            return False


def _shut(connections: list[socket.socket]) -> None:
    for connection in connections:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by its handler


def _refuse_busy(connection: socket.socket) -> None:
    """Answer 503 on a connection over :data:`MAX_CONNECTIONS`, without a thread."""
    try:
        connection.setblocking(False)
        connection.send(json_answer_bytes(
            503, f"the lab server already serves {MAX_CONNECTIONS} connections; try again"))
    except OSError:
        pass  # the client is gone or its buffer is full; closing is answer enough


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
        self._activity = _Activity(thread_name=f"labserver-{name}-connection")
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
        return self._thread is not None and self._thread.is_alive()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the lab server is not running; call start() first")
        return self._server.port

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
            handler = LabRequestHandler if self.keep_alive else ClosingRequestHandler
            try:
                self._server = make_server(
                    self.host, self.requested_port, self.app, threaded=True,
                    request_handler=handler, fd=listener.fileno(),
                    ssl_context=self.tls.server_context() if self.tls else None)
            finally:
                listener.close()  # Werkzeug serves a duplicate of it
            self.app.config["LAB_STOPPED"] = False
            self._activity.watch(self._server)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS},
                name="labserver", daemon=True)
            self._thread.start()
            return self

    def stop(self) -> None:
        """Stop serving, free the port and end every thread the server started; a no-op
        if stopped. Requests still in flight are cut off and not journaled: the journal
        of a stopped server does not grow."""
        with self._lock:
            if self._server is None:
                return
            self._server.shutdown()
            self.app.config["LAB_STOPPED"] = True
            self._activity.cut(_STOP_SECONDS)
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
