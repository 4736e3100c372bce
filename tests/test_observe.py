"""observe(): the one place an experiment is run, and the questions an Observation answers."""

import pytest

from labserver import BODY, HttpxClient, Request, observe, run_clients
from labserver.clients import CallClient, MissingBrowser, Outcome
from labserver.experiments.observe import COLUMNS


@pytest.fixture(scope="module")
def httpx_client():
    with HttpxClient() as client:
        yield client


def test_307_keeps_the_body_of_a_put(server, httpx_client):
    seen = observe(httpx_client, Request("PUT", "/redirect/307", BODY), (server,))
    assert seen.reached is not None and seen.final_method == "PUT" and seen.body_arrived
    assert seen.changes() == ["307: PUT → PUT"]


def test_302_turns_a_post_into_a_get_and_the_change_is_named(server, httpx_client):
    seen = observe(httpx_client, Request("POST", "/redirect/302", BODY), (server,))
    assert seen.final_method == "GET" and not seen.body_arrived
    assert seen.changes() == ["302: POST → GET, body dropped"]
    assert seen.header_arrived("Content-Type") and not seen.header_arrived("Content-Length")


def test_a_client_that_does_not_follow_is_refused_with_no_reached_hop(server):
    with HttpxClient(follow_redirects=False) as plain:
        seen = observe(plain, Request("GET", "/redirect/301"), (server,))
    assert seen.verdict == "refused" and seen.reached is None and seen.followed == 0
    assert seen.describe() == "GET /redirect/301 → 301"


def test_a_client_error_is_an_error_and_still_lists_the_hops(server):
    def raises(*_):
        return Outcome(None, "TooManyRedirects", "stopped")
    seen = observe(CallClient("stub", raises), Request("GET", "/redirect/302"), (server,))
    assert seen.verdict == "error" and seen.row(302)["error"] == "TooManyRedirects"


def test_an_observation_row_has_exactly_the_tidy_columns(server, httpx_client):
    seen = observe(httpx_client, Request("GET", "/redirect/303"), (server,))
    assert list(seen.row(303)) == COLUMNS


def test_a_missing_browser_answers_hasattr_and_close_but_refuses_to_browse():
    browser = MissingBrowser("no browser here")
    assert hasattr(browser, "open") and not hasattr(browser, "no_such_thing")
    browser.close()
    with pytest.raises(Exception, match="no browser here"):
        browser.open("http://127.0.0.1/")


def test_run_clients_keeps_the_rows_of_clients_that_ran_when_a_given_one_is_missing(server):
    rows, skipped = run_clients(server, ("httpx", "chromium"),
                                clients={"chromium": MissingBrowser("install chromium")})
    assert set(rows.client) == {"httpx"} and len(rows) == 35
    assert skipped == {"chromium": "install chromium"}
