"""``python -m labserver``: the matrix as CSV or Markdown, and a loopback-only serve."""

import csv
import io
import socket
import subprocess
import sys

import pytest

from labserver.cli import main


def test_matrix_csv_prints_35_rows_with_the_documented_columns(capsys):
    assert main(["matrix", "--client", "httpx", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 35
    assert {"client", "code", "method", "body_sent", "final_method", "body_arrived",
            "outcome"} <= set(rows[0])
    assert {r["body_sent"] for r in rows} == {"yes", "no"}
    assert {r["outcome"] for r in rows} <= {"followed", "refused", "error"}
    post_307 = next(r for r in rows if r["code"] == "307" and r["method"] == "POST")
    assert post_307["final_method"] == "POST" and post_307["body_arrived"] == "yes"


def test_matrix_markdown_is_a_table(capsys):
    assert main(["matrix", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| client | scenario | code | method |") and len(lines) == 37


def test_unknown_client_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["matrix", "--client", "netscape"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_bad_port_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--port", "99999"])
    assert "is not a port" in capsys.readouterr().err


def test_serve_on_a_busy_port_says_cannot_listen_once(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.count("cannot listen on") == 1
    assert err.startswith(f"labserver: cannot listen on 127.0.0.1:{port}")


def test_a_usage_error_is_one_line_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["matrix", "--client", "netscape"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1 and "--help" in err


def test_serve_runs_as_a_module_and_prints_its_loopback_url():
    with subprocess.Popen([sys.executable, "-m", "labserver", "serve", "--port", "0"],
                          stdout=subprocess.PIPE, text=True) as process:
        try:
            line = process.stdout.readline()
            assert line.startswith("Redirect Lab server on http://127.0.0.1:")
        finally:
            process.terminate()


def test_matrix_cross_host_shows_requests_dropping_authorization_for_another_host(capsys):
    assert main(["matrix", "--client", "requests", "--scenario", "cross-host"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    get_302 = next(r for r in rows if r["code"] == "302" and r["method"] == "GET")
    assert len(rows) == 35 and get_302["authorization_arrived"] == "no"
    assert "other-host: GET /echo" in get_302["hops"]


def test_matrix_cross_origin_reports_whether_authorization_arrived(capsys):
    assert main(["matrix", "--client", "urllib", "--scenario", "cross-port"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 35 and {r["scenario"] for r in rows} == {"cross-port"}
    get_302 = next(r for r in rows if r["code"] == "302" and r["method"] == "GET")
    assert get_302["authorization_arrived"] == "yes"
    assert "127.0.0.1" not in get_302["hops"]


def test_matrix_httpx_strips_authorization_on_a_downgrade(capsys):
    assert main(["matrix", "--scenario", "https-downgrade"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["authorization_arrived"] for r in rows if r["outcome"] == "followed"} == {"no"}


def test_the_cheat_sheet_is_computed_from_the_runs_with_its_evidence(server):
    from labserver import follows_by_default, run_clients
    from labserver.experiments.credentials import CredentialLab, run_credentials
    from labserver.experiments.probes import redirect_limits
    from labserver.teaching.cheatsheet import cheat_sheet

    names = ("httpx", "requests")
    matrix, _ = run_clients(server, names)
    with CredentialLab() as lab:
        credentials, _ = run_clients(lab, names, runner=run_credentials, tls=lab.certificates)
    limits, _ = run_clients(server, names, runner=redirect_limits)
    sheet = cheat_sheet(matrix, follows_by_default(server), credentials, limits)
    assert sheet.table.loc["follows by default"].tolist() == ["no", "yes"]
    assert sheet.table.loc["PUT through a 301"].tolist() == ["PUT + body", "PUT, body dropped"]
    assert sheet.table.loc["Authorization after a cross-origin 302"].tolist() == [
        "stripped", "stripped"]
    from labserver.vocabulary import GLOSSARY
    assert set(sheet.table.loc["Authorization after a cross-origin 302"]) <= set(GLOSSARY)
    assert sheet.evidence.loc["PUT through a 301", "requests"] == (
        "PUT /redirect/301 → 301 | PUT /echo → 200")
    page = sheet.to_html_page()
    assert page.startswith("<!doctype html>") and "size: A4 landscape" in page


def test_a_client_missing_from_a_run_is_not_guessed(server):
    from labserver import follows_by_default, run_clients
    from labserver.teaching.cheatsheet import cheat_sheet

    matrix, _ = run_clients(server, ("httpx",))
    empty = matrix.iloc[0:0]
    sheet = cheat_sheet(matrix, follows_by_default(server), empty.assign(scenario=[]),
                        empty.assign(redirects=[]))
    assert sheet.table.loc["Authorization after a cross-origin 302", "httpx"] == "not run"
