"""The connection layer under the lab server and the recording proxy: HTTP/1.1 framed by h11.

h11 is a strict HTTP/1.1 state machine (the one under httpcore and uvicorn): it refuses
ambiguous framing (two different ``Content-Length`` values, a length that is not ASCII
digits, a header line without a colon, a NUL in a value, a second ``Host``), accepts
what is valid (chunk extensions, trailers, folded headers) and keeps header names, order
and repeats as they arrived. What it leaves to a server is here: accepting, the TLS
handshake (in the connection's own thread, with a deadline), a deadline for the whole
request head, kept connections, the cap on connections, and a stop that ends them all.

A request is handed on only when its head is complete, and its body only when it has
all arrived: a client that leaves half-way has its request never run.
"""

from __future__ import annotations

import json
import select
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Protocol

import h11

IDLE_SECONDS = 5.0
"""A kept connection with no request coming this long is closed, so its thread ends;
so is one whose client stops sending half-way through a body."""

HEAD_SECONDS = 5.0
"""From a request's first byte, the whole head (request line and headers) must arrive
within this; a head trickled byte by byte is answered 408 and closed."""

HANDSHAKE_SECONDS = 5.0
"""A TLS client must finish its handshake within this (one that never sends a
ClientHello holds only its own thread, and only this long)."""

MAX_HEADER_BYTES = 64 * 1024
"""A request head (request line and header lines) may be this long; more gets 431."""

MAX_HEADER_LINES = 100
"""This many header lines or more get 431."""

MAX_CONNECTIONS = 128
"""Connections served at once, each on its own thread. One more is answered 503 at once:
a flood of slow clients cannot grow the kernel's threads without bound, and the
connections already open keep being served."""

_DRAIN_BYTES = 16 * 1024 * 1024
"""Before closing, what is left of a refused body is read and dropped, up to this much,
so the client reads the answer (a 413, say) instead of a reset connection."""

_STOP_SECONDS = 2.0
"""How long ``stop()`` waits for the connections it cut to finish their threads."""


_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
"""Linux's option that sends a delayed acknowledgement now (other systems lack it)."""


def json_answer_bytes(code: int, message: str, extra: str = "") -> bytes:
    """A whole HTTP/1.1 answer with a JSON body, for errors raised below the app;
    ``extra`` is more header lines, each ending in CRLF."""
    phrase = HTTPStatus(code).phrase
    body = json.dumps({"error": code, "message": message}).encode() + b"\n"
    head = (f"HTTP/1.1 {code} {phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}"
            "Access-Control-Allow-Origin: *\r\n\r\n")
    return head.encode("latin-1") + body


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline passed")
    return left


class Stream(Protocol):
    """Bytes in and out of one connection, plain or TLS."""

    def recv(self, size: int, deadline: float) -> bytes: ...

    def sendall(self, data: bytes) -> None: ...


class _Plain:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def recv(self, size: int, deadline: float) -> bytes:
        self._sock.settimeout(_left(deadline))
        return self._sock.recv(size)

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(IDLE_SECONDS)
        self._sock.sendall(data)


class _TLS:
    """TLS over a socket through memory buffers: the handshake and every read keep a
    deadline, and bytes already read from the socket (sent with a CONNECT) are not lost."""

    def __init__(self, sock: socket.socket, context: ssl.SSLContext, already: bytes) -> None:
        self._sock = sock
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_side=True)
        if already:
            self._incoming.write(already)

    def _flush(self) -> None:
        data = self._outgoing.read()
        if data:
            self._sock.settimeout(IDLE_SECONDS)
            self._sock.sendall(data)

    def _pump(self, deadline: float) -> None:
        self._flush()
        self._sock.settimeout(_left(deadline))
        data = self._sock.recv(65536)
        if data:
            self._incoming.write(data)
        else:
            self._incoming.write_eof()

    def handshake(self, deadline: float) -> None:
        while True:
            try:
                self._tls.do_handshake()
            except ssl.SSLWantReadError:
                self._pump(deadline)
                continue
            self._flush()
            return

    def recv(self, size: int, deadline: float) -> bytes:
        while True:
            try:
                data = self._tls.read(size)
            except ssl.SSLWantReadError:
                self._pump(deadline)
                continue
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""
            self._flush()
            return data

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = self._tls.write(view)
            view = view[written:]
            self._flush()


def _new_parser(already: bytes = b"") -> h11.Connection:
    parser = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
    if already:
        parser.receive_data(already)
    return parser


class Connection:
    """One client's connection: its requests, one after another, each only when whole."""

    def __init__(self, sock: socket.socket, number: int, peer: tuple[str, int],
                 server: ConnectionServer) -> None:
        self.sock = sock
        self.number = number
        """Counted from 1 in the order the server accepted its connections."""
        self.peer = peer
        self.server = server
        self.stream: Stream = _Plain(sock)
        self._parser = _new_parser()
        self._continue = False

    def start_tls(self, context: ssl.SSLContext) -> bool:
        """Speak TLS from here on (the bytes already received are the client's first);
        False if the handshake failed or did not finish in :data:`HANDSHAKE_SECONDS`."""
        tls = _TLS(self.sock, context, self._parser.trailing_data[0])
        try:
            tls.handshake(time.monotonic() + HANDSHAKE_SECONDS)
        except (ssl.SSLError, OSError, ValueError):
            return False
        self.stream, self._parser = tls, _new_parser()
        return True

    @property
    def unread(self) -> bytes:
        """What arrived after the current request (after a CONNECT: the tunnel's first)."""
        return bytes(self._parser.trailing_data[0])

    def _receive(self, deadline: float) -> bool:
        data = self.stream.recv(65536, deadline)
        self._parser.receive_data(data)
        return bool(data)

    def next_request(self) -> h11.Request | None:
        """The next request's head, once it has all arrived; None when the client closed,
        stayed idle, or sent a head refused here (answered 400, 408 or 431 and closed)."""
        self.server.activity.idle(self.sock)
        deadline: float | None = None
        while True:
            try:
                event = self._parser.next_event()
            except h11.RemoteProtocolError as error:
                self.refuse(error.error_status_hint, f"malformed request: {error}")
                return None
            if isinstance(event, h11.Request):
                if event.http_version not in (b"1.0", b"1.1"):
                    self.refuse(505, "this server speaks HTTP/1.0 and HTTP/1.1 only")
                    return None
                if len(event.headers) >= MAX_HEADER_LINES:
                    self.refuse(431, f"the request has {len(event.headers)} header lines; "
                                     f"at most {MAX_HEADER_LINES - 1} are accepted")
                    return None
                size = sum(len(name) + len(value) for name, value in event.headers)
                if size > MAX_HEADER_BYTES:
                    self.refuse(431, f"the request's headers total {size} bytes; "
                                     f"at most {MAX_HEADER_BYTES} are accepted")
                    return None
                self._continue = True
                return event
            if event is not h11.NEED_DATA:
                return None  # the client closed between requests
            if deadline is None and not self._parser.trailing_data[0]:
                try:  # idle: wait for the first byte of the next request
                    if not self._receive(time.monotonic() + IDLE_SECONDS):
                        return None
                except (OSError, ValueError):
                    return None
            if deadline is None:
                self.server.activity.busy(self.sock)
                deadline = time.monotonic() + HEAD_SECONDS
                continue
            try:
                if not self._receive(deadline):
                    return None  # the head never completed: nothing runs
            except TimeoutError:
                self.refuse(408, f"the request head did not arrive within {HEAD_SECONDS:g} s")
                return None
            except (OSError, ValueError):
                return None

    def read_body(self, request: h11.Request, limit: int) -> tuple[bytes, str]:
        """The request's body and how it ended: ``whole``; ``over`` (more than
        ``limit`` bytes: a declared length over it is not read at all, a chunked body is
        read one byte past it); or ``cut`` (the client left or went quiet first, or
        sent a malformed chunk, answered 400 here): then nothing may run."""
        length = next((int(v) for k, v in request.headers if k == b"content-length"), None)
        chunked = any(k == b"transfer-encoding" for k, _ in request.headers)
        if length is not None and not chunked and length > limit:
            return b"", "over"
        if (length or chunked) and _QUICKACK is not None:
            _acknowledge_now(self.sock)
        parts: list[bytes] = []
        size = 0
        while True:
            try:
                event = self._parser.next_event()
            except h11.RemoteProtocolError as error:
                self.refuse(400, f"malformed request body: {error}")
                return b"", "cut"
            if isinstance(event, h11.Data):
                parts.append(bytes(event.data))
                size += len(event.data)
                if size > limit:
                    return b"".join(parts), "over"
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(parts), "whole"
            elif event is h11.NEED_DATA:
                if self._continue and self._parser.they_are_waiting_for_100_continue:
                    self.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                self._continue = False
                try:
                    if not self._receive(time.monotonic() + IDLE_SECONDS):
                        return b"".join(parts), "cut"
                except (OSError, ValueError):
                    return b"".join(parts), "cut"
            else:
                return b"".join(parts), "cut"

    def next_cycle(self) -> None:
        """Ready for the client's next request on this connection (after a whole body)."""
        self._parser = _new_parser(self.unread)

    def send(self, data: bytes) -> None:
        self.stream.sendall(data)

    def refuse(self, status: int, message: str, extra: str = "") -> None:
        """Answer ``status`` with JSON, read what the client still sends for a moment
        (so it reads the answer, not a reset), and leave the connection to be closed."""
        try:
            self.send(json_answer_bytes(status, message, extra))
        except (OSError, ValueError):
            return
        self.drain()

    def drain(self) -> None:
        """Read and drop what the client is still sending, briefly, before closing."""
        total = 0
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.sock, selectors.EVENT_READ)
                while total < _DRAIN_BYTES and selector.select(timeout=0.01):
                    data = self.sock.recv(1024 * 1024)
                    if not data:
                        break
                    total += len(data)
        except (OSError, ValueError):
            pass


def keeps_alive(request: h11.Request) -> bool:
    """Whether the client lets the connection stay after this request: HTTP/1.1, and
    no ``Connection: close``."""
    tokens = {token.strip().lower() for name, value in request.headers
              if name == b"connection" for token in value.split(b",")}
    return request.http_version == b"1.1" and b"close" not in tokens


def _acknowledge_now(sock: socket.socket) -> None:
    """Acknowledge the request's head now, before reading its body. A client that
    writes the body in a second small packet (wget does) is held by Nagle's algorithm
    until the first is acknowledged, and on a kept connection Linux delays that
    acknowledgement: 40 ms for each such request after the first (wget's matrix:
    0.62 s with the wait, 0.19 s without). The bytes that arrive are the same."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK or 0, 1)
    except OSError:
        pass  # the client is gone: reading its body will say so


class Activity:
    """Counts a server's connections, and the requests in flight on them, so an
    experiment can wait for quiet. A connection is busy from accept until it waits for a
    request, and again from a request's first byte until its answer is sent; a kept
    connection waiting for the client's next request is idle."""

    _QUIET_SECONDS = 0.02

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.open: dict[socket.socket, int] = {}
        """The connections accepted and not yet closed, each with its number."""
        self.attached: dict[socket.socket, set[socket.socket]] = {}
        """Other sockets a connection's thread waits on (the proxy's upstream)."""
        self._busy: set[socket.socket] = set()
        self.threads: set[threading.Thread] = set()
        self.accepted = 0
        """Connections accepted since the server started: how many clients opened."""
        self.listener: socket.socket | None = None

    def busy(self, sock: socket.socket) -> None:
        with self.changed:
            self._busy.add(sock)

    def idle(self, sock: socket.socket) -> None:
        with self.changed:
            self._busy.discard(sock)
            self.changed.notify_all()

    def forget(self, sock: socket.socket) -> None:
        with self.changed:
            self.open.pop(sock, None)
            self.attached.pop(sock, None)
            self._busy.discard(sock)
            self.changed.notify_all()

    def cut(self, timeout: float) -> None:
        """End every open connection (a half-sent request reads end-of-file) and wait
        for their threads, so a stopped server leaves no thread or descriptor behind."""
        with self.changed:
            sockets = [*self.open, *(s for each in self.attached.values() for s in each)]
            threads = list(self.threads)
        _shut(sockets)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0))

    def close_idle(self, timeout: float) -> None:
        """End the kept connections that wait for a next request, as an idle timeout
        would. A client has its answer a moment before the server is done with the
        request: wait for that."""
        self.settle(timeout)
        with self.changed:
            idle = [each for each in self.open if each not in self._busy]
        _shut(idle)

    def _pending(self) -> bool:
        """A connection is waiting in the listen backlog, not yet accepted."""
        listener = self.listener
        try:
            return listener is not None and bool(select.select([listener], [], [], 0)[0])
        except (OSError, ValueError):
            return False

    def settle(self, timeout: float) -> bool:
        """Wait until no request is in flight and no connection waits to be accepted, and
        nothing new came for a moment."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                if not self._busy and not self._pending():
                    self.changed.wait(self._QUIET_SECONDS)
                    if not self._busy and not self._pending():
                        return True
                else:
                    left = max(deadline - time.monotonic(), 0)
                    self.changed.wait(min(self._QUIET_SECONDS, left))
            return False


def _shut(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by its thread


class ConnectionServer:
    """Accepts connections on ``listener`` and serves each in its own thread with
    ``serve``, at most :data:`MAX_CONNECTIONS` at once; TLS first when ``tls`` is set."""

    def __init__(self, listener: socket.socket, serve: Callable[[Connection], None], *,
                 name: str, tls: ssl.SSLContext | None = None,
                 activity: Activity | None = None) -> None:
        self.listener = listener
        self.serve = serve
        self.tls = tls
        self.name = name
        self.activity = activity or Activity()
        self.activity.listener = listener
        self._stopping = threading.Event()
        # stop() writes a byte here, so the accepting thread wakes at once instead of
        # looking every few milliseconds (a lesson or a test stops many servers)
        self._wake_up, self._wakes = socket.socketpair()
        self._thread = threading.Thread(target=self._accept, name=name, daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                ready = select.select([self.listener, self._wakes], [], [])[0]
                if self.listener not in ready:
                    continue
                sock, peer = self.listener.accept()
            except (OSError, ValueError):
                continue
            activity = self.activity
            with activity.changed:
                activity.accepted += 1
                number = activity.accepted
                activity.open[sock] = number
                activity.busy(sock)
                full = len(activity.open) > MAX_CONNECTIONS
            if full:
                _refuse_busy(sock)
                activity.forget(sock)
                continue
            thread = threading.Thread(target=self._run, args=(sock, number, peer[:2]),
                                      name=f"{self.name}-connection", daemon=True)
            with activity.changed:
                activity.threads.add(thread)
            thread.start()

    def _run(self, sock: socket.socket, number: int, peer: tuple[str, int]) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = Connection(sock, number, peer, self)
            if self.tls is None or connection.start_tls(self.tls):
                self.serve(connection)
        except (OSError, ValueError):
            pass  # the client went away, or stop() cut the connection
        finally:
            self.activity.forget(sock)
            sock.close()
            with self.activity.changed:
                self.activity.threads.discard(threading.current_thread())

    def attach(self, connection: Connection, other: socket.socket) -> None:
        """``other`` is ended with ``connection`` when the server stops."""
        with self.activity.changed:
            kept = self.activity.attached.setdefault(connection.sock, set())
            kept -= {each for each in kept if each.fileno() == -1}  # closed since
            kept.add(other)

    def stop(self) -> None:
        """Stop accepting, end every connection, wait for their threads, free the port."""
        self._stopping.set()
        if self._thread.is_alive():
            self._wake_up.send(b"!")
            self._thread.join()
        self.activity.cut(_STOP_SECONDS)
        self.listener.close()
        self._wake_up.close()
        self._wakes.close()


def _refuse_busy(sock: socket.socket) -> None:
    """Answer 503 on a connection over :data:`MAX_CONNECTIONS`, without a thread."""
    try:
        sock.setblocking(False)
        sock.send(json_answer_bytes(
            503, f"the server already serves {MAX_CONNECTIONS} connections; try again"))
    except OSError:
        pass  # the client is gone or its buffer is full; closing is answer enough
    finally:
        sock.close()
