"""Probes beyond the method matrix: limits, body headers, one-shot bodies, landings."""

import pytest

from labserver import CurlClient, HttpxClient, LabServer, RequestsClient, UrllibClient
from labserver.experiments import probes
from labserver.server.targets import TRICKY_TARGETS, visible


def test_httpx_follows_twenty_redirects_then_raises(server):
    with HttpxClient() as client:
        limits = probes.redirect_limits(server, client).set_index("redirects")
    assert limits.loc["chain", "followed"] == 20
    assert limits.loc["chain", "stopped with"] == "TooManyRedirects"


def test_urllib_notices_a_loop_before_its_redirect_limit(server):
    with UrllibClient() as client:
        limits = probes.redirect_limits(server, client).set_index("redirects")
    assert limits.loc["loop", "followed"] < limits.loc["chain", "followed"] == 10


def test_requests_removes_content_type_but_keeps_content_language_after_303(server):
    with RequestsClient() as client:
        row = probes.body_headers_after_get(server, client).iloc[0]
    assert row["Content-Type"] == "removed" and row["Content-Language"] == "kept"
    assert row["method at target"] == "GET"


@pytest.mark.skipif(CurlClient.unavailable_reason() is not None, reason="curl is not installed")
def test_only_rewindable_bodies_arrive_again_after_a_307(server):
    table = probes.unreplayable_bodies(server).set_index(["client", "body"])
    assert table.loc[("requests", "open file"), "target got"] == "POST, 37 bytes"
    assert table.loc[("httpx", "generator"), "target got"] == "no complete request"
    assert table.loc[("requests", "generator"), "target got"] == "POST, 0 bytes"
    assert table.loc[("httpx", "generator"), "outcome"] == "StreamConsumed"
    assert table.loc[("curl", "standard input"), "outcome"] == "curl exit 65"


def test_one_shot_failures_do_not_leak_into_the_next_experiment(server):
    probes.unreplayable_bodies(server)
    mark = server.journal.mark()
    with HttpxClient() as client:
        probes.follow(server, client, "/echo")
    assert [h.path for h in server.journal.since(mark)] == ["/echo"]


def test_open_redirect_lands_on_the_other_server(server):
    with LabServer(name="attacker") as attacker, HttpxClient() as client:
        row = probes.follow(server, client, f"/open-redirect?next={attacker.url}/echo",
                            others=(attacker,))
    assert row["landed"] == "attacker: /echo"
    assert "http://attacker/echo" in row["hops"]


def test_judge_and_live_server_agree_on_every_tricky_target(server):
    verdicts = probes.judge_targets()
    answers = probes.lab_answers(server)
    assert list(verdicts.index) == [visible(t) for t in TRICKY_TARGETS]
    for target in verdicts.index:
        expected = 302 if verdicts.loc[target, "verdict"] == "allowed" else 400
        assert answers.loc[target, "status"] == expected


def test_landings_give_one_row_per_named_case(server):
    with HttpxClient() as client:
        frame = probes.landings(server, client, {"relative": "/redirect/302?to=../echo",
                                          "bare name": "/redirect/302?to=echo"})
    assert frame.set_index("case")["landed"].to_dict() == {"relative": "/echo",
                                                           "bare name": "/redirect/echo"}


@pytest.mark.skipif(CurlClient.unavailable_reason() is not None, reason="curl is not installed")
def test_a_302_spares_httpx_and_requests_the_replay_but_not_curl_with_x_post(server):
    table = probes.unreplayable_bodies(server, code=302).set_index(["client", "body"])
    assert set(table.loc[["httpx", "requests"], "target got"]) == {"GET, 0 bytes"}
    assert table.loc[("curl", "file"), "target got"] == "POST, 37 bytes"
    assert table.loc[("curl", "standard input"), "target got"] == "no complete request"


@pytest.mark.skipif(CurlClient.unavailable_reason() is not None, reason="curl is not installed")
def test_curl_verbose_shows_each_hop_without_ports_dates_or_versions(server):
    trace = probes.curl_verbose(server, "curl -X POST", "POST", "/redirect/302?to=/redirect/307",
                                b"{}")
    lines = trace.splitlines()
    assert [line for line in lines if line.startswith("> ") and " HTTP/" in line] == [
        "> POST /redirect/302?to=/redirect/307 HTTP/1.1", "> POST /redirect/307 HTTP/1.1",
        "> POST /echo HTTP/1.1"]
    assert "< Location: /redirect/307" in lines and "* Switch from POST to GET" in lines
    assert str(server.port) not in trace and "Date" not in trace and "curl/" not in trace
    assert "http://lab/echo" in trace
