"""What each engine does as a tab (navigations, page redirects) and with the headers it
adds across hops (Origin, Referer, CORS): lessons 11 and 12, pinned per engine."""

import pytest

from labserver import LabServer
from labserver.experiments.browsers import (
    cors_through_redirects,
    origins_across_hops,
    referers_across_hops,
)
from labserver.experiments.caching import cache_reuse
from labserver.experiments.navigation import _may_send_on, navigations, page_redirects
from labserver.server.entry import Entry


@pytest.fixture(scope="module")
def servers(server):
    with LabServer(name="other") as other:
        server.allow_redirects_to(other)
        other.allow_redirects_to(server)
        yield {"lab": server, "other": other}


def test_a_form_post_through_307_arrives_as_the_same_post_and_through_303_as_a_get(
        server, browser):
    rows = navigations(server, {browser.name: browser}, codes=(303, 307),
                       how=("form POST",)).set_index("code")
    assert rows.loc[307, "arrived"] == "POST + body"
    assert rows.loc[303, "arrived"] == "GET, body dropped"


def test_a_link_through_a_308_arrives_as_a_get_and_the_tab_shows_the_target(server, browser):
    row = navigations(server, {browser.name: browser}, codes=(308,), how=("link",)).iloc[0]
    assert row["arrived"] == "GET" and row["tab shows"] == "/echo"


def test_an_http_redirect_wins_over_refresh_meta_and_script(server, browser):
    row = page_redirects(server, {browser.name: browser},
                         ("/navigate?via=http,header,meta,script",)).iloc[0]
    assert row["sent on by"] == "http"


@pytest.mark.parametrize("via", ["header", "meta", "script"])
def test_each_page_redirect_works_alone(server, browser, via):
    row = page_redirects(server, {browser.name: browser}, (f"/navigate?via={via}",)).iloc[0]
    assert row["sent on by"] == via


def test_a_script_moves_the_tab_before_a_meta_refresh(server, browser):
    row = page_redirects(server, {browser.name: browser}, ("/navigate?via=meta,script",)).iloc[0]
    assert row["sent on by"] == "script"


def test_a_navigation_reports_the_status_of_the_page_it_landed_on(server, browser):
    # Firefox's driver reads it from the page's Navigation Timing entry, as it does not
    # subscribe to the browser's network events; Chromium's from Playwright's response.
    assert browser.open(server.url + "/redirect/302?to=/no-such-page").status == 404
    assert browser.open(server.url + "/navigate?via=http&status=300").status == 300
    assert browser.reload().status == 300
    browser.open(server.url + "/form/307")
    assert browser.submit_form().status == 200


def test_pressing_submit_on_a_page_without_a_form_says_nothing_there_matches(server, browser):
    browser.open(server.url + "/echo")
    with pytest.raises(Exception, match=r"no element of the page matches button\[type=submit\]"):
        browser.submit_form()


def test_a_300_with_a_location_is_not_followed_and_its_body_is_shown(server, browser):
    row = page_redirects(server, {browser.name: browser},
                         ("/navigate?via=http&status=300",)).iloc[0]
    assert row["sent on by"] == "(stayed)" and "body of the 300" in row["tab shows"]


def test_a_post_sent_to_another_origin_and_back_home_arrives_with_origin_null(
        servers, browser):
    rows = origins_across_hops(servers, {browser.name: browser}).set_index("route")
    assert rows.loc["other origin, then same", "Origin at the target"] == "null"
    assert rows.loc["same origin, then other", "Origin at the target"] == "http://lab"
    assert rows.loc["other origin, then other", "Origin at the target"] == "http://lab"


def test_the_referrer_policy_of_a_redirect_governs_the_next_hops_referer(servers, browser):
    rows = referers_across_hops(servers, {browser.name: browser},
                                ("", "no-referrer", "unsafe-url")).set_index(
        "Referrer-Policy of the 302")
    assert rows["Referer at the 302"].eq("http://lab/page").all()
    assert rows["Referer at the target"].to_dict() == {
        "(none)": "http://lab/", "no-referrer": "(none)", "unsafe-url": "http://lab/page"}


def test_a_preflighted_put_is_preflighted_at_each_url_of_a_307(servers, browser):
    row = cors_through_redirects(servers, {browser.name: browser},
                                 (("preflighted PUT", 307, "allow"),)).iloc[0]
    assert row["preflights"] == 2 and row["arrived"] == "PUT + body"


def test_a_redirect_without_allow_origin_fails_fetch_after_the_server_answered(
        servers, browser):
    row = cors_through_redirects(servers, {browser.name: browser},
                                 (("simple GET", 307, "none"),)).iloc[0]
    assert row["script read"] == "TypeError"
    assert row["server saw"] == "other: GET /redirect/307?cors=none → 307"


def test_a_redirected_preflight_fails_and_the_request_is_never_sent(servers, browser):
    row = cors_through_redirects(servers, {browser.name: browser},
                                 (("preflighted PUT", 307, "redirect-preflight"),)).iloc[0]
    assert row["script read"] == "TypeError"
    assert row["server saw"].startswith("other: OPTIONS (preflight)") and "PUT" not in row[
        "server saw"]


PREFLIGHTS_THROUGH_303 = {"chromium": 1, "firefox": 2}
"""Fetch calls for one (the GET after the 303 is simple); Firefox asks again before it."""


def test_the_engines_part_on_the_preflights_of_a_put_through_a_303(servers, browser):
    row = cors_through_redirects(servers, {browser.name: browser},
                                 (("preflighted PUT", 303, "allow"),)).iloc[0]
    assert row["preflights"] == PREFLIGHTS_THROUGH_303[browser.name]
    assert row["arrived"] == "GET, body dropped"


KEEPS_A_BARE_308 = {"chromium": 1, "firefox": 2}
"""Requests that reached a 308 sent without caching headers, of two visits: Chromium
keeps it (fresh for ever), Firefox asks again."""


def test_whether_a_308_without_caching_headers_is_kept_depends_on_the_engine(server, browser):
    reuse = cache_reuse(server, browser, codes=(308,), specs=("none",))
    assert reuse.loc[0, browser.name] == KEEPS_A_BARE_308[browser.name]


@pytest.mark.parametrize(("target", "may"), [
    ("/navigate?via=meta", True), ("/navigate?via=http,script&status=302", True),
    ("/navigate?via=header", True), ("/navigate?via=http&status=300", False),
    ("/navigate?status=302", False), ("/page?by=meta", False), ("/echo?via=meta", False),
])
def test_only_a_navigate_page_naming_a_way_besides_http_may_send_the_tab_on(target, may):
    path, _, query = target.partition("?")
    hop = Entry(seq=1, server="lab", method="GET", path=path, query=query, status=200,
                location=None, body_length=0, body_sha256=None, content_type=None)
    assert _may_send_on(hop) is may
