"""The lab server's HTTP layer: Werkzeug's request parsing, answering with keep-alive.

Werkzeug's development server closes the connection after every answer, because its
handler cannot tell where a request's unread body ends and the client's next request
begins. Real servers keep the connection, and a lesson about what a redirect costs must
see what they do. So the lab reads each body in full before the app runs: then it knows
the stream stands at the next request, and keeps the connection open for it. When it
cannot know (a chunked body, one over the limit, a client that gave up half-way) it
answers ``Connection: close`` as Werkzeug does. ``keep_alive = False`` closes always.
"""

from __future__ import annotations

import io
import json
import selectors
import socket
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urlsplit

from werkzeug.exceptions import InternalServerError
from werkzeug.serving import WSGIRequestHandler

from .app import MAX_BODY_BYTES

IDLE_CONNECTION_SECONDS = 5.0
"""A kept connection idle this long is closed, so its handler thread ends."""

MAX_HEADER_BYTES = 64 * 1024
"""The request's header section (names and values) may total this much; more gets 431.
No lesson sends a tenth of it, and it bounds what one journal entry can hold."""

_DRAIN_BYTES = 16 * 1024 * 1024
"""Before closing, what is left of a refused body is read and dropped, up to this much,
so the client reads the answer (a 413, say) instead of a reset connection."""

_NO_BODY_STATUSES = frozenset({204, 304})

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
"""Linux's option that sends a delayed acknowledgement now (other systems lack it)."""

_DROPPED = (ConnectionError, TimeoutError)
"""The client went away, or went quiet past the timeout: nothing more can be said to it."""


class Requests(Protocol):
    """Told when a connection starts and stops answering a request: waiting for a quiet
    server counts these, as kept connections sit idle between requests."""

    def busy(self, connection: socket.socket) -> None: ...

    def number(self, connection: socket.socket) -> int: ...

    def idle(self, connection: socket.socket) -> None: ...


def json_answer_bytes(code: int, message: str) -> bytes:
    """A whole HTTP/1.1 answer with a JSON body, for errors raised below Flask."""
    phrase = HTTPStatus(code).phrase
    body = json.dumps({"error": code, "message": message}).encode() + b"\n"
    head = (f"HTTP/1.1 {code} {phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
            "Access-Control-Allow-Origin: *\r\n\r\n")
    return head.encode("latin-1") + body


def _read_body_first(environ: dict[str, Any]) -> bool:
    """Read a ``Content-Length`` body before the app runs, and hand the app the bytes;
    whether the stream now stands at the next request. A body over the limit is left
    for the app to refuse (413); one cut short reaches the app short, which reports the
    client as gone, as it did when it read the socket itself."""
    if "HTTP_TRANSFER_ENCODING" in environ:
        return False  # chunked: the app reads it, and where it ends is the app's business
    length = environ.get("CONTENT_LENGTH") or "0"
    if not length.isdigit():
        return False
    size = int(length)
    if size > MAX_BODY_BYTES:
        return False
    if size == 0:
        return True
    body = environ["wsgi.input"].read(size)
    environ["wsgi.input"] = io.BytesIO(body)
    return len(body) == size


class LabRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the request log (it would land in cell output), with
    kept connections, and with proper answers for what it refuses.

    Errors the HTTP layer answers before Flask sees the request (a malformed request
    line, 100 headers or more, an oversized header section) get a real ``HTTP/1.1``
    status line and valid JSON, like every other lab error. The headers are kept as
    they arrived, so the journal can record names with ``_`` and repeated headers.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_SECONDS
    disable_nagle_algorithm = True
    """A long answer goes out in several writes: on a kept connection, Nagle's algorithm
    would hold the next until the client acknowledged the last (40 ms)."""
    keep_alive = True
    """Keep the connection for the client's next request when the stream allows it."""

    def log(self, type: str, message: str, *args: object) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # Werkzeug's would parse the target again, and raise on a bad port

    @property
    def _requests(self) -> Requests | None:
        """Whoever counts this server's requests in flight (see :class:`Requests`)."""
        return getattr(self.server, "lab_requests", None)

    def handle_one_request(self) -> None:
        # Idle while waiting for the next request line; busy from parse_request on.
        requests = self._requests
        if requests:
            requests.idle(self.connection)
        try:
            super().handle_one_request()
        finally:
            if requests:
                requests.idle(self.connection)

    def parse_request(self) -> bool:
        requests = self._requests
        if requests:
            requests.busy(self.connection)
        self._answered = False
        if not super().parse_request():
            if not self._answered:  # http.server closes on a blank line without a word
                self.send_error(400, "the request line is empty")
            return False
        try:
            urlsplit(self.path).port  # Werkzeug splits it too, and would drop the connection
        except ValueError:
            self.send_error(400, "the request target is not a valid URL (a bad bracket or port)")
            return False
        size = sum(len(name) + len(value) for name, value in self.headers.items())
        if size > MAX_HEADER_BYTES:
            self.send_error(431, f"the request's headers total {size} bytes; "
                                 f"at most {MAX_HEADER_BYTES} are accepted")
            return False
        return True

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        # http.server answers a request line it cannot parse HTTP/0.9 style (no status
        # line) and pastes the message into the body unescaped; answer properly instead.
        self._answered = True
        self.close_connection = True
        try:
            self.wfile.write(json_answer_bytes(code, message or HTTPStatus(code).phrase))
        except OSError:
            pass

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["labserver.header_lines"] = tuple(
            (name, value.replace("\r\n", "")) for name, value in self.headers.items())
        requests = self._requests
        environ["labserver.connection"] = requests.number(self.connection) if requests else 0
        return environ

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        if environ.get("CONTENT_LENGTH", "0") != "0" or "HTTP_TRANSFER_ENCODING" in environ:
            self._acknowledge_head()
        answer = _Answer(self, keep=False)
        read = False
        try:
            read = _read_body_first(environ)
            answer.keep = (self.keep_alive and self.request_version == "HTTP/1.1"
                           and not self.close_connection and read)
            answer.run(self.server.app, environ)
        except _DROPPED as error:
            self.close_connection = True
            self.connection_dropped(error, environ)
        except Exception:  # noqa: BLE001 - the app failed: a 500 if nothing was sent yet
            self.close_connection = True
            if not answer.started:
                answer.keep = False
                try:
                    answer.run(InternalServerError(), environ)
                except Exception:  # noqa: BLE001, S110 - the client is gone; nothing to tell
                    pass
        if self.close_connection and not read:
            self._drain()  # a body is left unread: let the client finish sending it

    def _acknowledge_head(self) -> None:
        """Acknowledge the request's head now, before reading its body. A client that
        writes the body in a second small packet (wget does) is held by Nagle's algorithm
        until the first is acknowledged, and on a kept connection Linux delays that
        acknowledgement: 40 ms for each such request after the first (wget's matrix:
        0.62 s with the wait, 0.19 s without). The bytes that arrive are the same."""
        if _QUICKACK is not None:
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                pass  # the client is gone: reading its body will say so

    def _drain(self) -> None:
        """Read and drop what the client is still sending, briefly, before closing."""
        total = 0
        with selectors.DefaultSelector() as selector:
            selector.register(self.connection, selectors.EVENT_READ)
            try:
                while total < _DRAIN_BYTES and selector.select(timeout=0.01):
                    data = self.rfile.read1(1024 * 1024)
                    if not data:
                        break
                    total += len(data)
            except OSError:
                pass


class ClosingRequestHandler(LabRequestHandler):
    """Closes the connection after every answer, as Werkzeug's development server does:
    the lab's way to show what a server that will not keep connections costs."""

    keep_alive = False


class _Answer:
    """One WSGI answer written to the handler's stream: status, headers, then the body,
    with its length or chunked, and ``Connection: close`` unless ``keep``."""

    def __init__(self, handler: LabRequestHandler, *, keep: bool) -> None:
        self.handler = handler
        self.keep = keep
        self.started = False
        self._status = ""
        self._headers: list[tuple[str, str]] = []
        self._chunked = False

    def start_response(self, status: str, headers: list[tuple[str, str]],
                       exc_info: Any = None) -> Any:
        if exc_info and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self._status, self._headers = status, headers
        return self.write

    def _head(self) -> bytes:
        """The status line and headers, as http.server writes them (its ``Server`` and
        ``Date`` first), then the framing and whether the connection stays."""
        handler = self.handler
        code_text, _, reason = self._status.partition(" ")
        code = int(code_text)
        lines = [f"{handler.protocol_version} {code} {reason}",
                 f"Server: {handler.version_string()}", f"Date: {handler.date_time_string()}"]
        names = set()
        for name, value in self._headers:
            lines.append(f"{name}: {value}")
            names.add(name.lower())
        self._chunked = not ("content-length" in names or handler.command == "HEAD"
                             or code < 200 or code in _NO_BODY_STATUSES)
        if self._chunked:
            lines.append("Transfer-Encoding: chunked")
        if not self.keep:
            lines.append("Connection: close")
            handler.close_connection = True
        return "\r\n".join((*lines, "", "")).encode("latin-1", "strict")

    def write(self, data: bytes) -> None:
        # The head goes out with the first part of the body, in one send: one packet
        # for a small answer, as a client reading it expects.
        head = b""
        if not self.started:
            head = self._head()
            self.started = True
        body = b"%x\r\n%s\r\n" % (len(data), data) if self._chunked and data else data
        if head or body:
            self.handler.wfile.write(head + body)

    def run(self, app: Any, environ: dict[str, Any]) -> None:
        chunks: Iterable[bytes] = app(environ, self.start_response)
        try:
            for data in chunks:
                self.write(data)
            if not self.started:
                self.write(b"")
            if self._chunked:
                self.handler.wfile.write(b"0\r\n\r\n")
            self.handler.wfile.flush()
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
