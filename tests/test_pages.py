"""The pages a browser navigates (/page, /form, /link, /navigate) and the CORS answers of
a lab redirect (?cors=): what the server sends, and the 400s for what it cannot."""

import pytest


def test_navigate_via_http_answers_302_with_location_and_every_other_way_in_the_page(http):
    answer = http.get("/navigate", params={"via": "http,header,meta,script"})
    assert answer.status_code == 302 and answer.reason_phrase == "Found"
    assert answer.headers["Location"] == "/page?by=http"
    assert answer.headers["Refresh"] == "0; url=/page?by=header"
    assert 'http-equiv="refresh" content="0; url=/page?by=meta"' in answer.text
    assert 'location.replace("/page?by=script")' in answer.text


def test_a_300_with_location_and_a_3xx_without_one_can_be_served(http):
    multiple = http.get("/navigate", params={"via": "http", "status": "300"})
    assert multiple.status_code == 300 and multiple.headers["Location"] == "/page?by=http"
    nowhere = http.get("/navigate", params={"status": "302"})
    assert nowhere.status_code == 302 and "Location" not in nowhere.headers
    assert "body of the 302 answer" in nowhere.text


@pytest.mark.parametrize("query", [{"via": "bogus"}, {"via": "http", "status": "200"},
                                   {"status": "404"}, {"status": "²"}, {"via": "meta,"}])
def test_navigate_refuses_what_it_cannot_serve_with_a_400_that_says_why(http, query):
    answer = http.get("/navigate", params=query)
    if query == {"via": "meta,"}:  # an empty item is ignored, not an error
        assert answer.status_code == 200
        return
    assert answer.status_code == 400 and answer.json()["message"]


def test_a_form_can_be_sent_with_get_and_refuses_other_methods(http):
    assert 'method="get" action="/redirect/307"' in http.get("/form/307?method=get").text
    assert http.get("/form/307?method=put").status_code == 400


def test_a_link_page_links_only_to_the_lab(http):
    assert '<a href="/redirect/302">' in http.get("/link", params={"to": "/redirect/302"}).text
    refused = http.get("/link", params={"to": "http://evil.example/"})
    assert refused.status_code == 400 and "refused" in refused.json()["message"]


def test_a_link_target_is_escaped_in_the_page(http):
    page = http.get("/link", params={"to": '/echo?x="><script>'}).text
    assert "<script>" not in page.split("<body>")[1]


def test_a_redirect_allows_any_origin_unless_cors_none(http):
    assert http.get("/redirect/307").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in http.get("/redirect/307?cors=none").headers


def test_a_preflight_is_answered_unless_the_redirect_is_told_to_redirect_it(http):
    asking = {"Access-Control-Request-Method": "PUT", "Origin": "http://127.0.0.1:1"}
    assert http.options("/redirect/307", headers=asking).status_code == 204
    redirected = http.options("/redirect/307?cors=redirect-preflight", headers=asking)
    assert redirected.status_code == 307 and redirected.headers["Location"] == "/echo"


def test_an_unknown_cors_answer_gets_a_400_naming_the_valid_ones(http):
    answer = http.get("/redirect/307?cors=maybe")
    assert answer.status_code == 400 and "redirect-preflight" in answer.json()["message"]
