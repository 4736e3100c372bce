"""The lab server keeps a connection for the client's next request, as production servers
do, and closes it only when the stream is in doubt; settling does not wait for a kept
connection that sits idle."""

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from labserver import LabServer
from labserver.server.app import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def server() -> Iterator[LabServer]:
    with LabServer() as running:
        yield running


def _answers(sock: socket.socket, count: int) -> list[bytes]:
    """Read ``count`` whole answers (each with a Content-Length) from ``sock``."""
    data, answers = b"", []
    while len(answers) < count:
        head, found, rest = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), None)
        if found and length is not None and len(rest) >= length:
            answers.append(head)
            data = rest[length:]
            continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return answers


def _connect(server: LabServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=5)


def test_a_redirect_and_the_request_that_follows_it_share_one_connection(server):
    mark = server.journal.mark()
    with httpx.Client(follow_redirects=True) as client:
        answer = client.post(server.url + "/redirect/307", content=b"kept")
    hops = server.journal.since(mark)
    assert answer.status_code == 200
    assert [(h.path, h.body_length) for h in hops] == [("/redirect/307", 4), ("/echo", 4)]
    assert hops[0].connection == hops[1].connection > 0
    assert "connection" not in answer.headers


def test_two_requests_sent_in_one_write_are_both_answered_on_the_connection(server):
    mark = server.journal.mark()
    with _connect(server) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                     b"GET /echo?second HTTP/1.1\r\nHost: x\r\n\r\n")
        answers = _answers(sock, 2)
    assert [a.split(b" ", 2)[1] for a in answers] == [b"200", b"200"]
    assert [(h.method, h.target, h.body_length) for h in server.journal.since(mark)] == [
        ("POST", "/echo", 3), ("GET", "/echo?second", 0)]


@pytest.mark.parametrize("request_bytes", [
    b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1),
    b"GET /echo HTTP/1.0\r\nHost: x\r\n\r\n",
    b"GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
], ids=["chunked body", "body over the limit", "HTTP/1.0", "client asks to close"])
def test_the_connection_is_closed_when_the_stream_or_the_client_says_so(server, request_bytes):
    with _connect(server) as sock:
        sock.sendall(request_bytes)
        head = _answers(sock, 1)[0]
        assert b"\r\nConnection: close" in head
        sock.settimeout(2)
        rest = b""
        while chunk := sock.recv(65536):  # the server closes: the read ends
            rest += chunk
    assert rest == b""


def test_a_server_built_not_to_keep_connections_closes_after_every_answer():
    with LabServer(keep_alive=False) as closing, httpx.Client(follow_redirects=True) as client:
        answer = client.get(closing.url + "/redirect/302")
        hops = closing.journal.since(0)
    assert answer.headers["connection"] == "close"
    assert [h.connection for h in hops] == [1, 2]
    assert closing.connections == 2


def test_settle_does_not_wait_for_a_kept_connection_that_sits_idle(server):
    with _connect(server) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _answers(sock, 1)
        started = time.monotonic()
        assert server.settle(timeout=1.0)
        assert time.monotonic() - started < 0.5


def test_settle_waits_for_a_request_whose_body_is_still_coming(server):
    with _connect(server) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        time.sleep(0.05)
        assert not server.settle(timeout=0.2)
        sock.sendall(b"defghij")
        assert _answers(sock, 1)
        assert server.settle(timeout=1.0)


def test_closing_idle_connections_makes_the_next_request_open_a_new_one(server):
    with httpx.Client() as client:
        client.get(server.url + "/echo")
        before = server.connections
        client.get(server.url + "/echo")
        assert server.connections == before  # the pool reused the kept connection
        server.close_idle_connections()
        time.sleep(0.05)
        client.get(server.url + "/echo")
        assert server.connections == before + 1


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux's")
def test_a_body_sent_in_its_own_packet_is_not_held_by_a_delayed_acknowledgement(server):
    """wget writes a PUT's head and body separately: with Nagle's algorithm on (as it is
    by default) the body waits for the head's acknowledgement, which Linux delays by 40 ms
    or more on a kept connection, unless the server acknowledges at once."""
    held = 0
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        for _ in range(10):
            started = time.perf_counter()
            sock.sendall(b"PUT /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: 3\r\n\r\n")
            sock.sendall(b"abc")
            assert len(_answers(sock, 1)) == 1
            held += time.perf_counter() - started >= 0.040
    assert held <= 3, f"{held} of 10 bodies waited for a delayed acknowledgement"
