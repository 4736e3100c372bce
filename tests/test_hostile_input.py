"""The server's promises under hostile input: a real status line and JSON for every
mistake, never a 500; a journal that matches what was sent; bounded memory and threads;
a stop that leaves nothing running; and no Location off the lab, whatever the Host."""

import json
import socket
import threading
import time

import httpx
import pytest
from rawhttp import exchange, locations, status_and_body

from labserver import LabServer
from labserver.server.app import MAX_BODY_BYTES
from labserver.server.handler import MAX_HEADER_BYTES
from labserver.server.lab import MAX_CONNECTIONS, LabServerError


def status_and_json(answer: bytes) -> tuple[int, dict]:
    status, body = status_and_body(answer)
    return status, json.loads(body)


UNICODE_DIGITS = [
    "/redirect/²", "/chain/²", "/chain/①", "/form/²", "/no-location/²", "/chain/5?code=²",
    "/loop?code=²", "/journal?since=²", "/redirect/٣٠٧", "/chain/５",
]


@pytest.mark.parametrize("path", UNICODE_DIGITS)
def test_unicode_digits_get_a_json_4xx_not_a_500(http, path):
    response = http.get(path)
    assert 400 <= response.status_code < 500
    assert "message" in response.json()


def test_a_unicode_digit_in_max_age_is_refused_in_plain_words(http):
    response = http.get("/redirect/301", params={"cache": "max-age=²"})
    assert response.status_code == 400
    assert "invalid literal" not in response.json()["message"]
    assert "max-age=N" in response.json()["message"]


@pytest.mark.parametrize("target", ["http://[", "http://127.0.0.1]:1/", "https://[::1/x"])
def test_a_broken_url_is_refused_when_an_allow_list_is_set(target):
    with LabServer() as server, LabServer(name="other") as other:
        server.allow_redirects_to(other)
        response = httpx.get(server.url + "/redirect/302", params={"to": target})
    assert response.status_code == 400
    assert "refused" in response.json()["message"]


def test_a_local_path_with_a_url_in_its_query_stays_local_under_an_allow_list():
    with LabServer() as server, LabServer(name="other") as other:
        server.allow_redirects_to(other)
        response = httpx.get(server.url + "/redirect/302", params={"to": "/echo?u=http://x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/echo?u=http://x"


def test_deeply_nested_json_to_the_users_api_gets_a_400(http):
    body = "[" * 100_000 + "]" * 100_000
    response = http.post("/api/v2/users", content=body,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "nested" in response.json()["message"]


@pytest.mark.parametrize("target", [
    "http://a..b/", "http://[::1/", "http://x:99999/", "http://x:abc/",
    "http://" + "a" * 64 + ".example/", "http://evil\u202e.example/",
])
def test_an_unsendable_open_redirect_target_is_a_400_and_journaled_as_one(server, http, target):
    with server.journal.watch() as hops:
        response = http.get("/open-redirect", params={"next": target})
    assert response.status_code == 400
    assert [h.status for h in hops] == [400]
    assert hops[0].location is None


def _chunked(total: int) -> bytes:
    piece = b"x" * 65536
    chunks, left = [], total
    while left:
        part = piece[:min(left, len(piece))]
        chunks.append(b"%x\r\n" % len(part) + part + b"\r\n")
        left -= len(part)
    return b"".join(chunks) + b"0\r\n\r\n"


@pytest.mark.parametrize("size,status", [(MAX_BODY_BYTES, 200), (MAX_BODY_BYTES + 1, 413),
                                         (3 * MAX_BODY_BYTES, 413)])
def test_a_chunked_body_over_the_limit_gets_413_like_one_with_a_length(server, size, status):
    head = (f"POST /echo HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    with server.journal.watch() as hops:
        answer = exchange(server, head + _chunked(size))
    assert status_and_json(answer)[0] == status
    assert [h.status for h in hops] == [status]
    if status == 200:
        assert hops[0].body_length == size
    else:
        assert hops[0].body_length is None  # no truncated prefix posing as the body


def test_a_streamed_body_over_the_limit_gets_413_from_httpx(http):
    def stream():
        for _ in range(48):
            yield b"y" * 65536

    response = http.post("/redirect/307", content=stream())
    assert response.status_code == 413


def test_the_journal_keeps_headers_with_underscores_and_repeats_as_they_arrived(server):
    request = (f"GET /echo HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
               "X_Api_Key: secret\r\nX-Tag: one\r\nX-Tag: two\r\nConnection: close\r\n\r\n")
    with server.journal.watch() as hops:
        exchange(server, request.encode())
    (entry,) = hops
    assert ("X_Api_Key", "secret") in entry.header_lines
    assert [v for k, v in entry.header_lines if k == "X-Tag"] == ["one", "two"]
    assert entry.headers["X-Tag"] == "one, two"
    assert entry.headers["X_Api_Key"] == "secret"


def test_the_journal_is_bounded_by_bytes_as_well_as_entries():
    with LabServer() as server:
        budget = server.journal.byte_budget
        big = {f"X-Fill-{i}": "v" * 8000 for i in range(7)}  # ~56 KB of headers each
        with httpx.Client(timeout=5) as client:
            for _ in range(budget // 50_000 + 100):
                client.get(server.url + "/echo", headers=big)
        assert server.journal.bytes_held <= budget
        assert len(server.journal) < budget // 50_000 + 100


def test_a_header_section_over_the_limit_gets_431_with_json(server):
    filler = "".join(f"X-Fill-{i}: {'v' * 8000}\r\n" for i in range(MAX_HEADER_BYTES // 8000 + 1))
    answer = exchange(server, f"GET /echo HTTP/1.1\r\nHost: x\r\n{filler}\r\n".encode())
    assert status_and_json(answer)[0] == 431


@pytest.mark.parametrize("count,status", [(99, 200), (100, 431)])
def test_a_hundred_header_lines_or_more_get_431(server, count, status):
    """As the README says: up to 99 request headers are read, 100 or more get 431."""
    lines = "".join(f"X-H{i}: v\r\n" for i in range(count - 2))
    answer = exchange(server, f"GET /echo HTTP/1.1\r\nHost: x\r\n{lines}"
                                  "Connection: close\r\n\r\n".encode())
    assert status_and_json(answer)[0] == status


@pytest.mark.parametrize("line", [
    b"GARBAGE", b"GET / HTTP/1.1 extra", b'GET /"quoted" "x" HTTP/1.1 more',
    b"GET /\x01 HTTP/1.1 \x02", b"GET / HTTP/9.9", b"\x16\x03\x01\x02\x00",
])
def test_a_malformed_request_line_gets_a_real_status_line_and_valid_json(server, line):
    status, payload = status_and_json(exchange(server, line + b"\r\n\r\n"))
    assert 400 <= status < 600 and status != 500
    assert payload["error"] == status


@pytest.mark.parametrize("path,host", [
    ("/docs", "evil.example"), ("/docs", "evil.example:1234"),
    ("/canonical/x", "evil.example:1234"), ("/canonical/x", "evil.example"),
])
def test_no_host_header_sends_a_client_off_the_lab(server, path, host):
    answer = exchange(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                                  "Connection: close\r\n\r\n".encode())
    (location,) = locations(answer)
    assert httpx.URL(location).host in ("", "127.0.0.1", "localhost")
    assert httpx.URL(location).port in (None, server.port)


def test_two_host_headers_are_refused_with_400_not_a_broken_location(server):
    """RFC 9112 §3.2: a request with more than one Host line gets 400."""
    with server.journal.watch() as hops:
        answer = exchange(server, b"GET /canonical/x HTTP/1.1\r\nHost: a.example\r\n"
                                      b"Host: b.example\r\nConnection: close\r\n\r\n")
    assert status_and_json(answer)[0] == 400
    assert locations(answer) == [] and hops == []


def test_an_absolute_form_request_line_does_not_choose_the_location(server):
    answer = exchange(server, b"GET http://evil.example/docs HTTP/1.1\r\n"
                                  b"Host: evil.example\r\nConnection: close\r\n\r\n")
    assert b"evil.example" not in answer.partition(b"\r\n\r\n")[0]


def test_a_cors_preflight_is_answered_not_redirected_and_journaled_as_a_preflight(server, http):
    with server.journal.watch() as hops:
        response = http.options("/redirect/307", headers={
            "Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Methods"] == "PUT"
    assert response.headers["Access-Control-Allow-Headers"] == "authorization,content-type"
    assert hops[0].is_preflight


def test_a_plain_options_request_is_still_redirected(http):
    assert http.options("/redirect/307").status_code == 307


def test_starting_on_a_busy_port_raises_a_plain_oserror(capfd):
    with LabServer() as first:
        with pytest.raises(LabServerError, match="in use") as raised:
            LabServer(port=first.port).start()
    assert isinstance(raised.value, OSError)
    assert capfd.readouterr().err == ""


def test_an_ipv6_server_url_has_brackets():
    try:
        server = LabServer(host="::1").start()
    except LabServerError:
        pytest.skip("this machine has no IPv6 loopback")
    with server:
        assert server.url == f"http://[::1]:{server.port}"
        assert httpx.get(server.url + "/echo").status_code == 200


def _lab_threads(name: str = "") -> list[threading.Thread]:
    """The threads the lab started (all of them, or those of the server called ``name``)."""
    prefix = f"labserver-{name}-" if name else "labserver"
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def test_stop_with_half_sent_requests_open_leaves_no_thread_and_journals_nothing_more():
    server = LabServer().start()
    before = len(_lab_threads()) - 1  # the serving thread of this server
    sockets = []
    for _ in range(20):
        sock = socket.create_connection((server.host, server.port))
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
        sockets.append(sock)
    assert server.settle(0.3) is False  # they are open
    mark = server.journal.mark()
    server.stop()
    try:
        assert len(_lab_threads()) == before
        assert server.journal.mark() == mark
    finally:
        for sock in sockets:
            sock.close()


def test_connections_past_the_cap_get_503_and_the_lab_still_answers():
    with LabServer(name="capped") as server:
        slow = []
        try:
            for _ in range(MAX_CONNECTIONS + 20):
                sock = socket.create_connection((server.host, server.port))
                sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n")  # never finished
                slow.append(sock)
            deadline = time.monotonic() + 5
            while len(_lab_threads("capped")) < MAX_CONNECTIONS and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(_lab_threads("capped")) == MAX_CONNECTIONS
            refused = socket.create_connection((server.host, server.port))
            refused.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status_and_json(refused.recv(4096))[0] == 503
            refused.close()
        finally:
            for sock in slow[:40]:
                sock.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            response = httpx.get(server.url + "/echo")
            if response.status_code == 200:
                break
        assert response.status_code == 200  # slow clients do not starve the rest
        for sock in slow[40:]:
            sock.close()
