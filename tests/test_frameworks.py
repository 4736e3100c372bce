"""Frameworks run on loopback: what each sends for a redirect, read off the wire."""

import json
import socket
from pathlib import Path

import pytest

from labserver import claim
from labserver.experiments.frameworks import (
    Frameworks,
    answer,
    framework_redirects,
    start_frameworks,
    stop_frameworks,
)
from labserver.frameworks import FRAMEWORKS, ExpressApp, FrameworkUnavailable, NextApp, NginxApp
from labserver.frameworks.processes import BUILDS


@pytest.fixture(scope="module")
def table():
    frameworks, skipped = start_frameworks()
    try:
        yield framework_redirects(frameworks), skipped
    finally:
        stop_frameworks(frameworks)


def _row(table, name, written):
    frame, skipped = table
    if name in skipped:
        pytest.skip(skipped[name])
    label = next(label for label in frame.index.get_level_values(0) if label.startswith(name))
    return frame.loc[(label, written)]


def test_flask_redirects_with_302_and_werkzeug_keeps_a_post_through_its_slash_308(table):
    assert _row(table, "Flask", 'redirect("/new")')["status sent"] == "302 FOUND"
    slash = _row(table, "Flask", '@app.route("/docs/"), then POST /docs')
    assert slash["status sent"].startswith("308") and slash["then httpx sends"].startswith("POST")


def test_fastapi_answers_a_form_post_with_307_and_the_get_only_page_says_405(table):
    row = _row(table, "FastAPI", 'RedirectResponse("/welcome") after a form POST')
    assert row["status sent"] == "307 Temporary Redirect"
    assert row["then httpx sends"] == "POST http://fastapi/welcome → 405"
    fixed = _row(table, "FastAPI", 'RedirectResponse("/welcome", status_code=303)')
    assert fixed["then httpx sends"] == "GET http://fastapi/welcome → 200"


def test_django_append_slash_turns_a_post_into_a_get_with_301(table):
    row = _row(table, "Django", 'path("docs/", ...), then POST /docs (APPEND_SLASH)')
    assert row["status sent"] == "301 Moved Permanently" and row["Location"] == "/docs/"
    assert row["then httpx sends"] == "GET http://django/docs/ → 200"


def test_express_5_sends_302_by_default_and_refuses_the_express_4_wildcard():
    if ExpressApp.unavailable_reason():
        pytest.skip(ExpressApp.unavailable_reason())
    with ExpressApp() as express:
        assert express.express4_route_error().startswith("TypeError")
        frame = framework_redirects({"Express": express})
    assert frame.loc[(express.label, 'res.redirect("/new")'), "status sent"] == "302 Found"


def test_nextjs_sends_307_or_308_and_its_slash_redirect_keeps_a_post(table):
    assert _row(table, "Next.js", '{ source: "/old", destination: "/new", permanent: false }')[
        "status sent"] == "307 Temporary Redirect"
    assert _row(table, "Next.js", '{ source: "/moved", destination: "/new", permanent: true }')[
        "status sent"] == "308 Permanent Redirect"
    see_other = _row(table, "Next.js",
                     '{ source: "/signup", destination: "/new", statusCode: 303 }')
    assert see_other["then httpx sends"] == "GET http://nextjs/new → 200"
    slash = _row(table, "Next.js", "trailingSlash: false (the default), then POST /new/")
    assert slash["Location"] == "/new"
    assert slash["then httpx sends"] == "POST http://nextjs/new → 200"


def test_nextjs_build_is_kept_and_reused_by_the_next_start():
    if NextApp.unavailable_reason():
        pytest.skip(NextApp.unavailable_reason())
    app = NextApp()
    built = app.build()
    assert (built / ".next" / "BUILD_ID").is_file() and built.parent == BUILDS
    assert app.build() == built  # the same files: the kept build, not a new one


def test_nginx_writes_its_port_into_a_folder_redirect_unless_told_not_to():
    if NginxApp.unavailable_reason():
        pytest.skip(NginxApp.unavailable_reason())
    with NginxApp() as nginx:
        frame = framework_redirects({"nginx": nginx}).xs(nginx.label)
    assert frame.loc["a folder docs under root, then GET /docs", "Location"] == "http://nginx/docs/"
    assert frame.loc["the same with absolute_redirect off;", "Location"] == "/relative/docs/"
    assert frame.loc["the same with port_in_redirect off;", "Location"] == (
        "http://nginx-without-port/no-port/docs/")


def test_a_stopped_framework_frees_its_port():
    for kind in FRAMEWORKS.values():
        if kind.unavailable_reason():
            continue
        framework = kind().start()
        port = framework.port
        framework.stop()
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, kind.name


def test_the_start_cell_run_again_gets_the_running_frameworks_back_not_a_second_set():
    first, _ = start_frameworks(["Flask", "Express"])
    try:
        again, _ = start_frameworks(["Flask", "Express"])
        assert {name: f.port for name, f in again.items()} == \
            {name: f.port for name, f in first.items()}
        assert all(again[name] is first[name] for name in first)
    finally:
        stop_frameworks(first)
    after_stop, _ = start_frameworks(["Flask"])
    try:  # stopped ones are started afresh
        assert all(f.port and f is not first.get(name) for name, f in after_stop.items())
    finally:
        stop_frameworks(after_stop)


def test_a_missing_framework_is_skipped_with_what_to_install(monkeypatch):
    monkeypatch.setattr(NginxApp, "unavailable_reason",
                        classmethod(lambda cls: "nginx is not installed: apt-get install nginx"))
    with pytest.raises(FrameworkUnavailable, match="apt-get install nginx"):
        NginxApp().start()
    frameworks, skipped = start_frameworks(["nginx"])
    assert frameworks == {}
    assert skipped == {"nginx": "nginx is not installed: apt-get install nginx"}


EPISODE_14 = Path(__file__).resolve().parent.parent / "notebooks" / \
    "14_what_frameworks_send.ipynb"


def _run_episode_14(capsys) -> tuple[list[tuple[bool, str]], dict]:
    """Every code cell of episode 14 in one IPython shell, as a learner runs them: whether
    each ran without an exception and what it showed, and the names the cells left."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    quiet = Config()
    quiet.HistoryManager.enabled = False
    shell = InteractiveShell(config=quiet)
    ran = []
    for cell in json.loads(EPISODE_14.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            result = shell.run_cell("".join(cell["source"]))
            ran.append((result.success, capsys.readouterr().out))
    return ran, shell.user_ns


@pytest.mark.parametrize("missing", [("Next.js",), ("Django", "FastAPI"), ("nginx",)],
                         ids=", ".join)
def test_episode_14_runs_to_the_end_without_a_framework_listing_it_as_skipped(
        monkeypatch, capsys, missing):
    reason = "not installed here (a test)"
    for name in missing:
        monkeypatch.setattr(FRAMEWORKS[name], "unavailable_reason",
                            classmethod(lambda cls: reason))
    ran, names = _run_episode_14(capsys)
    failed = [shown for success, shown in ran if not success]
    assert not failed, failed[0]
    shown = "\n".join(shown for _, shown in ran)
    assert "Traceback" not in shown and "KeyError" not in shown
    started = ran[1][1]  # the cell that starts the frameworks
    assert all(f"'{name}': '{reason}'" in started for name in missing)
    rows = names["table"].xs(f"{missing[0]} (skipped)")  # its rows, each saying why
    assert len(rows) and set(rows["status sent"]) == {f"skipped: {reason}"}
    not_checked = [line for line in shown.splitlines() if "Not checked here:" in line]
    assert all(any(name in line for line in not_checked) for name in missing)


def test_a_claim_about_a_framework_that_did_not_run_says_it_was_not_checked():
    frameworks = Frameworks({}, {"Next.js": "npm not found"})
    assert frameworks.missing("Flask", "Next.js") == ["Next.js"]
    shown = claim("Next.js sent 308.", holds=False, missing=frameworks.missing("Next.js"))
    assert repr(shown) == ("*Not checked here: Next.js did not run (the cell that started it "
                           "says why).*")
    assert repr(answer(frameworks["Next.js"], "GET", "/moved")) == (
        "Next.js skipped: npm not found")
    with pytest.raises(KeyError):
        frameworks["Flask"]  # neither started nor skipped: a mistake, not a missing program
