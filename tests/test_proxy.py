"""The recording proxy: a journal for servers the lab does not run (what trace() reads)."""

import base64
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from rawhttp import exchange, status_and_body

from labserver.server import RecordingProxy
from labserver.server.tls import LabCertificates


def with_credential(proxy: RecordingProxy, request_bytes: bytes) -> bytes:
    """``request_bytes`` with the proxy's credential after the request line, as a client
    given ``proxy.url`` sends it."""
    line, _, rest = request_bytes.partition(b"\r\n")
    token = base64.b64encode(proxy.credential.encode())
    return line + b"\r\nProxy-Authorization: Basic " + token + b"\r\n" + rest


@pytest.fixture
def proxy(tls: LabCertificates) -> Iterator[RecordingProxy]:
    with RecordingProxy(tls=tls) as running:
        yield running


def test_the_proxy_journals_each_request_as_the_lab_server_received_it(server, proxy):
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        client.post(server.url + "/redirect/307", content=b"hello",
                    headers={"X-Trace": "yes"}, follow_redirects=True)
    seen = proxy.journal.since(0)
    arrived = server.journal.since(server.journal.mark() - 2)
    assert [(h.method, h.target, h.status) for h in seen] == \
        [(h.method, h.target, h.status) for h in arrived]
    assert [h.body_sha256 for h in seen] == [h.body_sha256 for h in arrived]
    assert seen[0].headers["X-Trace"] == "yes"
    assert seen[0].location == "/echo"
    assert seen[0].server == server.url.removeprefix("http://")


def test_https_is_seen_inside_the_tunnel_by_a_client_that_trusts_the_lab_ca(
        proxy, secure, tls):
    with httpx.Client(proxy=proxy.url, verify=tls.client_context(), trust_env=False) as client:
        answer = client.get(secure.url + "/echo", headers={"Authorization": "Bearer t"})
    assert answer.status_code == 200
    (hop,) = proxy.journal.since(0)
    assert hop.origin == secure.url
    assert (hop.method, hop.target, hop.headers["Authorization"]) == ("GET", "/echo", "Bearer t")


def test_a_client_that_does_not_trust_the_lab_ca_sees_nothing_through_the_tunnel(
        proxy, secure):
    with httpx.Client(proxy=proxy.url, trust_env=False) as client, \
            pytest.raises(httpx.ConnectError):
        client.get(secure.url + "/echo")
    assert proxy.journal.since(0) == []


def test_a_server_the_proxy_cannot_reach_is_answered_502_and_journaled(proxy):
    with httpx.Client(proxy=proxy.url, trust_env=False) as client:
        answer = client.get("http://127.0.0.1:1/nothing-here")
    assert answer.status_code == 502
    assert "could not reach http://127.0.0.1:1" in answer.text
    assert [h.status for h in proxy.journal.since(0)] == [502]


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET ftp://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"CONNECT nonsense HTTP/1.1\r\nHost: nonsense\r\n\r\n", 400),
    (b"POST http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 411),
    (b"POST http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
    (b"POST http://127.0.0.1:1/ HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
])
def test_a_request_the_proxy_cannot_forward_gets_a_4xx_with_a_status_line(
        proxy, request_bytes, status):
    code, body = status_and_body(exchange(proxy, with_credential(proxy, request_bytes)))
    assert code == status
    assert body.strip()
    assert proxy.journal.since(0) == []


def test_the_proxy_binds_loopback_only(proxy):
    assert urlsplit(proxy.url).hostname == "127.0.0.1"


def test_a_tunnel_only_proxy_journals_the_connect_and_the_server_sees_what_is_inside(
        secure, tls):
    with RecordingProxy(tls=tls, intercept=False) as tunnel, \
            httpx.Client(proxy=tunnel.url, verify=tls.client_context(), trust_env=False) as client:
        mark = secure.journal.mark()
        answer = client.get(secure.url + "/echo", headers={"X-Inside": "yes"})
        seen = tunnel.journal.since(0)
    assert answer.status_code == 200
    assert [(h.method, h.status) for h in seen] == [("CONNECT", 200)]
    assert seen[0].url == secure.url.removeprefix("https://")
    (inside,) = secure.journal.since(mark)
    assert inside.headers["X-Inside"] == "yes"


def test_a_tunnel_to_a_server_that_cannot_be_reached_is_answered_502(tls):
    with RecordingProxy(tls=tls, intercept=False) as tunnel:
        code, body = status_and_body(exchange(tunnel, with_credential(
            tunnel, b"CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")))
        assert code == 502 and "could not reach 127.0.0.1:1" in body
        assert [h.status for h in tunnel.journal.since(0)] == [502]
