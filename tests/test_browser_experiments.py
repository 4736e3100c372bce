"""Experiments that read what a page's script sees (Fetch's redirect modes), and the odd
Location values every client meets (lesson 17)."""

import pytest

from labserver import HttpxClient, RequestsClient, UrllibClient
from labserver.experiments.browsers import redirect_modes
from labserver.experiments.probes import odd_locations


def test_in_manual_mode_the_script_reads_no_location_though_the_server_sent_one(
        server, browser):
    rows = redirect_modes(server, {browser.name: browser}).set_index("mode")
    assert rows.loc["manual", "script read"] == "opaqueredirect 0"
    assert rows.loc["manual", "Location readable"] == "(none)"
    assert rows.loc["manual", "server saw"] == "GET /redirect/302 → 302"


def test_in_error_mode_fetch_rejects_and_the_target_is_never_asked(server, browser):
    rows = redirect_modes(server, {browser.name: browser}).set_index("mode")
    assert rows.loc["error", "script read"] == "TypeError"
    assert "/echo" not in rows.loc["error", "server saw"]


def test_redirect_modes_leaves_out_a_browser_that_is_not_installed(server):
    from labserver.clients import MissingBrowser
    assert redirect_modes(server, {"firefox": MissingBrowser("no Firefox", "firefox")}).empty


def _result(server, client, case):
    return odd_locations(server, client, {case: f"/location/302?bytes={case}"}).loc[0, "result"]


def test_an_empty_location_makes_httpx_loop_to_itself_until_its_limit(server):
    with HttpxClient() as client:
        assert _result(server, client, "") == (
            "looped to itself: 21 requests, then TooManyRedirects")


def test_httpx_sends_a_location_byte_that_is_not_utf8_on_as_utf8(server):
    with HttpxClient() as client:
        assert _result(server, client, "%2Fecho%3Fq%3D%E9") == "went to /echo?q=%C3%A9"


def test_requests_stops_with_a_unicode_error_on_a_location_that_is_not_utf8(server):
    with RequestsClient() as client:
        assert _result(server, client, "%2Fecho%3Fq%3D%E9") == "refused: UnicodeDecodeError"


@pytest.mark.parametrize("scheme", ["data%3A%2Chi", "javascript%3Avoid(0)", "myapp%3A%2F%2Fx"])
def test_no_library_follows_a_location_to_another_scheme(server, scheme):
    for kind in (HttpxClient, RequestsClient, UrllibClient):
        with kind() as client:
            assert not _result(server, client, scheme).startswith("went to")
