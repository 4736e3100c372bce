"""Each client adapter against the lab server: what it follows, what it refuses, its errors."""

import socket

import pytest

from labserver import CLIENTS, CurlClient, HttpxClient, RequestsClient, UrllibClient, make_client
from labserver.clients import (
    BROWSERS,
    ChromiumClient,
    ClientUnavailable,
    FirefoxClient,
    HttpxAsyncClient,
    MissingBrowser,
    open_browser,
)
from labserver.clients.curl import curl_command
from labserver.experiments.matrix import Experiment, run_experiment, run_form_posts

needs_curl = pytest.mark.skipif(CurlClient.unavailable_reason() is not None,
                                reason=str(CurlClient.unavailable_reason()))

PYTHON_CLIENTS = [HttpxClient, HttpxAsyncClient, RequestsClient, UrllibClient]


@pytest.fixture
def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/redirect/307"


def _run(server, client, code, method):
    return run_experiment(server, client, Experiment(code, method))


@pytest.mark.parametrize("adapter", PYTHON_CLIENTS, ids=lambda a: a.name)
def test_every_python_client_follows_a_get_through_a_302(server, adapter):
    with adapter() as client:
        row = _run(server, client, 302, "GET")
    assert row["outcome"] == "followed" and row["final_method"] == "GET"


@pytest.mark.parametrize("adapter", [HttpxClient, HttpxAsyncClient, RequestsClient],
                         ids=lambda a: a.name)
def test_307_keeps_the_body_of_a_put(server, adapter):
    with adapter() as client:
        row = _run(server, client, 307, "PUT")
    assert row["final_method"] == "PUT" and row["body_arrived"]


@pytest.mark.parametrize("adapter", PYTHON_CLIENTS, ids=lambda a: a.name)
def test_a_refused_connection_is_reported_as_an_error_by_name(adapter, closed_port_url):
    with adapter() as client:
        outcome = client.send("GET", closed_port_url)
    assert outcome.status is None and outcome.error


def test_requests_removes_content_type_when_a_post_becomes_a_get(server):
    with RequestsClient() as client:
        row = _run(server, client, 303, "POST")
    assert row["final_method"] == "GET" and not row["content_type_arrived"]


def test_httpx_keeps_content_type_when_a_post_becomes_a_get(server):
    with HttpxClient() as client:
        row = _run(server, client, 303, "POST")
    assert row["final_method"] == "GET" and row["content_type_arrived"]


def test_urllib_refuses_a_post_through_a_307(server):
    with UrllibClient() as client:
        row = _run(server, client, 307, "POST")
    assert row["outcome"] == "refused" and row["final_status"] == 307 and row["hop_count"] == 1


def test_urllib_refuses_a_put_through_a_302(server):
    with UrllibClient() as client:
        assert _run(server, client, 302, "PUT")["outcome"] == "refused"


def test_httpx_async_works_while_an_event_loop_runs_in_this_thread(server):
    import asyncio

    async def inside_a_loop():
        with HttpxAsyncClient() as client:
            return _run(server, client, 308, "POST")

    assert asyncio.run(inside_a_loop())["final_method"] == "POST"


def test_make_client_names_the_valid_clients():
    names = ["httpx", "httpx-async", "requests", "urllib", "urllib3", "aiohttp", "curl", "wget",
             "node-fetch", "chromium", "firefox"]
    with pytest.raises(ValueError, match=", ".join(names)):
        make_client("netscape")
    assert list(CLIENTS) == names


def test_curl_is_typed_as_a_person_types_it():
    post = curl_command("curl", "POST", "URL", b"{}", {"Content-Type": "application/json"})
    assert "--data-binary" in post and "--request" not in post and "--location" in post
    assert curl_command("curl", "HEAD", "URL", None, None)[-2:] == ["--head", "URL"]
    assert curl_command("curl", "PUT", "URL", b"{}", None)[-3:] == ["--request", "PUT", "URL"]
    upload = curl_command("curl -T", "PUT", "URL", b"{}", None, "b.json")
    assert upload[-3:] == ["--upload-file", "b.json", "URL"]
    assert "--location" not in curl_command("curl without -L", "GET", "URL", None, None)


def test_unknown_curl_variant_lists_the_variants():
    with pytest.raises(ValueError, match="curl --post30x"):
        CurlClient("curl --post999")


@needs_curl
def test_curl_turns_a_302_post_into_a_get(server):
    with CurlClient() as client:
        assert _run(server, client, 302, "POST")["final_method"] == "GET"


@needs_curl
def test_curl_post30x_keeps_a_302_post(server):
    with CurlClient("curl --post30x") as client:
        row = _run(server, client, 302, "POST")
    assert row["final_method"] == "POST" and row["body_arrived"]


@needs_curl
def test_curl_with_x_keeps_its_method_even_after_a_303(server):
    with CurlClient() as client:
        assert _run(server, client, 303, "PUT")["final_method"] == "PUT"


@needs_curl
def test_curl_upload_keeps_a_307_put_body(server):
    with CurlClient("curl -T") as client:
        row = _run(server, client, 307, "PUT")
    assert row["final_method"] == "PUT" and row["body_arrived"]


@needs_curl
def test_curl_without_location_does_not_follow(server):
    with CurlClient("curl without -L") as client:
        row = _run(server, client, 307, "GET")
    assert row["outcome"] == "refused" and row["final_status"] == 307


@needs_curl
def test_curl_reports_a_refused_connection_by_exit_code(closed_port_url):
    with CurlClient() as client:
        outcome = client.send("GET", closed_port_url)
    assert outcome.error == "curl exit 7"


def test_a_missing_program_is_a_clear_unavailable_error(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ClientUnavailable, match="curl is not installed"):
        CurlClient()


def test_browser_fetch_keeps_a_302_put_as_fetch_says(server, browser):
    row = _run(server, browser, 302, "PUT")
    assert row["final_method"] == "PUT" and row["body_arrived"]


def test_browser_fetch_turns_a_302_post_into_a_get_without_content_type(server, browser):
    row = _run(server, browser, 302, "POST")
    assert row["final_method"] == "GET" and not row["content_type_arrived"]


def test_browser_fetch_reports_a_network_error_by_name(server, browser, closed_port_url):
    browser.prepare(server.url)
    outcome = browser.send("GET", closed_port_url)
    assert outcome.status is None and outcome.error == "TypeError"


def test_browser_form_post_through_303_arrives_as_get_and_307_as_post(server, browser):
    rows = run_form_posts(server, browser, codes=(303, 307)).set_index("code")
    assert rows.loc[303, "final_method"] == "GET"
    assert rows.loc[307, "final_method"] == "POST" and rows.loc[307, "body_arrived"]


@pytest.mark.skipif(ChromiumClient.unavailable_reason() is not None, reason="no browser")
def test_the_network_log_marks_a_cached_308_as_from_the_disk_cache(server):
    url = server.url + "/redirect/308?cache=none&to=/echo?seen=network-log"
    with ChromiumClient() as browser:
        first, second = browser.network_log(url), browser.network_log(url)
    assert [(r.status, r.came_from) for r in first] == [(308, "network"), (200, "network")]
    assert [(r.status, r.came_from) for r in second] == [(308, "disk cache"), (200, "network")]
    assert second[0].location == "/echo?seen=network-log"


def test_fetch_in_follow_mode_says_it_was_redirected_and_where_it_landed(server, browser):
    answer = browser.fetch(server.url + "/redirect/302", redirect="follow")
    assert (answer.type, answer.status, answer.redirected) == ("basic", 200, True)
    assert answer.url == server.url + "/echo"


def test_fetch_in_manual_mode_hands_back_an_opaque_redirect_with_nothing_readable(
        server, browser):
    url = server.url + "/redirect/307"
    with server.journal.watch() as hops:
        answer = browser.fetch(url, redirect="manual")
    assert (answer.type, answer.status, answer.headers, answer.url) == ("opaqueredirect", 0, 0, url)
    assert [hop.path for hop in hops] == ["/redirect/307"]  # the target was never asked


def test_fetch_in_error_mode_rejects_with_a_type_error_after_one_request(server, browser):
    with server.journal.watch() as hops:
        answer = browser.fetch(server.url + "/redirect/301", redirect="error")
    assert answer.error == "TypeError" and answer.status is None
    assert len(hops) == 1


def test_fetch_refuses_a_redirect_mode_fetch_does_not_have(server, browser):
    with pytest.raises(ValueError, match="follow, manual, error"):
        browser.fetch(server.url + "/echo", redirect="ignore")


def test_a_browser_reports_its_version(browser):
    assert browser.version[:1].isdigit()


def test_firefox_without_its_driver_package_says_to_run_setup(monkeypatch, tmp_path):
    monkeypatch.setattr("labserver.clients.node.NODE_DIR", tmp_path)
    assert "python -m labserver setup" in str(FirefoxClient.unavailable_reason())


def test_firefox_without_node_says_to_install_node(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert "Node.js is not installed" in str(FirefoxClient.unavailable_reason())


def test_a_missing_browser_names_its_engine_and_says_why_on_use(monkeypatch):
    monkeypatch.setattr(FirefoxClient, "unavailable_reason", classmethod(lambda cls: "no Firefox"))
    stand_in = open_browser("firefox")
    assert isinstance(stand_in, MissingBrowser) and stand_in.name == "firefox"
    with pytest.raises(ClientUnavailable, match="no Firefox"):
        stand_in.fetch("http://127.0.0.1:1/")
    stand_in.close()  # closing what never started is harmless


def test_open_browser_names_the_engines_it_knows():
    with pytest.raises(ValueError, match="chromium, firefox"):
        open_browser("netscape")


@pytest.mark.parametrize("engine", list(BROWSERS))
def test_opening_a_browser_again_hands_back_the_running_one_without_its_cache(server, engine):
    if BROWSERS[engine].unavailable_reason() is not None:
        pytest.skip(BROWSERS[engine].unavailable_reason())
    url = server.url + f"/redirect/301?cache=max-age=60&to=/echo?seen=reopened-{engine}"
    first = open_browser(engine)
    try:
        first.open(url)
        with server.journal.watch() as cached:
            first.open(url)  # the 301 comes from the cache: only /echo is asked
        again = open_browser(engine)
        with server.journal.watch() as fresh:
            again.open(url)
    finally:
        first.close()
    assert again is first
    assert [h.path for h in cached] == ["/echo"]
    assert [h.path for h in fresh] == ["/redirect/301", "/echo"]
    started = open_browser(engine)  # the last one was closed: a new one starts
    started.close()
    assert started is not first


@pytest.mark.skipif(FirefoxClient.unavailable_reason() is not None,
                    reason=str(FirefoxClient.unavailable_reason()))
def test_firefox_starts_in_a_copy_of_a_kept_profile_and_deletes_the_copy(
        server, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the driver keeps its profiles

    def profiles():
        return sorted("template" if p.name.startswith("redirect-lab-firefox-profile-")
                      else "copy" if p.name.startswith("redirect-lab-firefox-") else p.name
                      for p in tmp_path.iterdir())

    url = server.url + "/redirect/301?cache=max-age=60&to=/echo?seen=profile-copy"
    seen = []
    for _ in range(2):
        browser = FirefoxClient()
        try:
            in_use = profiles()
            with server.journal.watch() as hops:
                browser.open(url)  # the first browser's cached 301 is not in the copy
            seen.append([h.path for h in hops])
        finally:
            browser.close()
        assert in_use == ["copy", "template"]
        assert profiles() == ["template"]
    assert seen == [["/redirect/301", "/echo"]] * 2
