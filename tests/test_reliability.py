"""The lab server under load, under churn and under fuzzing."""

import gc
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labserver import CODES, METHODS, LabServer


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


def test_a_hundred_start_stop_cycles_leak_no_threads_or_file_descriptors():
    with httpx.Client(timeout=5) as warmup:
        with LabServer() as server:
            warmup.get(server.url + "/echo")
    gc.collect()
    threads, fds = threading.active_count(), _open_fds()
    for _ in range(100):
        with LabServer() as server, httpx.Client(timeout=5) as client:
            assert client.get(server.url + "/echo").status_code == 200
    gc.collect()
    assert threading.active_count() == threads
    assert _open_fds() == fds


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_segment = _text.map(lambda s: quote(s, safe=""))
_header_value = st.from_regex(r"[!-~]([ -~]{0,38}[!-~])?", fullmatch=True)
_paths = st.one_of(
    st.builds(lambda c: f"/redirect/{c}", st.one_of(st.sampled_from(CODES), st.integers(),
                                                   _segment)),
    st.builds(lambda s: f"/chain/{s}", st.one_of(st.integers(-5, 500), _segment)),
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
       cache=st.one_of(st.none(), _text),
       headers=st.dictionaries(st.from_regex(r"X-[A-Za-z]{1,10}", fullmatch=True),
                               _header_value, max_size=5),
       body=st.one_of(st.none(), st.binary(max_size=2048)))
def test_fuzzed_requests_get_a_2xx_3xx_or_4xx_and_never_a_location_off_the_server(
        fuzz_client, path, method, to, cache, headers, body):
    params = {k: v for k, v in (("to", to), ("cache", cache)) if v is not None}
    response = fuzz_client.request(method, path, params=params, headers=headers,
                                   content=None if method in ("GET", "HEAD") else body)
    if urlsplit(path).path == "/maintenance":
        return
    assert 200 <= response.status_code < 500, (path, response.status_code, response.text)
    location = response.headers.get("Location")
    if location:
        assert urlsplit(location).hostname in (None, "127.0.0.1", "localhost"), location


def test_the_open_redirect_is_the_one_endpoint_that_leaves(http):
    """The fuzz test's one exception, on purpose (lesson 11)."""
    response = http.get("/open-redirect", params={"next": "https://evil.example/"})
    assert urlsplit(response.headers["Location"]).hostname == "evil.example"
