"""A recording proxy: the journal for traffic to servers the lab does not run.

A lab server journals what reaches it. To see what a client sends to any other server
(a learner's own site), the client is pointed at this forward proxy on loopback. It
journals every request exactly as it arrived, forwards it, and journals the answer
beside it. For https it opens the CONNECT tunnel itself (RFC 9110 §9.3.6) with a
certificate for the host signed by the lab's throwaway CA, so it sees inside only
for a client told to trust that CA, and only for this run.
"""

from __future__ import annotations

import hashlib
import http.client
import select
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from ..vocabulary import TIMEOUT_SECONDS
from .entry import merged_headers
from .journal import Journal
from .targets import netloc
from .tls import LabCertificates

LOOPBACK = "127.0.0.1"

MAX_BODY_BYTES = 1024 * 1024
"""A request body the proxy forwards; above it, 413 (as the lab server answers)."""

MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""An answer's body the proxy reads and passes on; a longer one is cut here (a redirect
trace needs the status line and headers, not a large page)."""

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "proxy-authorization",
                        "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"})
"""Headers that concern only one connection (RFC 9110 §7.6.1): journaled as they
arrived, never forwarded."""


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str, port: int) -> str:
    """``scheme://host[:port]`` as a browser's address bar writes it (no default port)."""
    place = host if _DEFAULT_PORTS[scheme] == port else netloc(host, port)
    return f"{scheme}://{place}"


class _Handler(BaseHTTPRequestHandler):
    """Forwards one client connection's requests; inside a tunnel, the decrypted ones."""

    protocol_version = "HTTP/1.1"
    server: _ProxyServer
    tunnel_origin = ""
    """``https://host:port`` once a CONNECT tunnel is open on this connection."""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a request log would land in a lesson's output."""

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD>; every method is forwarded the same way.
        if name.startswith("do_") and name != "do_CONNECT":
            return self._forward
        raise AttributeError(name)

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        if not host or not port.isdigit() or self.tunnel_origin:
            self._refuse(400, "CONNECT needs host:port (and is not allowed inside a tunnel)")
            return
        host = host.strip("[]")
        if not self.server.lab_proxy.intercept:
            self._tunnel(host, int(port))
            return
        self.send_response_only(200, "Connection Established")
        self.end_headers()
        context = self.server.lab_proxy.tls.context_for(host)
        try:
            wrapped = context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True  # the client does not trust the lab CA
            return
        self.connection = self.request = wrapped
        self.rfile = wrapped.makefile("rb")
        self.wfile = wrapped.makefile("wb", buffering=0)  # type: ignore[assignment]
        self.tunnel_origin = _origin("https", host, int(port))
        self.close_connection = False

    def _tunnel(self, host: str, port: int) -> None:
        """Relay bytes both ways, as a proxy that cannot see inside does: the CONNECT is
        journaled, what travels in the tunnel only by the server at its end."""
        proxy = self.server.lab_proxy
        started, lines = time.time(), tuple(self.headers.items())
        try:
            upstream = socket.create_connection((host, port), timeout=TIMEOUT_SECONDS)
        except OSError as exc:
            proxy.record(_origin("https", host, port), "CONNECT", self.path, lines, b"",
                         self.request_version, 502, "Bad Gateway", [], started, 0.0)
            self._refuse(502, f"could not reach {host}:{port}: {exc}")
            return
        proxy.record(_origin("https", host, port), "CONNECT", self.path, lines, b"",
                     self.request_version, 200, "Connection Established", [], started, 0.0)
        self.send_response_only(200, "Connection Established")
        self.end_headers()
        self.close_connection = True
        with upstream:
            _relay(self.connection, upstream)

    def finish(self) -> None:
        super().finish()
        if self.tunnel_origin:  # the TLS socket took over the client's connection
            self.connection.close()

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _destination(self) -> tuple[str, str] | None:
        """The origin and the request target to send it, or None if this is no request
        a proxy can forward (a client talking to the proxy as if it were the server)."""
        if self.tunnel_origin:
            return self.tunnel_origin, self.path
        parts = urlsplit(self.path)
        if parts.scheme != "http" or not parts.hostname:
            return None
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return _origin("http", parts.hostname, parts.port or 80), target

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            self._refuse(411, "the recording proxy forwards bodies with a Content-Length only")
            return None
        if length is None:
            return b""
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self._refuse(413 if length.isdigit() else 400,
                         f"a body of at most {MAX_BODY_BYTES} bytes, with a valid length")
            return None
        return self.rfile.read(int(length))

    def _forward(self) -> None:
        destination = self._destination()
        if destination is None:
            self._refuse(400, "this is a forward proxy: send absolute http:// URLs, or "
                              "CONNECT host:port for https")
            return
        body = self._read_body()
        if body is None:
            return
        origin, target = destination
        started, clock = time.time(), time.perf_counter()
        lines = tuple(self.headers.items())
        status, reason, answer_lines, answer = self.server.lab_proxy.send_on(
            origin, self.command, target, lines, body)
        elapsed = time.perf_counter() - clock
        # Journaled before the answer goes back, as the lab server does: once a client
        # call returns, its hops are in the journal.
        self.server.lab_proxy.record(origin, self.command, target, lines, body,
                                     self.request_version, status, reason, answer_lines,
                                     started, elapsed)
        self._answer(status, reason, answer_lines, answer)

    def _answer(self, status: int, reason: str, lines: list[tuple[str, str]],
                body: bytes) -> None:
        self.send_response_only(status, reason)
        for name, value in lines:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        no_body = self.command == "HEAD" or status in (204, 304) or status < 200
        length = next((v for k, v in lines if k.lower() == "content-length"), None)
        if not no_body or length is not None:
            self.send_header("Content-Length", length if no_body and length else str(len(body)))
        self.end_headers()
        if not no_body:
            self.wfile.write(body)


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes between the two sockets until either side closes or both stay quiet
    for the lab's timeout."""
    sockets = [client, upstream]
    while True:
        readable, _, _ = select.select(sockets, [], [], TIMEOUT_SECONDS)
        if not readable:
            return
        for source in readable:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            (upstream if source is client else client).sendall(data)


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    lab_proxy: RecordingProxy


class RecordingProxy:
    """A forward proxy on loopback that journals what passes through it.

    Each entry's ``server`` is the host (and port) the request was for, and its
    ``origin`` the whole ``scheme://host:port``. Use it as a context manager, or
    ``start()`` and ``stop()``.
    """

    name = "proxy"
    scheme = "http"

    def __init__(self, tls: LabCertificates | None = None,
                 upstream_ca: str | None = None, *, intercept: bool = True) -> None:
        self.tls = tls or LabCertificates()
        self._own_tls = tls is None
        self.intercept = intercept
        """Whether https is seen inside (the tunnel ends here, with the lab's CA), or only
        relayed, as an ordinary proxy does: then only the CONNECT is journaled."""
        self.journal = Journal(name="proxy")
        self._upstream = ssl.create_default_context()
        for ca_file in {self.tls.ca_file, upstream_ca} - {None}:
            self._upstream.load_verify_locations(ca_file)  # the lab's https servers too
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self._busy = 0
        self._quiet = threading.Condition()

    host = LOOPBACK

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the recording proxy is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the proxy URL to give a client."""
        return f"http://{netloc(LOOPBACK, self.port)}"

    def start(self) -> RecordingProxy:
        if self._server is None:
            self._server = _ProxyServer((LOOPBACK, 0), _Handler)
            self._server.lab_proxy = self
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="labserver-proxy", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._own_tls:
            self.tls.close()

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def settle(self, timeout: float = 1.0) -> bool:
        """Wait until no request is being forwarded; False if ``timeout`` passed first."""
        with self._quiet:
            return self._quiet.wait_for(lambda: self._busy == 0, timeout)

    def send_on(self, origin: str, method: str, target: str,
                lines: tuple[tuple[str, str], ...], body: bytes
                ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send the request to ``origin`` with the header lines it arrived with (less the
        hop-by-hop ones); the answer's status, reason, header lines and body. A server
        that cannot be reached is answered 502, one that does not answer in time 504."""
        with self._quiet:
            self._busy += 1
        parts = urlsplit(origin)
        host, port = parts.hostname or "", parts.port or 80
        connection: http.client.HTTPConnection = (
            http.client.HTTPSConnection(host, port, timeout=TIMEOUT_SECONDS,
                                        context=self._upstream)
            if parts.scheme == "https" else
            http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS))
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in lines:
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.endheaders(body or None)
            response = connection.getresponse()
            answer = response.read(MAX_ANSWER_BYTES)
            return response.status, response.reason, response.getheaders(), answer
        except TimeoutError as exc:
            return 504, "Gateway Timeout", [], f"no answer from {origin}: {exc}\n".encode()
        except (OSError, http.client.HTTPException) as exc:
            return 502, "Bad Gateway", [], f"could not reach {origin}: {exc}\n".encode()
        finally:
            connection.close()
            with self._quiet:
                self._busy -= 1
                self._quiet.notify_all()

    def record(self, origin: str, method: str, target: str,
               lines: tuple[tuple[str, str], ...], body: bytes, version: str, status: int,
               reason: str, answer: list[tuple[str, str]], started: float,
               elapsed: float) -> None:
        """Journal one request as it arrived at the proxy, with the answer it got."""
        path, _, query = target.partition("?")
        merged = merged_headers(lines)
        self.journal.record(
            method=method, path=path, query=query, status=status,
            location=next((v for k, v in answer if k.lower() == "location"), None),
            body_length=len(body), body_sha256=hashlib.sha256(body).hexdigest(),
            content_type=merged.get("Content-Type"), headers=merged, header_lines=lines,
            server=urlsplit(origin).netloc, origin=origin, http_version=version,
            reason=reason, response_headers=tuple(answer), started=started, elapsed=elapsed)
