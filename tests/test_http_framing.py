"""HTTP/1.1 framing where it bites, at the lab server and at the recording proxy: a request
runs only when it is whole and unambiguous, and every refusal is a real HTTP answer."""

import base64
import os
import re
import socket
import threading
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rawhttp import exchange, status_and_body

from labserver import LabServer
from labserver.server import RecordingProxy
from labserver.server import connection as layer
from labserver.server import proxy as proxy_module
from labserver.server import tls as tls_module
from labserver.server.entry import Entry
from labserver.server.har import har_log
from labserver.server.tls import LabCertificates


def _until_closed(sock: socket.socket, timeout: float = 5) -> bytes:
    """Everything the server sends until it closes the connection."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


# -- the lab server ----------------------------------------------------------------


def test_a_request_whose_head_never_completes_is_never_run_nor_journaled(server):
    user = httpx.post(server.url + "/api/v2/users",
                      json={"name": "Ada", "email": "ada@example.com"}).json()
    users = httpx.get(server.url + "/api/v2/users").json()
    mark = server.journal.mark()
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(f"DELETE /api/v2/users/{user['id']} HTTP/1.1\r\nHost: x\r\n"
                     "X-Typing: ab".encode())
        time.sleep(0.1)
    server.settle()
    assert server.journal.since(mark) == []
    assert httpx.get(server.url + "/api/v2/users").json() == users  # nobody deleted


def test_two_different_content_lengths_get_400_and_close_and_nothing_is_smuggled(server):
    """RFC 9112 §6.3: differing Content-Length values are unrecoverable framing."""
    mark = server.journal.mark()
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 45\r\n"
                     b"Content-Length: 5\r\n\r\nhelloGET /echo?smuggled=1 HTTP/1.1\r\n"
                     b"Host: x\r\n\r\n")
        answer = _until_closed(sock)
    assert status_and_body(answer)[0] == 400
    assert answer.count(b"HTTP/1.1 ") == 1 and b"\r\nConnection: close" in answer
    assert server.journal.since(mark) == []


def test_a_content_length_of_a_unicode_digit_gets_400_with_a_status_line(server):
    mark = server.journal.mark()
    answer = exchange(server, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \xb2\r\n\r\n")
    status, body = status_and_body(answer)
    assert status == 400 and "Content-Length" in body
    assert server.journal.since(mark) == []  # refused before the app: never journaled


def test_expect_100_continue_gets_exactly_one_interim_answer_on_http_1_1(server):
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Content-Length: 5\r\nConnection: close\r\n\r\n")
        interim = sock.recv(65536)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        rest = _until_closed(sock)
    assert b"100 Continue" not in rest
    assert status_and_body(rest)[0] == 200


def test_expect_100_continue_gets_no_interim_answer_on_http_1_0(server):
    answer = exchange(server, b"POST /echo HTTP/1.0\r\nExpect: 100-continue\r\n"
                              b"Content-Length: 5\r\n\r\nhello")
    assert b"100 Continue" not in answer
    assert status_and_body(answer)[0] == 200


def test_chunk_extensions_and_trailers_are_accepted(server):
    with server.journal.watch() as hops:
        answer = exchange(server, b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                  b"chunked\r\n\r\n5;name=value\r\nhello\r\n0\r\n"
                                  b"X-Trailer: t\r\n\r\n")
    assert status_and_body(answer)[0] == 200
    assert [(h.status, h.body_length) for h in hops] == [(200, 5)]


@pytest.mark.parametrize("line", [b"X-No-Colon here", b"X-Nul: a\x00b"],
                         ids=["a header line without a colon", "a NUL in a header value"])
def test_a_malformed_header_line_gets_400_and_nothing_runs(server, line):
    mark = server.journal.mark()
    answer = exchange(server, b"GET /echo HTTP/1.1\r\nHost: x\r\n" + line +
                              b"\r\nX-After: 1\r\n\r\n")
    assert status_and_body(answer)[0] == 400
    assert server.journal.since(mark) == []


def test_a_tls_client_that_never_says_hello_blocks_neither_others_nor_stop(tls):
    server = LabServer(name="hello", tls=tls).start()
    silent = socket.create_connection((server.host, server.port))
    try:
        started = time.monotonic()
        answer = httpx.get(server.url + "/echo", verify=tls.client_context(), timeout=3)
        assert answer.status_code == 200
        assert time.monotonic() - started < 2
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.5
    finally:
        silent.close()
        server.stop()


def test_a_head_trickled_byte_by_byte_is_cut_off_at_the_head_deadline(monkeypatch):
    monkeypatch.setattr(layer, "HEAD_SECONDS", 0.6)
    head = b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    with LabServer(name="trickle") as server, \
            socket.create_connection((server.host, server.port), timeout=3) as sock:
        started, answer = time.monotonic(), b""
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break  # cut off
            readable = socket.socket.recv(sock, 65536, socket.MSG_DONTWAIT) \
                if _readable(sock) else b""
            if readable:
                answer = readable
                break
            time.sleep(0.05)
        assert time.monotonic() - started < 2
        assert server.journal.since(0) == []
    assert answer == b"" or status_and_body(answer)[0] == 408


def _readable(sock: socket.socket) -> bool:
    import select

    return bool(select.select([sock], [], [], 0)[0])


@pytest.mark.parametrize(("method", "path", "journaled"), [
    ("GET", "/journal", False), ("GET", "/favicon.ico", False), ("GET", "/journalism", True),
    ("POST", "/journal", True), ("GET", "/favicon.icon", True), ("GET", "/journal/x", True),
])
def test_only_the_exact_journal_and_favicon_paths_are_left_out_of_the_journal(
        server, method, path, journaled):
    with server.journal.watch() as hops:
        httpx.request(method, server.url + path)
    assert [h.path for h in hops] == ([path] if journaled else [])


def test_content_length_beside_transfer_encoding_lets_chunked_win_and_closes(server):
    with server.journal.watch() as hops, \
            socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                     b"GET /echo?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = _until_closed(sock)
    assert answer.count(b"HTTP/1.1 ") == 1 and b"\r\nConnection: close" in answer
    assert [(h.target, h.body_length) for h in hops] == [("/echo", 3)]


# -- the recording proxy -----------------------------------------------------------


@pytest.fixture
def proxy(tls: LabCertificates):
    with RecordingProxy(tls=tls) as running:
        yield running


def _credential(proxy: RecordingProxy) -> bytes:
    return b"Proxy-Authorization: Basic " + base64.b64encode(proxy.credential.encode()) + \
        b"\r\n"


def test_the_proxy_refuses_two_content_lengths_and_the_lab_runs_nothing(server, proxy):
    lab_mark = server.journal.mark()
    request = (f"POST {server.url}/echo HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
               "Content-Length: 45\r\nContent-Length: 5\r\n").encode() + _credential(proxy) + \
        b"\r\nhelloGET /echo?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection((proxy.host, proxy.port)) as sock:
        sock.sendall(request)
        answer = _until_closed(sock)
    assert status_and_body(answer)[0] == 400 and answer.count(b"HTTP/1.1 ") == 1
    assert proxy.journal.since(0) == [] and server.journal.since(lab_mark) == []


def test_the_proxy_answers_407_to_a_client_without_its_credential(server, proxy):
    anonymous = f"http://127.0.0.1:{proxy.port}"
    wrong = f"http://lab:wrong@127.0.0.1:{proxy.port}"
    for url in (anonymous, wrong):
        with httpx.Client(proxy=url, trust_env=False) as client:
            answer = client.get(server.url + "/echo")
        assert answer.status_code == 407
        assert answer.headers["Proxy-Authenticate"].startswith("Basic")
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        assert client.get(server.url + "/echo").status_code == 200
    assert [h.status for h in proxy.journal.since(0)] == [200]


def test_the_proxy_journals_its_own_credential_without_its_value(server, proxy):
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        client.get(server.url + "/echo")
    (hop,) = proxy.journal.since(0)
    assert hop.headers["Proxy-Authorization"] == proxy_module.CREDENTIAL_SHOWN
    assert proxy.credential.split(":")[1] not in repr(hop.as_dict())


def test_the_proxy_closes_a_kept_connection_left_idle(server, proxy, monkeypatch):
    monkeypatch.setattr(layer, "IDLE_SECONDS", 0.3)
    with socket.create_connection((proxy.host, proxy.port)) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\n" + _credential(proxy) + b"\r\n")
        assert status_and_body(_until_closed(sock, timeout=3))[0] == 400
    with socket.create_connection((proxy.host, proxy.port)) as idle:
        started = time.monotonic()
        assert _until_closed(idle, timeout=3) == b""
        assert time.monotonic() - started < 2


def test_the_proxy_caps_its_connections_with_a_503(tls, monkeypatch):
    monkeypatch.setattr(layer, "MAX_CONNECTIONS", 3)
    with RecordingProxy(tls=tls) as capped:
        held = [socket.create_connection((capped.host, capped.port)) for _ in range(3)]
        try:
            answer = exchange(capped, b"GET http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status_and_body(answer)[0] == 503
        finally:
            for sock in held:
                sock.close()


def _proxy_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("labserver-proxy")]


def test_after_stop_a_kept_proxy_connection_is_neither_forwarded_nor_journaled(server, tls):
    before = len(_proxy_threads())
    proxy = RecordingProxy(tls=tls).start()
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        assert client.get(server.url + "/echo").status_code == 200
        proxy.stop()
        assert len(_proxy_threads()) == before
        with pytest.raises(httpx.TransportError):
            client.get(server.url + "/echo")
    assert len(proxy.journal.since(0)) == 1


def test_an_answer_longer_than_the_proxy_passes_on_is_a_502_not_cut(server, proxy,
                                                                    monkeypatch):
    monkeypatch.setattr(proxy_module, "MAX_ANSWER_BYTES", 1000)
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        answer = client.post(server.url + "/echo", content=b"x" * 2000)
    assert answer.status_code == 502 and "more than the proxy passes on" in answer.text
    assert [h.status for h in proxy.journal.since(0)] == [502]


@pytest.mark.parametrize("line", [
    b"GET http://127.0.0.1:99999/ HTTP/1.1", b"GET http://[::1/ HTTP/1.1",
    b"GET http://a..b/ HTTP/1.1", b"CONNECT 127.0.0.1:\xb2 HTTP/1.1", b"CONNECT *:443 HTTP/1.1",
    b"CONNECT -x-:443 HTTP/1.1", b"CONNECT a..b:443 HTTP/1.1", b"CONNECT [::1:443 HTTP/1.1",
    b"CONNECT " + b"a" * 300 + b":443 HTTP/1.1", b"CONNECT 127.0.0.1:0 HTTP/1.1",
])
def test_a_target_the_proxy_cannot_use_gets_a_400_not_a_traceback(proxy, line, capfd):
    answer = exchange(proxy, line + b"\r\nHost: x\r\n" + _credential(proxy) + b"\r\n")
    assert status_and_body(answer)[0] == 400
    assert b"Connection Established" not in answer
    assert proxy.journal.since(0) == []
    assert "Traceback" not in capfd.readouterr().err


def test_a_unicode_digit_content_length_at_the_proxy_gets_400(server, proxy):
    answer = exchange(proxy, f"POST {server.url}/echo HTTP/1.1\r\nHost: x\r\n".encode()
                      + _credential(proxy) + b"Content-Length: \xb2\r\n\r\n")
    assert status_and_body(answer)[0] == 400


def test_bytes_sent_with_a_connect_reach_the_server_through_the_tunnel(server, tls):
    with RecordingProxy(tls=tls, intercept=False) as tunnel, \
            socket.create_connection((tunnel.host, tunnel.port), timeout=5) as sock:
        place = f"{server.host}:{server.port}".encode()
        sock.sendall(b"CONNECT " + place + b" HTTP/1.1\r\nHost: " + place + b"\r\n" +
                     _credential(tunnel) + b"\r\nGET /echo?inside=1 HTTP/1.1\r\nHost: x\r\n"
                     b"Connection: close\r\n\r\n")
        answer = _until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200 ")


def test_the_proxy_keeps_a_bounded_number_of_host_certificates(monkeypatch):
    monkeypatch.setattr(tls_module, "CERTIFICATES_KEPT", 3)
    certificates = LabCertificates()
    try:
        for n in range(6):
            certificates.context_for(f"host{n}.example")
        assert len(certificates._contexts) == 3
    finally:
        certificates.close()


def test_a_har_export_does_not_raise_on_a_unicode_digit_content_length():
    hop = Entry(seq=1, server="x", method="GET", path="/", query="", status=200,
                location=None, body_length=0, body_sha256=None, content_type=None,
                origin="http://x", response_headers=(("Content-Length", "²"),))
    (entry,) = har_log([hop])["log"]["entries"]
    assert entry["response"]["bodySize"] == -1


# -- fuzzing the framing -----------------------------------------------------------

_FUZZ_BUDGET = int(os.environ.get("REDIRECT_LAB_FUZZ_EXAMPLES", "20"))
"""Examples per framing fuzz test: a few seconds in the suite; benchmarks/run.py raises it."""

_HEADER_PIECES = [
    b"Content-Length: 5\r\n", b"Content-Length: 45\r\n", b"Content-Length: \xb2\r\n",
    b"Content-Length: 5, 5\r\n", b"Content-Length: -1\r\n", b"Content-Length: 05\r\n",
    b"Transfer-Encoding: chunked\r\n", b"Transfer-Encoding: gzip, chunked\r\n",
    b"Expect: 100-continue\r\n", b"X-No-Colon\r\n", b"X-Nul: a\x00b\r\n", b" folded\r\n",
    b"X-Ok: 1\r\n", b"X_Under: 1\r\n", b"Connection: close\r\n", b"Host: second\r\n",
]
_BODIES = [b"", b"hello", b"5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n",
           b"GET /echo?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n", b"5\r\nhel"]
_ANSWER = re.compile(rb"(?:\A|\n)HTTP/1\.1 (\d{3}) [^\r\n]*\r\n(.*?)\r\n\r\n", re.S)


def _sent_and_closed(host: str, port: int, data: bytes) -> bytes:
    """Send ``data``, say nothing more, and read until the server closes."""
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        return _until_closed(sock)


def _fuzzed(pieces: list[bytes], body: bytes, complete: bool) -> tuple[bytes, bytes]:
    head = b"".join(pieces)
    rest = b"\r\n" + body if complete else b""
    return head, rest


_framing = st.tuples(st.lists(st.sampled_from(_HEADER_PIECES), max_size=5),
                     st.sampled_from(_BODIES), st.booleans())


@settings(max_examples=_FUZZ_BUDGET, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(framing=_framing)
def test_fuzzed_framing_journals_exactly_the_answers_the_app_gave(server, framing):
    head, rest = _fuzzed(*framing)
    mark = server.journal.mark()
    answer = _sent_and_closed(server.host, server.port,
                              b"POST /echo?fuzz HTTP/1.1\r\nHost: x\r\n" + head + rest)
    server.settle()
    answers = [(int(m[1]), b"\r\nServer: " in b"\r\n" + m[2]) for m in _ANSWER.finditer(answer)]
    assert all(status != 500 for status, _ in answers), answer[:300]
    from_app = [status for status, by_app in answers if by_app]
    assert [h.status for h in server.journal.since(mark)] == from_app, answer[:300]
    if not framing[2]:
        assert from_app == []  # a head that never completed runs nothing


@settings(max_examples=_FUZZ_BUDGET, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(framing=_framing)
def test_fuzzed_framing_through_the_proxy_keeps_both_journals_in_agreement(
        server, fuzz_proxy, framing):
    head, rest = _fuzzed(*framing)
    lab_mark, proxy_mark = server.journal.mark(), fuzz_proxy.journal.mark()
    answer = _sent_and_closed(fuzz_proxy.host, fuzz_proxy.port,
                              f"POST {server.url}/echo?fuzz HTTP/1.1\r\nHost: x\r\n".encode()
                              + _credential(fuzz_proxy) + head + rest)
    server.settle()
    fuzz_proxy.settle()
    assert b"HTTP/1.1 500" not in answer

    def seen(hops: list[Entry]) -> list[tuple[str, str, str | None, int]]:
        return [(h.method, h.target, h.body_sha256, h.status) for h in hops]

    assert seen(fuzz_proxy.journal.since(proxy_mark)) == seen(server.journal.since(lab_mark))


@pytest.fixture(scope="module")
def fuzz_proxy(tls: LabCertificates):
    with RecordingProxy(tls=tls) as running:
        yield running
