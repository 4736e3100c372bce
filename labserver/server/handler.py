"""The lab server's HTTP layer: each whole request, as h11 framed it, run by the WSGI app.

Werkzeug's development server closes the connection after every answer; real servers
keep it, and a lesson about what a redirect costs must see what they do. The connection
layer (:mod:`labserver.server.connection`) hands over a request only once its head is
complete, and the app runs only once its body has arrived: then the stream stands at the
next request, and the connection is kept for it. It is closed when the stream is in
doubt (a chunked body, one over the limit, ``Content-Length`` beside
``Transfer-Encoding``), when the client asks, for HTTP/1.0, and always when
``keep_alive`` is False.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote, urlsplit

import h11
from werkzeug.exceptions import InternalServerError

from .app import MAX_BODY_BYTES
from .connection import MAX_HEADER_BYTES as MAX_HEADER_BYTES
from .connection import Connection, keeps_alive

SERVER_SOFTWARE = "RedirectLab (h11)"
"""What the ``Server`` header of every answer says."""

_NO_BODY_STATUSES = frozenset({204, 304})

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _latin(data: bytes) -> str:
    return data.decode("latin-1")


def _wsgi_text(text: str) -> str:
    """PEP 3333's "bytes in a str": the UTF-8 of the text, one character per byte."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def header_lines(request: h11.Request) -> tuple[tuple[str, str], ...]:
    """The request's header lines as they arrived: names as sent, order and repeats."""
    return tuple((_latin(name), _latin(value)) for name, value in request.headers.raw_items())


def make_environ(request: h11.Request, body: bytes, lines: tuple[tuple[str, str], ...], *,
                 connection: Connection, scheme: str, host: str, port: int) -> dict[str, Any]:
    """The WSGI environ of a whole request, as Werkzeug's development server builds it
    (a header with ``_`` in its name is left out of the environ, as there; the journal
    keeps it from ``labserver.header_lines``)."""
    target = _latin(request.target)
    url = urlsplit(target)
    path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0), "wsgi.url_scheme": scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "SERVER_SOFTWARE": SERVER_SOFTWARE,
        "REQUEST_METHOD": _latin(request.method), "SCRIPT_NAME": "",
        "PATH_INFO": _wsgi_text(unquote(path)), "QUERY_STRING": _wsgi_text(url.query),
        "REQUEST_URI": _wsgi_text(target), "RAW_URI": _wsgi_text(target),
        "REMOTE_ADDR": connection.peer[0], "REMOTE_PORT": connection.peer[1],
        "SERVER_NAME": host, "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": f"HTTP/{_latin(request.http_version)}",
        "labserver.header_lines": lines, "labserver.connection": connection.number,
    }
    for name, value in lines:
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
            if key in environ:
                value = f"{environ[key]},{value}"
        environ[key] = value
    if "HTTP_TRANSFER_ENCODING" in environ:
        environ["wsgi.input_terminated"] = True  # the app reads to the end, then 413s
        environ.pop("CONTENT_LENGTH", None)
    if url.scheme and url.netloc:
        environ["HTTP_HOST"] = url.netloc
    return environ


class WSGIService:
    """Serves one connection's requests with a WSGI app, one after another."""

    def __init__(self, app: WSGIApp, *, keep_alive: bool, scheme: str, host: str,
                 port: int) -> None:
        self.app = app
        self.keep_alive = keep_alive
        self.scheme = scheme
        self.host = host
        self.port = port

    def __call__(self, connection: Connection) -> None:
        while (request := connection.next_request()) is not None:
            if not self._answer(connection, request):
                return
            connection.next_cycle()

    def _answer(self, connection: Connection, request: h11.Request) -> bool:
        """Run one request; whether the connection stays for the next."""
        try:
            urlsplit(_latin(request.target)).port
        except ValueError:
            connection.refuse(400, "the request target is not a valid URL "
                                   "(a bad bracket or port)")
            return False
        body, ended = connection.read_body(request, MAX_BODY_BYTES)
        if ended == "cut":
            return False  # the client left before its request was whole: nothing runs
        chunked = any(name == b"transfer-encoding" for name, _ in request.headers)
        keep = self.keep_alive and keeps_alive(request) and ended == "whole" and not chunked
        lines = header_lines(request)
        environ = make_environ(request, body, lines, connection=connection,
                               scheme=self.scheme, host=self.host, port=self.port)
        answer = _Answer(connection, _latin(request.method), keep=keep)
        try:
            answer.run(self.app, environ)
        except (OSError, ValueError):
            return False  # the client is gone
        except Exception:  # noqa: BLE001 - the app failed: a 500 if nothing was sent yet
            if not answer.started:
                answer.keep = False
                try:
                    answer.run(InternalServerError(), environ)
                except Exception:  # noqa: BLE001, S110 - the client is gone; nothing to tell
                    pass
            return False
        if not answer.keep and ended != "whole":
            connection.drain()  # a body is left unread: let the client finish sending it
        return answer.keep


class _Answer:
    """One WSGI answer written to the connection: status, headers, then the body,
    with its length or chunked, and ``Connection: close`` unless ``keep``."""

    def __init__(self, connection: Connection, method: str, *, keep: bool) -> None:
        self.connection = connection
        self.method = method
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
        """The status line and headers (``Server`` and ``Date`` first), then the framing
        and whether the connection stays."""
        code_text, _, reason = self._status.partition(" ")
        code = int(code_text)
        lines = [f"HTTP/1.1 {code} {reason}", f"Server: {SERVER_SOFTWARE}",
                 f"Date: {formatdate(usegmt=True)}"]
        names = set()
        for name, value in self._headers:
            lines.append(f"{name}: {value}")
            names.add(name.lower())
        self._chunked = not ("content-length" in names or self.method == "HEAD"
                             or code < 200 or code in _NO_BODY_STATUSES)
        if self._chunked:
            lines.append("Transfer-Encoding: chunked")
        if not self.keep:
            lines.append("Connection: close")
        return "\r\n".join((*lines, "", "")).encode("latin-1", "strict")

    def write(self, data: bytes) -> None:
        # The head goes out with the first part of the body, in one send: one packet
        # for a small answer, as a client reading it expects.
        head = b""
        if not self.started:
            head = self._head()
            self.started = True
        if self.method == "HEAD":
            data = b""
        body = b"%x\r\n%s\r\n" % (len(data), data) if self._chunked and data else data
        if head or body:
            self.connection.send(head + body)

    def run(self, app: Any, environ: dict[str, Any]) -> None:
        chunks: Iterable[bytes] = app(environ, self.start_response)
        try:
            for data in chunks:
                self.write(data)
            if not self.started:
                self.write(b"")
            if self._chunked:
                self.connection.send(b"0\r\n\r\n")
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
