"""Authorization and cookies across origins, from the journal of the server they reach."""

import pytest

from labserver import HttpxClient, RequestsClient, UrllibClient
from labserver.credentials import SCENARIOS, CredentialLab, run_credentials, run_scenario_matrix


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
        "same-origin": True, "cross-origin": False, "https-downgrade": False,
        "https-upgrade": False}


def test_requests_strips_authorization_when_the_origin_changes(lab):
    with RequestsClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert not rows.loc["cross-origin", "authorization_arrived"]


def test_urllib_sends_authorization_to_every_origin_it_is_redirected_to(lab):
    with UrllibClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert rows.authorization_arrived.all() and rows.cookie_arrived.all()


def test_https_server_is_trusted_only_by_clients_given_the_lab_ca(lab):
    with HttpxClient() as untrusting:
        outcome = untrusting.send("GET", lab.servers["lab-tls"].url + "/echo")
    assert outcome.error == "ConnectError"


def test_hops_name_servers_instead_of_ports(lab):
    with HttpxClient(tls=lab.certificates) as client:
        rows = _by_scenario(run_credentials(lab, client))
    assert rows.loc["https-downgrade", "hops"] == (
        "lab-tls: GET /redirect/302?to=http://lab/echo → 302 | lab: GET /echo → 200")


def test_scenario_matrix_has_35_rows_with_authorization_observed(lab):
    with HttpxClient(tls=lab.certificates) as client:
        frame = run_scenario_matrix(lab, client, "same-origin")
    assert len(frame) == 35 and frame.authorization_arrived.all()


def test_unknown_scenario_lists_the_valid_ones(lab):
    with pytest.raises(ValueError, match=", ".join(SCENARIOS)):
        lab.pair("sideways")
