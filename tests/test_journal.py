"""The journal records every request once, in order, and can be scoped to one experiment."""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from labserver import Journal


def _record(journal, n=0):
    return journal.record(method="GET", path=f"/p{n}", query="", status=200, location=None,
                          body_length=0, body_sha256=None, content_type=None, headers={})


def test_journal_keeps_only_the_newest_entries_up_to_capacity():
    journal = Journal(capacity=3)
    for n in range(5):
        _record(journal, n)
    assert [e.path for e in journal.since()] == ["/p2", "/p3", "/p4"]
    assert journal.mark() == 5


def test_default_capacity_keeps_at_least_ten_thousand():
    assert Journal().capacity >= 10_000


def test_watch_sees_only_what_arrives_inside_the_block():
    journal = Journal()
    _record(journal, 1)
    with journal.watch() as hops:
        _record(journal, 2)
    _record(journal, 3)
    assert [e.path for e in hops] == ["/p2"]


def test_concurrent_records_are_neither_lost_nor_duplicated():
    journal = Journal()
    barrier = threading.Barrier(8)

    def work(_):
        barrier.wait()
        for _ in range(250):
            _record(journal)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert [e.seq for e in journal.since()] == list(range(1, 2001))


def test_concurrent_requests_are_each_journaled_once(server):
    mark = server.journal.mark()

    def hit(n):
        with httpx.Client(base_url=server.url) as client:
            for i in range(20):
                client.get("/echo", params={"n": f"{n}-{i}"})

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(hit, range(10)))
    entries = server.journal.since(mark)
    queries = sorted(e.query for e in entries)
    assert queries == sorted(f"n={n}-{i}" for n in range(10) for i in range(20))
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)


def test_journal_endpoint_lists_entries_after_since(server, http):
    mark = server.journal.mark()
    http.post("/redirect/307", content=b"abc", headers={"Content-Type": "text/plain"})
    data = http.get("/journal", params={"since": mark}).json()
    assert data["last_seq"] == mark + 1
    [entry] = data["entries"]
    assert entry["method"] == "POST" and entry["path"] == "/redirect/307"
    assert entry["status"] == 307 and entry["location"] == "/echo"
    assert entry["body_length"] == 3 and entry["content_type"] == "text/plain"


def test_journal_does_not_journal_its_own_reads(server, http):
    mark = server.journal.mark()
    http.get("/journal")
    assert server.journal.since(mark) == []


def test_journal_since_must_be_a_number(http):
    response = http.get("/journal", params={"since": "yesterday"})
    assert response.status_code == 400
    assert "whole number" in response.json()["message"]
