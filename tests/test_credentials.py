"""Authorization and cookies across origins, from the journal of the server they reach."""

import httpx
import pytest

from labserver import CurlClient, HttpxClient, LabCertificates, RequestsClient, UrllibClient
from labserver.clients import ChromiumClient
from labserver.experiments.credentials import (
    SCENARIOS,
    SECOND_HOST,
    CredentialLab,
    run_credentials,
    run_scenario_matrix,
)


@pytest.fixture(scope="module")
def lab():
    with CredentialLab() as running:
        yield running


def _by_scenario(frame):
    return frame.set_index("scenario")


def test_httpx_keeps_authorization_only_on_the_same_origin(lab):
    with HttpxClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert rows.authorization_arrived.to_dict() == {
        "same-origin": True, "cross-port": False, "cross-host": False,
        "https-downgrade": False, "https-upgrade": False}


def test_requests_strips_authorization_when_the_origin_changes(lab):
    with RequestsClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert not rows.loc["cross-port", "authorization_arrived"]


def test_urllib_sends_authorization_to_every_origin_it_is_redirected_to(lab):
    with UrllibClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert rows.authorization_arrived.all() and rows.cookie_arrived.all()


def test_https_server_is_trusted_only_by_clients_given_the_lab_ca(lab):
    with HttpxClient() as untrusting:
        outcome = untrusting.send("GET", lab.servers["lab-tls"].url + "/echo")
    assert outcome.error == "ConnectError"


def test_a_lab_handed_the_shared_certificates_serves_with_them_and_leaves_them_usable():
    shared = LabCertificates.shared()
    assert LabCertificates.shared() is shared
    for _ in range(2):  # the second lab finds the CA file the first one did not delete
        with CredentialLab(certificates=shared) as lab, HttpxClient(tls=shared) as client:
            assert client.send("GET", lab.servers["lab-tls"].url + "/echo").status == 200


def test_hops_name_servers_instead_of_ports(lab):
    with HttpxClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert rows.loc["https-downgrade", "hops"] == (
        "lab-tls: GET /redirect/302?to=http://lab/echo/jar&set_cookie=yes → 302"
        " | lab: GET /echo/jar → 200")


def test_cross_host_changes_the_host_and_nothing_else(lab):
    lab_server, other_host = lab.pair("cross-host")
    assert (other_host.host, other_host.port, other_host.scheme) == (
        SECOND_HOST, lab_server.port, lab_server.scheme)


def test_a_jar_cookie_follows_httpx_to_another_port_but_not_to_another_host(lab):
    with HttpxClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client, scenarios=["cross-port", "cross-host"]))
    assert rows.jar_cookie_arrived.to_dict() == {"cross-port": True, "cross-host": False}


def test_a_header_of_your_own_follows_requests_to_another_host(lab):
    with RequestsClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client, scenarios=["cross-host"]))
    assert rows.loc["cross-host", "api_key_arrived"]
    assert not rows.loc["cross-host", "authorization_arrived"]


def test_curl_location_trusted_sends_authorization_to_another_host(lab):
    if CurlClient.unavailable_reason() is not None:
        pytest.skip(CurlClient.unavailable_reason())
    with CurlClient(options=("--location-trusted",), tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client, scenarios=["cross-host"]))
    assert client.name == "curl --location-trusted"
    assert rows.loc["cross-host", "authorization_arrived"]


def test_a_redirect_asked_to_set_an_unknown_cookie_answers_400(lab):
    answer = httpx.get(lab.servers["lab"].url + "/redirect/302?set_cookie=please")
    assert answer.status_code == 400 and "set_cookie must be yes" in answer.text


def test_scenario_matrix_has_35_rows_with_authorization_observed(lab):
    with HttpxClient(tls=lab.certificates) as client:
        frame = run_scenario_matrix(lab, client, "same-origin")
    assert len(frame) == 35 and frame.authorization_arrived.all()


def test_unknown_scenario_lists_the_valid_ones(lab):
    with pytest.raises(ValueError, match=", ".join(SCENARIOS)):
        lab.pair("sideways")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_chromium_matrix_reports_the_method_that_reached_the_target_in_every_scenario(
        scenario):
    """A preflighted fetch() through a cross-origin redirect is answered and followed; the
    preflight (an OPTIONS the browser sends by itself) is never taken for the request."""
    if ChromiumClient.unavailable_reason() is not None:
        pytest.skip(ChromiumClient.unavailable_reason())
    with CredentialLab() as lab, ChromiumClient(tls=lab.certificates) as browser:
        frame = run_scenario_matrix(lab, browser, scenario)
    assert (frame["outcome"] == "followed").all(), frame[frame["outcome"] != "followed"]
    assert set(frame["final_method"]) <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                          "OPTIONS"}
    kept = frame[frame["code"].isin([307, 308])]
    assert (kept["final_method"] == kept["method"]).all()
    preflighted = frame[frame["hops"].str.contains("(preflight)", regex=False)]
    assert not preflighted.empty or scenario == "same-origin"
