"""`python -m labserver trace`: a learner's own URL, every hop, as Markdown and HAR."""

import json

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


def test_trace_refuses_a_url_that_is_not_http_with_a_clear_message(capsys):
    assert main(["trace", "ftp://example.com/"]) == 1
    assert "is not an http:// or https:// URL" in capsys.readouterr().err
