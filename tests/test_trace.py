"""trace(): any URL, hop by hop, for each client, seen by the recording proxy."""


import pytest

from labserver.clients import PROXY_CLIENTS
from labserver.experiments.trace import TRACE_CLIENTS, har_problems, har_schema_unavailable, trace


def test_every_client_follows_a_chain_of_two_and_the_trace_shows_each_hop(server):
    traced = trace(server.url + "/chain/2", servers=(server,))
    table = traced.table()
    assert list(table.index) == [c for c in TRACE_CLIENTS if c not in traced.skipped]
    assert set(table["redirects"]) == {2}
    assert set(table["final_status"]) == {200}
    assert set(table["hops"]) == {"lab: GET /chain/2 → 302 | lab: GET /chain/1?code=302 → 302"
                                  " | lab: GET /echo → 200"}


def test_a_trace_agrees_with_the_lab_servers_own_journal(server):
    mark = server.journal.mark()
    traced = trace(server.url + "/redirect/308", ("httpx",), method="PUT", body=b"{}")
    arrived = server.journal.since(mark)
    assert [(h.method, h.target, h.body_sha256) for h in traced.hops("httpx")] == \
        [(h.method, h.target, h.body_sha256) for h in arrived]


def test_a_trace_follows_a_redirect_to_https_through_the_tunnel(server, secure, tls):
    server.allowed_origins.add(secure.origin)
    traced = trace(f"{server.url}/redirect/302?to={secure.url}/echo", ("requests", "curl"),
                   method="POST", body=b"x", servers=(server, secure), tls=tls)
    for client in ("requests", "curl"):
        hops = traced.hops(client)
        assert [(h.server, h.method) for h in hops] == [("lab", "POST"), ("secure", "GET")]
    assert "secure: GET /echo → 200" in traced.table().loc["curl", "hops"]


@pytest.mark.skipif(har_schema_unavailable() is not None, reason=str(har_schema_unavailable()))
def test_a_trace_exports_every_clients_hops_as_one_valid_har(server):
    traced = trace(server.url + "/chain/1", ("httpx", "urllib3"))
    har = traced.to_har()
    assert har_problems(har) == []
    assert len(har["log"]["entries"]) == 4


def test_trace_names_the_clients_it_can_send_through_its_proxy():
    with pytest.raises(ValueError, match="not firefox"):
        trace("http://127.0.0.1:1/", ("httpx", "firefox"))
    assert set(TRACE_CLIENTS) <= set(PROXY_CLIENTS)


def test_asking_for_a_client_that_was_not_traced_says_which_were(server):
    traced = trace(server.url + "/echo", ("httpx",))
    with pytest.raises(ValueError, match="these were: httpx"):
        traced.hops("curl")
