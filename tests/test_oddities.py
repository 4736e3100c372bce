"""Chains, loops, odd Location headers, the open redirect, and floods of headers."""

import http.client

import pytest
from rawhttp import exchange, locations, status_and_body

from labserver.vocabulary import MAX_CHAIN


def test_a_chain_of_three_redirects_ends_at_echo(server, http):
    response = http.get("/chain/3?code=307")
    assert response.status_code == 307 and response.headers["Location"] == "/chain/2?code=307"
    assert http.get("/chain/1").headers["Location"] == "/echo"


@pytest.mark.parametrize("length", ["0", str(MAX_CHAIN + 1), "abc", "99999999999999999999"])
def test_absurd_chain_lengths_get_400_with_the_bound(http, length):
    response = http.get(f"/chain/{length}")
    assert response.status_code == 400 and str(MAX_CHAIN) in response.json()["message"]


def test_chain_code_must_be_a_redirect_code(http):
    assert http.get("/chain/2?code=200").status_code == 400


def test_loop_redirects_to_itself(http):
    response = http.get("/loop?code=308")
    assert response.status_code == 308 and response.headers["Location"] == "/loop?code=308"


def test_no_location_answers_the_code_without_location(http):
    response = http.get("/no-location/302")
    assert response.status_code == 302 and "Location" not in response.headers


def test_two_locations_sends_both_headers(http):
    response = http.get("/two-locations")
    assert response.headers.get_list("Location") == ["/echo?location=first",
                                                     "/echo?location=second"]


def test_open_redirect_sends_the_client_anywhere_it_is_told(http):
    response = http.get("/open-redirect", params={"next": "https://evil.example/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "https://evil.example/login"


def test_open_redirect_still_refuses_header_injection_and_empty_targets(http):
    assert http.get("/open-redirect", params={"next": "/a\r\nSet-Cookie: x=1"}).status_code == 400
    assert http.get("/open-redirect").status_code == 400


def test_a_flood_of_headers_gets_a_json_4xx(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.putrequest("GET", "/echo")
    for n in range(200):
        connection.putheader(f"X-Flood-{n}", "x")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 431
    assert response.getheader("Content-Type") == "application/json"
    assert b'"error": 431' in response.read()
    connection.close()


def test_cross_origin_answers_allow_any_lab_origin(http):
    assert http.get("/echo").headers["Access-Control-Allow-Origin"] == "*"


def _raw_answer(server, target):
    """The status and the Location header's bytes, exactly as sent."""
    answer = exchange(server, f"GET {target} HTTP/1.1\r\nHost: lab\r\n"
                              "Connection: close\r\n\r\n".encode())
    sent = locations(answer)
    return status_and_body(answer)[0], sent[0].encode("latin-1") if sent else None


@pytest.mark.parametrize(("query", "sent"), [
    ("%2Fecho%3Fq%3D%C3%A9t%C3%A9", "/echo?q=été".encode()),  # raw UTF-8
    ("%E9", b"\xe9"),  # one byte that is not UTF-8
    ("", b""),  # an empty Location
    ("data%3A%2CHI", b"data:,HI"),
    ("a+b", b"a+b"),  # a plus sign stays a plus sign
])
def test_location_sends_the_percent_decoded_bytes_exactly(server, query, sent):
    assert _raw_answer(server, f"/location/307?bytes={query}") == (307, sent)


def test_the_journal_keeps_the_raw_location_one_character_per_byte(server):
    with server.journal.watch() as hops:
        _raw_answer(server, "/location/302?bytes=%E9t%C3%A9")
    assert hops[0].location.encode("latin-1") == b"\xe9t\xc3\xa9"


@pytest.mark.parametrize(("target", "status"), [
    ("/location/302", 400),  # no bytes= at all
    ("/location/302?bytes=%0D%0ASet-Cookie:%20x=1", 400),  # header injection
    ("/location/302?bytes=%00", 400),
    ("/location/200?bytes=%2F", 404),
])
def test_location_refuses_what_it_cannot_or_must_not_send(server, target, status):
    assert _raw_answer(server, target)[0] == status
