"""A recording proxy: the journal for traffic to servers the lab does not run.

A lab server journals what reaches it. To see what a client sends to any other server
(a learner's own site), the client is pointed at this forward proxy on loopback. It
journals every request exactly as it arrived, forwards it, and journals the answer
beside it. For https it opens the CONNECT tunnel itself (RFC 9110 §9.3.6) with a
certificate for the host signed by the lab's throwaway CA, so it sees inside only
for a client told to trust that CA, and only for this run.

It frames HTTP as the lab server does (h11, :mod:`labserver.server.connection`), so both
journals read every request the same way; it serves only clients that present its
credential (the user and password in :attr:`RecordingProxy.url`), at most
:data:`~labserver.server.connection.MAX_CONNECTIONS` at once, and answers every
error with an HTTP status, never a dropped connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from types import TracebackType
from urllib.parse import urlsplit

import h11

from ..vocabulary import TIMEOUT_SECONDS
from .connection import Connection, ConnectionServer, keeps_alive
from .entry import merged_headers
from .handler import header_lines
from .journal import Journal
from .targets import netloc
from .tls import LabCertificates

LOOPBACK = "127.0.0.1"

MAX_BODY_BYTES = 1024 * 1024
"""A request body the proxy forwards; above it, 413 (as the lab server answers)."""

MAX_ANSWER_BYTES = 16 * 1024 * 1024
"""An answer's body the proxy reads and passes on; a longer one is refused with a 502
(a redirect trace needs the status line and headers, not a large page), never cut."""

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "proxy-authorization",
                        "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"})
"""Headers that concern only one connection (RFC 9110 §7.6.1): journaled as they
arrived, never forwarded."""

CREDENTIAL_SHOWN = "Basic (the proxy's own credential)"
"""What the journal shows for the ``Proxy-Authorization`` that carried the proxy's own
credential: an exported HAR must not hand it on."""

_DEFAULT_PORTS = {"http": 80, "https": 443}

_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")

_Answer = tuple[int, str, list[tuple[str, str]], bytes]


def _origin(scheme: str, host: str, port: int) -> str:
    """``scheme://host[:port]`` as a browser's address bar writes it (no default port)."""
    place = host if _DEFAULT_PORTS[scheme] == port else netloc(host, port)
    return f"{scheme}://{place}"


def _valid_host(host: str) -> bool:
    """An IP address, or a DNS name of letters, digits and inner hyphens (253 at most)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    name = host.removesuffix(".")
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def _port(text: str) -> int | None:
    """A TCP port written in ASCII digits (1 to 65535), or None."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        return None
    return int(text)


def connect_target(target: str) -> tuple[str, int] | None:
    """``host:port`` of a CONNECT (``[v6]:port`` for IPv6), or None if it names none."""
    host, _, port_text = target.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if ":" not in host:
            return None
    elif ":" in host:
        return None
    port = _port(port_text)
    return (host, port) if port and _valid_host(host) else None


def absolute_target(target: str) -> tuple[str, str] | None:
    """The origin and the origin-form target of an absolute-form ``http://`` target."""
    try:
        parts = urlsplit(target)
        port = parts.port or 80
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme != "http" or not _valid_host(host) or "@" in parts.netloc:
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _origin("http", host, port), path


def _text_answer(status: int, reason: str, message: str) -> _Answer:
    return status, reason, [("Content-Type", "text/plain; charset=utf-8")], \
        (message + "\n").encode()


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes between the two sockets until either side closes or both stay quiet
    for the lab's timeout."""
    sockets = [client, upstream]
    while True:
        readable, _, _ = select.select(sockets, [], [], TIMEOUT_SECONDS)
        if not readable:
            return
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (upstream if source is client else client).sendall(data)


class RecordingProxy:
    """A forward proxy on loopback that journals what passes through it.

    Each entry's ``server`` is the host (and port) the request was for, and its
    ``origin`` the whole ``scheme://host:port``. Use it as a context manager, or
    ``start()`` and ``stop()``; give clients :attr:`url`, which carries the credential
    (``credential``, ``user:password``, random unless given) without which it answers
    407.
    """

    name = "proxy"
    scheme = "http"
    host = LOOPBACK

    def __init__(self, tls: LabCertificates | None = None,
                 upstream_ca: str | None = None, *, intercept: bool = True,
                 credential: str | None = None) -> None:
        self.tls = tls or LabCertificates()
        self._own_tls = tls is None
        self.intercept = intercept
        """Whether https is seen inside (the tunnel ends here, with the lab's CA), or only
        relayed, as an ordinary proxy does: then only the CONNECT is journaled."""
        self.credential = credential or f"lab:{secrets.token_urlsafe(18)}"
        """``user:password`` a client must present (``Proxy-Authorization: Basic``)."""
        self._expected = "Basic " + base64.b64encode(self.credential.encode()).decode()
        self.journal = Journal(name="proxy")
        self._upstream = ssl.create_default_context()
        for ca_file in {self.tls.ca_file, upstream_ca} - {None}:
            self._upstream.load_verify_locations(ca_file)  # the lab's https servers too
        self._server: ConnectionServer | None = None
        self._stopped = False
        self._busy = 0
        self._quiet = threading.Condition()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the recording proxy is not running; call start() first")
        return int(self._server.listener.getsockname()[1])

    @property
    def url(self) -> str:
        """``http://USER:PASSWORD@127.0.0.1:PORT``: the proxy URL to give a client (httpx,
        requests and curl send its credential from it; urllib3 needs
        ``proxy_headers``)."""
        return f"http://{self.credential}@{netloc(LOOPBACK, self.port)}"

    def start(self) -> RecordingProxy:
        if self._server is None:
            listener = socket.create_server((LOOPBACK, 0), backlog=128)
            self._stopped = False
            self._server = ConnectionServer(listener, self._serve, name="labserver-proxy")
            self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving: every connection (kept, tunnelled or forwarding) is ended, and
        nothing more is journaled."""
        self._stopped = True
        if self._server is not None:
            self._server.stop()
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

    # -- one client connection ------------------------------------------------------

    def _serve(self, connection: Connection) -> None:
        tunnel = ""  # https://host:port once a CONNECT tunnel ends here
        while (request := connection.next_request()) is not None:
            lines = header_lines(request)
            method, target = request.method.decode("latin-1"), request.target.decode("latin-1")
            if not tunnel and not self._authorized(lines):
                connection.refuse(407, "this proxy serves the lab's own clients: send the "
                                       "credential of its URL (Proxy-Authorization)",
                                  'Proxy-Authenticate: Basic realm="Redirect Lab proxy"\r\n')
                return
            if method == "CONNECT":
                tunnel = "" if tunnel else self._connect(connection, request, lines)
                if not tunnel:
                    return
                continue
            destination = (tunnel, target) if tunnel and target.startswith("/") else \
                None if tunnel else absolute_target(target)
            if destination is None:
                connection.refuse(400, "this is a forward proxy: send absolute http:// URLs "
                                       "with a valid host and port, or CONNECT host:port for "
                                       "https")
                return
            if not self._forward(connection, request, lines, *destination):
                return
            connection.next_cycle()

    def _authorized(self, lines: tuple[tuple[str, str], ...]) -> bool:
        given = [v for k, v in lines if k.lower() == "proxy-authorization"]
        return len(given) == 1 and hmac.compare_digest(given[0].encode(),
                                                       self._expected.encode())

    def _connect(self, connection: Connection, request: h11.Request,
                 lines: tuple[tuple[str, str], ...]) -> str:
        """Open the tunnel a CONNECT asks for; the tunnel's origin if it ends here."""
        target = request.target.decode("latin-1")
        place = connect_target(target)
        if place is None:
            connection.refuse(400, "CONNECT needs host:port: a valid host name or IP "
                                   "address and a port from 1 to 65535 (and is not allowed "
                                   "inside a tunnel)")
            return ""
        host, port = place
        origin = _origin("https", host, port)
        if not self.intercept:
            self._tunnel(connection, origin, request, lines, host, port)
            return ""
        context = self.tls.context_for(host)
        connection.send(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        return origin if connection.start_tls(context) else ""

    def _tunnel(self, connection: Connection, origin: str, request: h11.Request,
                lines: tuple[tuple[str, str], ...], host: str, port: int) -> None:
        """Relay bytes both ways, as a proxy that cannot see inside does: the CONNECT is
        journaled, what travels in the tunnel only by the server at its end."""
        started, target = time.time(), request.target.decode("latin-1")
        version = f"HTTP/{request.http_version.decode('latin-1')}"
        try:
            upstream = socket.create_connection((host, port), timeout=TIMEOUT_SECONDS)
        except OSError as exc:
            self.record(origin, "CONNECT", target, lines, b"", version, 502,
                        "Bad Gateway", [], started, 0.0)
            connection.refuse(502, f"could not reach {host}:{port}: {exc}")
            return
        with upstream:
            assert self._server is not None
            self._server.attach(connection, upstream)
            self.record(origin, "CONNECT", target, lines, b"", version, 200,
                        "Connection Established", [], started, 0.0)
            connection.send(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            upstream.sendall(connection.unread)  # what came with the CONNECT
            _relay(connection.sock, upstream)

    def _forward(self, connection: Connection, request: h11.Request,
                 lines: tuple[tuple[str, str], ...], origin: str, target: str) -> bool:
        """Forward one request and answer it; whether the connection stays."""
        if any(name == b"transfer-encoding" for name, _ in request.headers):
            connection.refuse(411, "the recording proxy forwards bodies with a "
                                   "Content-Length only")
            return False
        body, ended = connection.read_body(request, MAX_BODY_BYTES)
        if ended == "over":
            connection.refuse(413, f"a body of at most {MAX_BODY_BYTES} bytes")
            return False
        if ended != "whole":
            return False  # the client left half-way: nothing is sent on
        method = request.method.decode("latin-1")
        version = f"HTTP/{request.http_version.decode('latin-1')}"
        started, clock = time.time(), time.perf_counter()
        assert self._server is not None
        server = self._server
        status, reason, answer_lines, answer = self.send_on(
            origin, method, target, lines, body,
            attach=lambda upstream: server.attach(connection, upstream))
        # Journaled before the answer goes back, as the lab server does: once a client
        # call returns, its hops are in the journal.
        self.record(origin, method, target, lines, body, version, status, reason,
                    answer_lines, started, time.perf_counter() - clock)
        keep = keeps_alive(request)
        connection.send(_answer_bytes(method, status, reason, answer_lines, answer, keep))
        return keep

    # -- upstream -------------------------------------------------------------------

    def send_on(self, origin: str, method: str, target: str,
                lines: tuple[tuple[str, str], ...], body: bytes, *,
                attach: Callable[[socket.socket], None] | None = None) -> _Answer:
        """Send the request to ``origin`` with the header lines it arrived with (less the
        hop-by-hop ones); the answer's status, reason, header lines and body. A server
        that cannot be reached, answers with broken framing or more than
        :data:`MAX_ANSWER_BYTES` is answered 502; one that does not answer in time 504."""
        with self._quiet:
            self._busy += 1
        parts = urlsplit(origin)
        host, port = parts.hostname or "", parts.port or 80
        try:
            with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as sock:
                if attach:
                    attach(sock)
                if parts.scheme == "https":
                    with self._upstream.wrap_socket(sock, server_hostname=host) as secure:
                        return _exchange(secure, origin, method, target, lines, body)
                return _exchange(sock, origin, method, target, lines, body)
        except TimeoutError as exc:
            return _text_answer(504, "Gateway Timeout", f"no answer from {origin}: {exc}")
        except (OSError, h11.ProtocolError) as exc:
            return _text_answer(502, "Bad Gateway", f"could not reach {origin}: {exc}")
        finally:
            with self._quiet:
                self._busy -= 1
                self._quiet.notify_all()

    def record(self, origin: str, method: str, target: str,
               lines: tuple[tuple[str, str], ...], body: bytes, version: str, status: int,
               reason: str, answer: list[tuple[str, str]], started: float,
               elapsed: float) -> None:
        """Journal one request as it arrived at the proxy, with the answer it got (the
        proxy's own credential shown as :data:`CREDENTIAL_SHOWN`); nothing once stopped."""
        if self._stopped:
            return
        path, _, query = target.partition("?")
        lines = tuple((k, CREDENTIAL_SHOWN) if k.lower() == "proxy-authorization"
                      and v == self._expected else (k, v) for k, v in lines)
        merged = merged_headers(lines)
        self.journal.record(
            method=method, path=path, query=query, status=status,
            location=next((v for k, v in answer if k.lower() == "location"), None),
            body_length=len(body), body_sha256=hashlib.sha256(body).hexdigest(),
            content_type=merged.get("Content-Type"), headers=merged, header_lines=lines,
            server=urlsplit(origin).netloc, origin=origin, http_version=version,
            reason=reason, response_headers=tuple(answer), started=started, elapsed=elapsed)


def _exchange(sock: socket.socket, origin: str, method: str, target: str,
              lines: tuple[tuple[str, str], ...], body: bytes) -> _Answer:
    """One request and its whole answer over ``sock``, framed by h11 as a client."""
    client = h11.Connection(h11.CLIENT)
    forwarded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in lines
                 if k.lower() not in HOP_BY_HOP]
    data = client.send(h11.Request(method=method.encode("latin-1"),
                                   target=target.encode("latin-1"), headers=forwarded))
    if body:
        data = (data or b"") + (client.send(h11.Data(data=body)) or b"")
    sock.sendall((data or b"") + (client.send(h11.EndOfMessage()) or b""))
    head: h11.Response | None = None
    parts: list[bytes] = []
    size = 0
    while True:
        event = client.next_event()
        if event is h11.NEED_DATA:
            client.receive_data(sock.recv(65536))
        elif isinstance(event, h11.Response):
            head = event
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_ANSWER_BYTES:
                return _text_answer(502, "Bad Gateway",
                                    f"{origin} answered more than {MAX_ANSWER_BYTES} bytes, "
                                    "more than the proxy passes on whole")
            parts.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage) and head is not None:
            return (head.status_code, head.reason.decode("latin-1"),
                    [(k.decode("latin-1"), v.decode("latin-1"))
                     for k, v in head.headers.raw_items()], b"".join(parts))
        elif not isinstance(event, h11.InformationalResponse):
            raise h11.RemoteProtocolError("the connection closed before the answer ended")


def _answer_bytes(method: str, status: int, reason: str, lines: list[tuple[str, str]],
                  body: bytes, keep: bool) -> bytes:
    """The answer as the proxy passes it on: the server's header lines less the hop-by-hop
    ones, with the length of the body it read whole."""
    head = [f"HTTP/1.1 {status} {reason}"]
    head += [f"{name}: {value}" for name, value in lines
             if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"]
    no_body = method == "HEAD" or status in (204, 304) or status < 200
    length = next((v for k, v in lines if k.lower() == "content-length"), None)
    if not no_body or length is not None:
        head.append(f"Content-Length: {length if no_body and length else len(body)}")
    if not keep:
        head.append("Connection: close")
    return "\r\n".join((*head, "", "")).encode("latin-1") + (b"" if no_body else body)
