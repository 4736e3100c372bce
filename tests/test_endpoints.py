"""The lab server's URLs, as learners and other tools call them."""

import httpx
import pytest

from labserver import CODES, METHODS
from labserver.server import MAX_BODY_BYTES


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("method", METHODS)
def test_redirect_answers_its_code_with_location_echo_for_every_method(http, code, method):
    response = http.request(method, f"/redirect/{code}")
    assert response.status_code == code
    assert response.headers["Location"] == "/echo"
    assert response.headers["Cache-Control"] == "no-store"


def test_redirect_to_a_local_path_keeps_its_query(http):
    response = http.get("/redirect/302", params={"to": "/echo?x=1&y=two"})
    assert response.headers["Location"] == "/echo?x=1&y=two"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "/%2F%2Fevil.example", "https:evil.example"])
def test_redirect_refuses_targets_off_the_server(http, target):
    response = http.get("/redirect/302", params={"to": target})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "refused" in response.json()["message"]


@pytest.mark.parametrize("code", ["299", "300", "304", "abc", "3070"])
def test_unsupported_codes_get_404_naming_the_valid_ones(http, code):
    response = http.get(f"/redirect/{code}")
    assert response.status_code == 404
    assert response.json()["codes"] == list(CODES)


def test_echo_describes_what_arrived(http):
    response = http.put("/echo?a=1", content="héllo".encode(),
                        headers={"Content-Type": "text/plain; charset=utf-8", "X-Lab": "yes"})
    data = response.json()
    assert data["method"] == "PUT" and data["path"] == "/echo" and data["query"] == "a=1"
    assert data["headers"]["X-Lab"] == "yes"
    assert data["body"] == {"length": 6, "text": "héllo"}


@pytest.mark.parametrize("method", [m for m in METHODS if m != "HEAD"])
def test_echo_answers_every_method(http, method):
    assert http.request(method, "/echo").json()["method"] == method


def test_oversized_body_gets_413_with_the_limit(http):
    response = http.post("/echo", content=b"x" * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == MAX_BODY_BYTES


def test_oversized_body_is_journaled_without_a_body(server, http):
    mark = server.journal.mark()
    http.post("/redirect/307", content=b"x" * (MAX_BODY_BYTES + 1))
    [entry] = server.journal.since(mark)
    assert entry.status == 413 and entry.body_length is None


def test_unknown_path_gets_404_listing_the_endpoints(http):
    response = http.get("/nowhere")
    assert response.status_code == 404
    assert "/echo" in response.json()["endpoints"]


def test_unsupported_method_gets_405_listing_the_methods(http):
    response = http.request("TRACE", "/echo")
    assert response.status_code == 405
    assert response.json()["methods"] == list(METHODS)


def test_index_lists_the_endpoints_for_a_browser(http):
    response = http.get("/")
    assert response.headers["Content-Type"].startswith("text/html")
    assert "/redirect/&lt;code&gt;" in response.text and "/journal" in response.text


def test_following_a_redirect_lands_on_echo(server):
    response = httpx.post(server.url + "/redirect/307", content=b"body", follow_redirects=True)
    assert response.json()["body"]["text"] == "body"
