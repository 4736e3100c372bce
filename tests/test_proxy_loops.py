"""Behind a TLS-terminating nginx: the https loop, ProxyFix, and the spoofed header."""

import time
from collections.abc import Iterator

import httpx
import pytest

from labserver import LabServer, make_client
from labserver.clients import ChromiumClient
from labserver.experiments.proxy_loops import ProxyLab, address_bar, proxy_loops, spoofed_scheme
from labserver.frameworks.processes import NginxProxy
from labserver.server.behind_proxy import force_https_app

NOTHING = "nginx says nothing, the app sees http"
FIXED = "nginx sends X-Forwarded-Proto, the app uses ProxyFix"

needs_nginx = pytest.mark.skipif(NginxProxy.unavailable_reason() is not None,
                                 reason=str(NginxProxy.unavailable_reason()))


@pytest.fixture(scope="module")
def lab() -> Iterator[ProxyLab]:
    if NginxProxy.unavailable_reason() is not None:
        pytest.skip(str(NginxProxy.unavailable_reason()))
    with ProxyLab() as running:
        yield running


def test_the_force_https_app_sends_plain_http_to_the_same_url_with_https():
    with LabServer(name="app", app=lambda journal: force_https_app(journal)) as app:
        answer = httpx.get(app.url + "/account?x=1", trust_env=False)
        expected = app.url.replace("http://", "https://") + "/account?x=1"
    assert answer.status_code == 301
    assert answer.headers["location"] == expected


def test_the_app_journal_records_the_request_as_it_arrived_not_as_proxyfix_rewrote_it():
    with LabServer(name="app", app=lambda journal: force_https_app(
            journal, trust_forwarded=True)) as app:
        httpx.get(app.url + "/account", headers={"X-Forwarded-Proto": "https"}, trust_env=False)
        (hop,) = app.journal.since(0)
        assert hop.origin == app.url
    assert hop.headers["X-Forwarded-Proto"] == "https"


@needs_nginx
def test_without_x_forwarded_proto_httpx_loops_until_its_limit(lab):
    with make_client("httpx", tls=lab.certificates) as client:
        row = proxy_loops(lab, [client]).loc[(NOTHING, "httpx")]
    assert row["requests at the app"] == 21
    assert row["client ended"] == "TooManyRedirects"


@needs_nginx
def test_proxyfix_believes_nginx_and_the_first_request_is_answered(lab):
    with make_client("curl", tls=lab.certificates) as client:
        row = proxy_loops(lab, [client]).loc[(FIXED, "curl")]
    assert (row["requests at the app"], row["client ended"]) == (1, "200")
    assert row["X-Forwarded-Proto at the app"] == "https"


@needs_nginx
def test_a_client_reaching_the_app_directly_can_claim_https_and_nginx_overwrites_a_claim(lab):
    spoofed = spoofed_scheme(lab)
    assert spoofed.loc["straight to the app, claiming https", "app answered"] == 200
    assert spoofed.loc["through nginx, claiming http", "X-Forwarded-Proto at the app"] == "https"


@needs_nginx
def test_nginx_proxy_serves_the_lab_certificate_to_a_client_that_trusts_the_lab_ca(lab):
    proxy = lab.proxies[FIXED]
    assert proxy.url.startswith("https://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.get(proxy.url + "/account", trust_env=False)


@pytest.mark.skipif(ChromiumClient.unavailable_reason() is not None,
                    reason=str(ChromiumClient.unavailable_reason()))
def test_a_browser_loop_that_ended_in_an_error_sends_nothing_into_the_next_experiment(lab):
    app = lab.app_behind(NOTHING)
    with ChromiumClient(tls=lab.certificates) as browser:
        tab = address_bar(browser)
        ended = tab.send("GET", lab.proxies[NOTHING].url + "/account", body=None, headers=None)
        mark = app.journal.mark()
        time.sleep(1.5)  # long enough for the error page to have loaded itself again
        assert app.settle()
        later = app.journal.since(mark)
    assert ended.error == "net::ERR_TOO_MANY_REDIRECTS"
    assert later == []
