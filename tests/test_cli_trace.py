"""`python -m labserver trace`: a learner's own URL, every hop, as Markdown and HAR."""

import json
import os

import pytest

from labserver.cli import main


def test_trace_prints_one_row_per_client_and_writes_the_har(server, tmp_path, capsys):
    har = tmp_path / "trace.har"
    assert main(["trace", server.url + "/chain/1", "--client", "curl", "--client", "httpx",
                 "--har", str(har)]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| curl") or
            line.startswith("| httpx")]
    assert len(rows) == 2 and all("GET /echo → 200" in row for row in rows)
    assert len(json.loads(har.read_text())["log"]["entries"]) == 4


def _refused(capsys, *args):
    """What the command says, in one line, when it refuses its arguments (exit 2)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    said = capsys.readouterr()
    assert exit_info.value.code == 2 and said.out == "" and said.err.count("\n") == 1
    assert "Traceback" not in said.err
    return said.err


def test_trace_refuses_a_url_that_is_not_http_with_a_clear_message(capsys):
    assert "is not an http:// or https:// URL" in _refused(capsys, "trace", "ftp://example.com/")


@pytest.mark.parametrize("url, said", [
    ("http://[::1", "is not a URL: Invalid IPv6 URL"),
    ("http://127.0.0.1:99999/", "is not a URL: Port out of range"),
    ("http://", "names no host"),
    ("http://127.0.0.1:0/", "names port 0"),
])
def test_trace_refuses_a_url_it_cannot_send_to_in_one_line_before_tracing(capsys, url, said):
    assert said in _refused(capsys, "trace", url)


@pytest.mark.parametrize("method", ["", "GET /x", "GET\r\nX: y", "(GET)"])
def test_trace_refuses_a_method_that_is_not_an_rfc_9110_token(capsys, method):
    err = _refused(capsys, "trace", "http://127.0.0.1:8000/", "--method", method)
    assert "is not a method (RFC 9110: one token" in err


def test_trace_accepts_any_token_as_a_method(server, capsys):
    assert main(["trace", server.url + "/echo", "--client", "httpx", "--method", "purge"]) == 0
    assert "| PURGE | 127.0.0.1:" in capsys.readouterr().out


@pytest.mark.parametrize("har, said", [("/nonexistent/x.har", "no folder /nonexistent"),
                                       ("", "is not a file name"), ("/", "is not a file name")])
def test_trace_checks_where_the_har_goes_before_it_traces(capsys, har, said):
    assert said in _refused(capsys, "trace", "http://127.0.0.1:8000/", "--har", har)


def test_trace_refuses_a_har_in_a_folder_it_cannot_write(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("root writes anywhere")
        assert "permission denied" in _refused(capsys, "trace", "http://127.0.0.1:8000/",
                                               "--har", str(locked / "x.har"))
    finally:
        locked.chmod(0o700)
