"""The journal as HAR 1.2: valid against the HAR schema, and true to what arrived."""

import httpx
import pytest

from labserver.experiments.trace import har_problems, har_schema_unavailable

needs_schema = pytest.mark.skipif(har_schema_unavailable() is not None,
                                  reason=str(har_schema_unavailable()))


@pytest.fixture
def har(server):
    mark = server.journal.mark()
    httpx.post(server.url + "/redirect/303?set_cookie=yes&x=1", content=b"abc",
               headers={"Cookie": "a=1; b=2", "Content-Type": "text/plain"},
               follow_redirects=True, trust_env=False)
    return server.journal.to_har(mark)


@needs_schema
def test_a_journal_exports_a_valid_har_archive(har):
    assert har_problems(har) == []


@needs_schema
def test_the_har_check_fails_an_archive_that_is_not_valid(har):
    har["log"]["entries"][0]["request"]["headers"] = "not a list"
    assert har_problems(har) == ["data.log.entries[0].request.headers must be array"]


def test_har_entries_carry_each_hop_with_its_url_status_and_redirect(server, har):
    first, second = har["log"]["entries"]
    assert first["request"]["url"] == server.url + "/redirect/303?set_cookie=yes&x=1"
    assert (first["response"]["status"], first["response"]["statusText"]) == (303, "See Other")
    assert first["response"]["redirectURL"] == "/echo"
    assert (second["request"]["method"], second["response"]["status"]) == ("GET", 200)


def test_har_lists_headers_cookies_and_query_as_they_arrived(har):
    request = har["log"]["entries"][0]["request"]
    assert {"name": "Cookie", "value": "a=1; b=2"} in request["headers"]
    assert request["cookies"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]
    assert request["queryString"] == [{"name": "set_cookie", "value": "yes"},
                                      {"name": "x", "value": "1"}]
    stored = har["log"]["entries"][0]["response"]["cookies"]
    assert [c["name"] for c in stored] == ["jar"]


def test_har_says_the_body_was_not_kept_and_gives_its_length_and_hash(har):
    request = har["log"]["entries"][0]["request"]
    assert request["bodySize"] == 3
    assert request["postData"]["mimeType"] == "text/plain"
    assert "ba7816bf" in request["postData"]["comment"]  # sha256("abc")


def test_har_times_are_iso_dates_and_timings_that_add_up(har):
    entry = har["log"]["entries"][0]
    assert entry["startedDateTime"].endswith("Z") and "T" in entry["startedDateTime"]
    assert entry["time"] == sum(entry["timings"].values())
