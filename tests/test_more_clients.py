"""urllib3, aiohttp, Node's fetch() and wget as lab clients (lesson 08): each one's rule,
pinned where it differs from a browser, and each one's Authorization across origins."""

import pytest

from labserver import BODY, CLIENTS, Request, make_client, observe, run_matrix
from labserver.clients import AiohttpClient, NodeFetchClient, WgetClient
from labserver.experiments.credentials import CredentialLab, run_credentials
from labserver.experiments.spec import compare

MORE = ("urllib3", "aiohttp", "node-fetch", "wget")

needs_node = pytest.mark.skipif(NodeFetchClient.unavailable_reason() is not None,
                                reason=str(NodeFetchClient.unavailable_reason()))
needs_wget = pytest.mark.skipif(WgetClient.unavailable_reason() is not None,
                                reason=str(WgetClient.unavailable_reason()))


def _client(name):
    kind = CLIENTS[name]
    reason = getattr(kind, "unavailable_reason", lambda: None)()
    if reason:
        pytest.skip(reason)
    return make_client(name)


@pytest.mark.parametrize("name", MORE)
def test_every_new_client_is_in_the_registry_with_a_cited_rule(name):
    assert name in CLIENTS and CLIENTS[name].rule


@pytest.mark.parametrize("name", ["aiohttp", "node-fetch", "wget"])
def test_aiohttp_node_fetch_and_wget_send_what_a_browser_would_in_all_35_cells(server, name):
    with _client(name) as client:
        verdicts = compare(run_matrix(server, client))
    assert len(verdicts) == 35 and verdicts.matches_fetch.all()


def test_urllib3_keeps_a_post_and_its_body_through_a_302(server):
    with _client("urllib3") as client:
        seen = observe(client, Request("POST", "/redirect/302", BODY), (server,))
    assert seen.arrived == "POST + body"


def test_urllib3_turns_a_head_into_a_get_through_a_303(server):
    with _client("urllib3") as client:
        seen = observe(client, Request("HEAD", "/redirect/303"), (server,))
    assert seen.final_method == "GET"


def test_aiohttp_keeps_content_type_on_the_get_after_a_303(server):
    with AiohttpClient() as client:
        seen = observe(client, Request("POST", "/redirect/303", BODY), (server,))
    assert seen.final_method == "GET" and seen.header_arrived("Content-Type")


def test_aiohttp_stops_at_its_tenth_redirect_with_too_many_redirects(server):
    with AiohttpClient() as client:
        seen = observe(client, Request("GET", "/chain/12"), (server,))
    assert seen.result.error == "TooManyRedirects" and seen.followed == 9


FORWARDS_AUTHORIZATION = {"urllib3": False, "aiohttp": False, "node-fetch": False, "wget": True}
"""After a cross-origin 302: wget sends a --header to every request of the chain."""


@pytest.mark.parametrize("name", MORE)
def test_authorization_after_a_cross_origin_302_is_dropped_except_by_wget(name):
    kind = CLIENTS[name]
    reason = getattr(kind, "unavailable_reason", lambda: None)()
    if reason:
        pytest.skip(reason)
    with CredentialLab() as lab, make_client(name, tls=lab.certificates) as client:
        row = run_credentials(lab, client).set_index("scenario").loc["cross-port"]
    assert bool(row["authorization_arrived"]) is FORWARDS_AUTHORIZATION[name]


@needs_node
def test_node_fetch_reports_a_refused_connection_as_a_type_error():
    with NodeFetchClient() as client:
        outcome = client.send("GET", "http://127.0.0.1:9/")
    assert outcome.error == "TypeError" and outcome.status is None


@needs_wget
def test_wget_reports_a_refused_connection_with_its_exit_status():
    with WgetClient() as client:
        outcome = client.send("GET", "http://127.0.0.1:9/")
    assert outcome.error == "wget exit 4" and "network failure" in (outcome.detail or "")


@pytest.mark.parametrize("name", ["aiohttp", "httpx-async"])
def test_an_async_client_dropped_without_close_closes_its_session_and_its_loop(server, name):
    """A cell run again makes its clients anew: the dropped ones must not leave a thread
    behind, nor print aiohttp's "Unclosed client session" into the next cell."""
    import gc
    import threading
    import warnings

    client = make_client(name)
    assert client.send("GET", server.url + "/echo").status == 200
    loop_thread = client._loop._thread
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    assert not loop_thread.is_alive()
    assert loop_thread not in threading.enumerate()
    assert [str(w.message) for w in caught] == []


def test_a_script_that_leaves_its_async_clients_open_exits_at_once_and_quietly():
    """Python closes them just before it exits, while their loops can still run: waiting
    for a loop's thread during the exit itself would hang, and aiohttp would complain."""
    import subprocess
    import sys

    script = ("import labserver\n"
              "server = labserver.start()\n"
              "clients = [labserver.make_client(n) for n in ('aiohttp', 'httpx-async')]\n"
              "print([c.send('GET', server.url + '/echo').status for c in clients])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[200, 200]\n", "")
