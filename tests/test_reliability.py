"""The lab server under load, under churn and under fuzzing."""

import gc
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rawhttp import exchange, locations, status_and_body

from labserver import CODES, METHODS, LabServer
from labserver.server import MAX_BODY_BYTES


def test_a_thousand_concurrent_requests_are_each_journaled_once_in_order(server):
    mark = server.journal.mark()
    start = threading.Barrier(50)

    def worker(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            start.wait()
            for i in range(20):
                assert client.get("/echo", params={"id": f"{n}-{i}"}).status_code == 200

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(worker, range(50)))
    entries = server.journal.since(mark)
    assert sorted(e.query for e in entries) == sorted(
        f"id={n}-{i}" for n in range(50) for i in range(20))
    assert [e.seq for e in entries] == list(range(mark + 1, mark + 1001))


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _lab_threads() -> list[str]:
    """The threads the lab itself started (serving loops and connections are named so)."""
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("labserver"))


def test_a_hundred_start_stop_cycles_leak_no_threads_or_file_descriptors():
    with httpx.Client(timeout=5) as warmup:
        with LabServer() as server:
            warmup.get(server.url + "/echo")
    gc.collect()
    threads, fds = _lab_threads(), _open_fds()
    # one client that keeps no connection, so every fd left open would be the server's
    with httpx.Client(timeout=5, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for _ in range(100):
            with LabServer() as server:
                assert client.get(server.url + "/echo").status_code == 200
    gc.collect()
    assert _lab_threads() == threads  # other libraries' threads come and go on their own
    assert _open_fds() == fds


_unicode_digits = st.sampled_from(["²", "①", "٣", "５", "߁", "𝟕", "३०७", "3²"])
_text = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
                  _unicode_digits)
_segment = _text.map(lambda s: quote(s, safe=""))
_header_value = st.from_regex(r"[!-~]([ -~]{0,38}[!-~])?", fullmatch=True)
_paths = st.one_of(
    st.builds(lambda c: f"/redirect/{c}", st.one_of(st.sampled_from(CODES), st.integers(),
                                                   _segment)),
    st.builds(lambda s: f"/chain/{s}", st.one_of(st.integers(-5, 500), _segment)),
    st.builds(lambda s: f"/no-location/{s}", _segment),
    st.builds(lambda s: f"/form/{s}", _segment),
    st.builds(lambda s: f"/api/v1/{s}", _segment),
    st.sampled_from(["/echo", "/loop", "/journal", "/", "/two-locations", "/orders",
                     "/no-location/307", "/api/v1/users", "/service/x", "/balance/x",
                     "/canonical/x", "/secure/x", "/docs", "/form/303", "/page"]),
    st.builds(lambda s: "/" + s, _segment),
)


@pytest.fixture(scope="module")
def fuzz_client(server):
    with httpx.Client(base_url=server.url, timeout=5) as client:
        yield client


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=_paths, method=st.sampled_from(METHODS + ("TRACE", "PROPFIND")),
       to=st.one_of(st.none(), _text, st.sampled_from([
           "//evil.example", "/\\evil.example", "https:evil.example", "/%2F%2Fx", "../echo"])),
       cache=st.one_of(st.none(), _text, st.builds(lambda d: f"max-age={d}", _unicode_digits)),
       code=st.one_of(st.none(), _text),
       since=st.one_of(st.none(), _text),
       headers=st.dictionaries(st.from_regex(r"X-[A-Za-z]{1,10}", fullmatch=True),
                               _header_value, max_size=5),
       body=st.one_of(st.none(), st.binary(max_size=2048)))
def test_fuzzed_requests_get_a_2xx_3xx_or_4xx_and_never_a_location_off_the_server(
        fuzz_client, path, method, to, cache, code, since, headers, body):
    params = {k: v for k, v in (("to", to), ("cache", cache), ("code", code),
                                ("since", since)) if v is not None}
    response = fuzz_client.request(method, path, params=params, headers=headers,
                                   content=None if method in ("GET", "HEAD") else body)
    if urlsplit(path).path == "/maintenance":
        return
    assert 200 <= response.status_code < 500, (path, response.status_code, response.text)
    location = response.headers.get("Location")
    if location:
        assert urlsplit(location).hostname in (None, "127.0.0.1", "localhost"), location


def test_the_open_redirect_is_the_one_endpoint_that_leaves(http):
    """The fuzz test's one exception, on purpose (lesson 21)."""
    response = http.get("/open-redirect", params={"next": "https://evil.example/"})
    assert urlsplit(response.headers["Location"]).hostname == "evil.example"


_FUZZ_BUDGET = int(os.environ.get("REDIRECT_LAB_FUZZ_EXAMPLES", "60"))
"""Examples per raw-input fuzz test: a few seconds in the suite; benchmarks/run.py
runs a longer fuzz by raising it."""

_raw_settings = settings(max_examples=_FUZZ_BUDGET, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@_raw_settings
@given(line=st.one_of(
    st.binary(min_size=1, max_size=80).filter(lambda b: b"\n" not in b and b"\r" not in b),
    st.builds(lambda m, t, v: f"{m} {t} {v}".encode(),
              st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=8),
              st.text(st.characters(codec="utf-8", exclude_characters="\r\n "), max_size=20),
              st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/1.1 x", "", "http/1.1"])),
))
def test_fuzzed_request_lines_get_a_status_line_and_valid_json_never_a_500(server, line):
    status, body = status_and_body(exchange(server, line + b"\r\nHost: x\r\n"
                                                   b"Connection: close\r\n\r\n"))
    assert status != 500 and status < 600
    if status >= 400:
        json.loads(body)


@_raw_settings
@given(host=st.one_of(st.sampled_from(["evil.example", "evil.example:1234", "[::1]:1", "",
                                       "localhost:1", "a,b", "127.0.0.2"]),
                      st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=20)),
       path=st.sampled_from(["/docs", "/canonical/x", "/redirect/302", "/secure/x",
                             "/api/v1/users", "/chain/2", "/loop", "/orders"]),
       absolute=st.booleans(), twice=st.booleans())
def test_no_host_header_or_absolute_form_line_moves_a_location_off_loopback(
        server, host, path, absolute, twice):
    target = f"http://{host}{path}" if absolute and host else path
    hosts = f"Host: {host}\r\n" * (2 if twice else 1)
    answer = exchange(server, f"GET {target} HTTP/1.1\r\n{hosts}Connection: close\r\n\r\n"
                       .encode("latin-1"))
    status, _ = status_and_body(answer)
    assert status != 500
    for location in locations(answer):
        parts = urlsplit(location)
        assert parts.hostname in (None, "127.0.0.1", "localhost"), location
        assert parts.port in (None, server.port), location


@_raw_settings
@given(size=st.sampled_from([0, 1, MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1,
                             2 * MAX_BODY_BYTES]),
       chunked=st.booleans(), path=st.sampled_from(["/echo", "/redirect/307", "/api/v2/users"]))
def test_bodies_around_the_limit_are_whole_or_refused_never_cut(server, size, chunked, path):
    def stream():
        left = size
        while left:
            yield b"z" * min(left, 65536)
            left -= min(left, 65536)

    with server.journal.watch() as hops, httpx.Client(timeout=10) as client:
        response = client.post(server.url + path, content=stream() if chunked else b"z" * size)
    expected = 413 if size > MAX_BODY_BYTES else None
    if expected:
        assert response.status_code == 413
        assert hops[-1].body_length is None
    else:
        assert response.status_code != 413 and response.status_code < 500
        assert hops[-1].body_length == size


@_raw_settings
@given(depth=st.integers(1, 200_000), kind=st.sampled_from(["[]", "{}"]))
def test_nested_json_of_any_depth_gets_an_answer_not_a_500(http, depth, kind):
    opener, closer = kind
    body = (opener if kind == "[]" else '{"a":') * depth
    body += "1" if kind == "{}" else ""
    body += closer * depth
    if len(body) > MAX_BODY_BYTES:
        body = body[:MAX_BODY_BYTES]
    response = http.post("/api/v2/users", content=body,
                         headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 413)


@pytest.fixture(scope="module")
def allow_listed():
    """A server that trusts another origin, as lessons 14 and 20 set them up."""
    with LabServer() as server, LabServer(name="other") as other:
        server.allow_redirects_to(other)
        yield server, other


@_raw_settings
@given(to=st.one_of(_text, st.builds(lambda s: "http://" + s, _text),
                    st.builds(lambda s: "https://[" + s, _text),
                    st.sampled_from(["http://[", "http://127.0.0.1]:1/", "/echo?u=http://x",
                                     "http://127.0.0.1:99999/", "http://user@127.0.0.1/"])))
def test_fuzzed_targets_under_an_allow_list_stay_on_the_lab(allow_listed, to):
    server, other = allow_listed
    response = httpx.get(server.url + "/redirect/302", params={"to": to}, timeout=5)
    assert response.status_code in (302, 400), (to, response.status_code)
    if response.status_code == 302:
        parts = urlsplit(response.headers["Location"])
        assert parts.hostname in (None, "127.0.0.1"), to
        assert parts.port in (None, server.port, other.port), to


@_raw_settings
@given(target=st.one_of(_text, st.builds(lambda s: "http://" + s + "/", _text)))
def test_the_open_redirect_journals_only_what_it_sent(server, target):
    query = httpx.QueryParams({"next": target})
    with server.journal.watch() as hops:
        answer = exchange(server, f"GET /open-redirect?{query} HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n".encode())
    status, _ = status_and_body(answer)
    assert status in (302, 400)
    assert [h.status for h in hops] == [status]
    assert hops[0].location == next(iter(locations(answer)), None)
