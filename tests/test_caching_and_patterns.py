"""Caching, framework defaults, operational patterns, the 3xx reference and the guide."""

import httpx
import pytest

from labserver import HttpxClient, LabServer, run_matrix
from labserver.clients import ChromiumClient
from labserver.experiments.caching import cache_reuse
from labserver.experiments.credentials import CredentialLab
from labserver.experiments.observe import watch_all
from labserver.teaching.reference import REFERENCE, check_reference, choose_redirect


def test_an_rfc_9111_cache_reuses_only_301_and_308_on_a_heuristic(server):
    reuse = cache_reuse(server, specs=("heuristic",)).set_index("code")["hishel"]
    assert reuse.to_dict() == {301: 1, 302: 2, 303: 2, 307: 2, 308: 1}


def test_explicit_freshness_makes_a_307_reusable_and_no_store_nothing(server):
    reuse = cache_reuse(server, codes=(307,), specs=("max-age=60", "no-store"))
    assert reuse.set_index("cache")["hishel"].to_dict() == {"max-age=60": 1, "no-store": 2}


@pytest.mark.skipif(ChromiumClient.unavailable_reason() is not None, reason="no browser")
def test_the_browser_keeps_a_308_without_any_caching_header(server):
    with ChromiumClient() as browser:
        reuse = cache_reuse(server, browser, codes=(307, 308), specs=("none",))
    assert reuse.set_index("code")["chromium"].to_dict() == {307: 2, 308: 1}


@pytest.mark.parametrize("spec", ["forever", "max-age=-1", "max-age=99999999999", "expires="])
def test_bad_cache_values_get_400_naming_the_valid_ones(http, spec):
    response = http.get("/redirect/308", params={"cache": spec})
    assert response.status_code == 400 and "max-age=N" in response.json()["message"]


def test_post_redirect_get_shows_the_receipt_with_a_get(server):
    with httpx.Client(base_url=server.url, follow_redirects=True) as client:
        receipt = client.post("/orders", data={"item": "pen"})
    assert receipt.history[0].status_code == 303 and receipt.json()["item"] == "pen"


def test_api_move_code_switches_from_307_to_308(server, http):
    server.app.config["API_MOVE_CODE"] = 308
    try:
        assert http.post("/api/v1/users", json={}).status_code == 308
    finally:
        server.app.config["API_MOVE_CODE"] = 307
    assert http.post("/api/v1/users", json={}).status_code == 307


def test_maintenance_and_failover_keep_the_method(server, monkeypatch):
    with LabServer(name="standby") as standby, httpx.Client(follow_redirects=True) as client:
        server.allow_redirects_to(standby)
        monkeypatch.setitem(server.app.config, "STANDBY", standby.url)
        monkeypatch.setitem(server.app.config, "SERVICE_MODE", "failover")
        failed_over = client.put(server.url + "/service/cart", json={"n": 1})
        server.app.config["SERVICE_MODE"] = "maintenance"
        down = client.put(server.url + "/service/cart", json={"n": 1})
    assert failed_over.json() == {"served": "cart", "method": "PUT"}
    assert down.status_code == 503 and down.headers["Retry-After"] == "120"


def test_load_balancing_alternates_between_instances(server, monkeypatch):
    with LabServer(name="a") as a, LabServer(name="b") as b, httpx.Client(
            follow_redirects=True) as client:
        monkeypatch.setitem(server.app.config, "INSTANCES", [a.url, b.url])
        with watch_all((a, b)) as hops:
            for _ in range(4):
                client.post(server.url + "/balance/x", json={})
    assert [h.server for h in hops] == ["a", "b", "a", "b"]  # in arrival order: round robin


def test_trailing_slash_redirect_keeps_a_post(http):
    response = http.post("/docs", json={"note": 1})
    assert response.status_code == 308
    assert http.post("/docs/", json={}).json()["method"] == "POST"


def test_http_to_https_is_a_308_and_https_answers_with_hsts(server, monkeypatch):
    with CredentialLab() as lab:
        monkeypatch.setitem(server.app.config, "HTTPS_URL", lab.servers["lab-tls"].url)
        with httpx.Client(follow_redirects=True,
                          verify=lab.certificates.client_context()) as client:
            paid = client.post(server.url + "/secure/pay", json={"amount": 5})
    assert paid.history[0].status_code == 308 and paid.json()["over"] == "https"
    assert paid.headers["Strict-Transport-Security"] == "max-age=300"


def test_every_observable_reference_claim_agrees_with_the_lab(server):
    with HttpxClient() as client:
        posts = run_matrix(server, client, methods=("POST",))
    checked = check_reference(posts, cache_reuse(server, specs=("heuristic",)))
    assert len(checked) == 15 and checked.agrees.all()


def test_reference_lists_every_3xx_code():
    assert [row["code"] for row in REFERENCE] == list(range(300, 309))


@pytest.mark.parametrize(("situation", "code"), [
    ({"permanent": False, "keep_method_and_body": False, "answers_a_form_post": True}, 303),
    ({"permanent": True, "keep_method_and_body": True, "answers_a_form_post": True}, 303),
    ({"permanent": True, "keep_method_and_body": True}, 308),
    ({"permanent": False, "keep_method_and_body": True}, 307),
    ({"permanent": True, "keep_method_and_body": False}, 301),
    ({"permanent": False, "keep_method_and_body": False}, 302),
])
def test_choose_redirect_answers_each_situation(situation, code):
    assert choose_redirect(**situation)[0] == code
