"""The experiment runner reads its verdicts from the journal, for any client."""

import pytest

from labserver import CODES, METHODS, Client, HttpxClient, run_matrix
from labserver.clients import Outcome
from labserver.experiments.matrix import Experiment, run_experiment
from labserver.vocabulary import BODY_METHODS


@pytest.fixture(scope="module")
def httpx_matrix(server):
    with HttpxClient() as client:
        return run_matrix(server, client)


def _row(frame, code, method):
    return frame[(frame.code == code) & (frame.method == method)].iloc[0]


def test_matrix_has_one_row_per_code_and_method(httpx_matrix):
    assert len(httpx_matrix) == len(CODES) * len(METHODS) == 35
    assert set(zip(httpx_matrix.code, httpx_matrix.method)) == {(c, m) for c in CODES
                                                                for m in METHODS}


def test_body_is_sent_only_with_methods_that_carry_one(httpx_matrix):
    assert set(httpx_matrix[httpx_matrix.body_sent].method) == set(BODY_METHODS)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
@pytest.mark.parametrize("code", [307, 308])
def test_307_and_308_keep_the_method_and_the_body(httpx_matrix, code, method):
    row = _row(httpx_matrix, code, method)
    assert row.final_method == method and row.body_arrived and row.outcome == "followed"


def test_303_turns_a_post_into_a_get_without_its_body(httpx_matrix):
    row = _row(httpx_matrix, 303, "POST")
    assert row.final_method == "GET" and not row.body_arrived
    assert row.hops == "POST /redirect/303 → 303 | GET /echo → 200"


def test_httpx_turns_a_302_put_into_a_get(httpx_matrix):
    assert _row(httpx_matrix, 302, "PUT").final_method == "GET"


def test_httpx_keeps_a_301_put(httpx_matrix):
    assert _row(httpx_matrix, 301, "PUT").final_method == "PUT"


def test_a_client_that_stops_at_the_redirect_is_refused(server):
    with HttpxClient(follow_redirects=False) as client:
        row = run_experiment(server, client, Experiment(307, "POST"))
    assert row["outcome"] == "refused" and row["final_method"] == "" and row["hop_count"] == 1
    assert row["final_status"] == 307


class _Exploding(Client):
    name = "exploding"

    def send(self, method, url, *, body=None, headers=None):
        return Outcome(status=None, error="ConnectError", detail="boom")


def test_a_client_error_is_reported_by_name(server):
    row = run_experiment(server, _Exploding(), Experiment(302, "GET"))
    assert row["outcome"] == "error" and row["error"] == "ConnectError"


def test_experiment_to_a_custom_target_goes_through_to(server):
    with HttpxClient() as client:
        row = run_experiment(server, client, Experiment(308, "PUT", target="/echo?v=2"))
    assert row["hops"] == "PUT /redirect/308?to=/echo?v=2 → 308 | PUT /echo?v=2 → 200"


def test_each_method_through_a_307_then_a_302_lets_the_last_hop_decide(server):
    from labserver import HttpxClient, each_method

    with HttpxClient() as client:
        seen = each_method(server, client, "/redirect/307?to=/redirect/302")
    assert {m: s.arrived for m, s in seen.items()} == {
        "GET": "GET", "HEAD": "HEAD", "POST": "GET, body dropped", "PUT": "GET, body dropped",
        "PATCH": "GET, body dropped", "DELETE": "GET", "OPTIONS": "GET"}
    assert seen["PUT"].changes() == ["307: PUT → PUT", "302: PUT → GET, body dropped"]
