"""Optional programs (Next.js, Django and FastAPI, the old releases) are installed the first
time an episode needs them, after one line; a learner's install fetches none of them.

Every install here is simulated (a temporary prefix, a recording stand-in for npm or pip):
the real ``node_modules`` and environment are never touched.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from labserver.cli import main
from labserver.clients import node, optional
from labserver.clients.node import NEXT_APP, node_helpers_installed, npm_ci
from labserver.clients.optional import FRAMEWORK_PINS, OPTIONAL, ensure_optional
from labserver.experiments.frameworks import start_frameworks
from labserver.frameworks import DjangoApp, FastAPIApp, NextApp
from labserver.teaching.environment import check_environment, optional_programs


@pytest.fixture
def next_prefix(tmp_path, monkeypatch) -> Path:
    """The Next.js app's lock file in a temporary prefix, not installed: Next.js as a
    learner's machine has it after ``python -m labserver lessons``."""
    folder = tmp_path / "next-app"
    folder.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(NEXT_APP / name, folder / name)
    monkeypatch.setitem(OPTIONAL, "nextjs", replace(
        OPTIONAL["nextjs"], installed=lambda: node_helpers_installed(folder),
        install=lambda: npm_ci(folder)))
    return folder


def _fake_npm(monkeypatch, *, fails: str = "") -> list[list[str]]:
    """npm, as far as the lab sees it: ``npm ci --prefix F`` leaves F's lock file in
    F/node_modules (what it installed), or fails with ``fails`` as its last words."""
    ran: list[list[str]] = []

    def run(command, **_):
        ran.append(command)
        if fails:
            return subprocess.CompletedProcess(command, 1, "", f"npm error\n{fails}\n")
        prefix = Path(command[command.index("--prefix") + 1])
        lock = json.loads((prefix / "package-lock.json").read_text())
        lock["packages"] = {path: entry for path, entry in lock["packages"].items()
                            if path and not entry.get("optional")}
        (prefix / "node_modules").mkdir()
        (prefix / "node_modules" / ".package-lock.json").write_text(json.dumps(lock))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(node, "run_child", run)
    return ran


def test_a_missing_nextjs_is_installed_once_with_one_progress_line(next_prefix, monkeypatch,
                                                                   capsys):
    ran = _fake_npm(monkeypatch)
    assert NextApp.unavailable_reason() is None
    assert NextApp.unavailable_reason() is None  # the second need finds it installed
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1
    assert printed[0].startswith("Installing Next.js") and "once" in printed[0]
    assert "MiB to download" in printed[0] and "episode 14" in printed[0]
    assert len(ran) == 1 and ran[0][1:2] == ["ci"] and ran[0][-1] == str(next_prefix)


def test_without_npm_episode_14s_nextjs_row_is_skipped_with_the_reason(next_prefix,
                                                                      monkeypatch, capsys):
    ran = _fake_npm(monkeypatch)
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "npm" else which(name))
    if which("node") is None:
        pytest.skip("Node.js is not installed here")
    started, skipped = start_frameworks(["Next.js"])
    assert started == {} and list(skipped) == ["Next.js"]
    assert "npm not found" in skipped["Next.js"] and "apt-get install nodejs npm" in \
        skipped["Next.js"]
    assert capsys.readouterr().out == "" and ran == []  # nothing started, so no line


def test_a_failed_nextjs_install_is_one_sentence_and_its_row_is_skipped(next_prefix,
                                                                       monkeypatch, capsys):
    _fake_npm(monkeypatch, fails="npm error network request to the registry failed")
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed here")
    started, skipped = start_frameworks(["Next.js"])
    assert started == {}
    assert skipped["Next.js"] == (
        "Next.js 16 with React could not be installed: `npm ci --prefix "
        f"{next_prefix}` failed: npm error network request to the registry failed")
    assert len(capsys.readouterr().out.splitlines()) == 1  # the progress line only


def test_missing_django_and_fastapi_are_installed_once_from_the_shipped_pins(monkeypatch,
                                                                            capsys):
    here = {"installed": False}
    monkeypatch.setitem(OPTIONAL, "python-frameworks", replace(
        OPTIONAL["python-frameworks"], installed=lambda: here["installed"]))
    ran = []

    def pip(command, **_):
        ran.append(command)
        here["installed"] = True
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(optional, "run_child", pip)
    assert FastAPIApp.unavailable_reason() is None and DjangoApp.unavailable_reason() is None
    assert ran == [[sys.executable, "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-r", str(FRAMEWORK_PINS)]]
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and printed[0].startswith("Installing Django and FastAPI")


def test_without_a_network_the_python_frameworks_are_skipped_in_one_sentence(monkeypatch):
    monkeypatch.setitem(OPTIONAL, "python-frameworks", replace(
        OPTIONAL["python-frameworks"], installed=lambda: False))
    monkeypatch.setattr(optional, "run_child", lambda command, **_: subprocess.CompletedProcess(
        command, 1, "", "ERROR: No matching distribution found for django==5.2.19"))
    started, skipped = start_frameworks(["Django"])
    assert started == {}
    assert skipped["Django"] == (
        "Django and FastAPI could not be installed: pip could not install "
        "requirements-frameworks.txt (no network?): ERROR: No matching distribution found "
        "for django==5.2.19")


def test_an_installed_optional_program_prints_nothing(monkeypatch, capsys):
    """The tests' machine has everything: the stored outputs must stay as they are."""
    installed: list[str] = []
    for name in list(OPTIONAL):
        monkeypatch.setitem(OPTIONAL, name, replace(
            OPTIONAL[name], installed=lambda: True,
            install=lambda name=name: installed.append(name)))
    assert [ensure_optional(name) for name in OPTIONAL] == [None] * len(OPTIONAL)
    assert capsys.readouterr().out == "" and installed == []


@pytest.fixture
def nothing_optional_installed(monkeypatch) -> list[str]:
    """Every optional program missing, each install recorded instead of run."""
    installed: list[str] = []
    for name in list(OPTIONAL):
        monkeypatch.setitem(OPTIONAL, name, replace(
            OPTIONAL[name], installed=lambda: False, cannot_install=lambda: None,
            install=lambda name=name: installed.append(name)))
    return installed


@pytest.fixture
def cli_installs(monkeypatch) -> list[str]:
    """What the command line installed of the core Node helpers (recorded, not run)."""
    core: list[str] = []
    monkeypatch.setattr("labserver.cli.install_node_helpers",
                        lambda: core.append("node helpers") or "Node helpers: recorded")
    monkeypatch.setattr("labserver.cli.compile_package", lambda: "bytecode: skipped")
    return core


def test_the_learners_command_installs_no_optional_program(nothing_optional_installed,
                                                           cli_installs, tmp_path, capsys):
    assert main(["lessons", "--into", str(tmp_path / "learn")]) == 0
    assert cli_installs == ["node helpers"]
    assert nothing_optional_installed == []
    assert "Installing" not in capsys.readouterr().out


def test_setup_installs_every_optional_program(nothing_optional_installed, cli_installs,
                                               capsys):
    assert main(["setup"]) == 0
    assert cli_installs == ["node helpers"]
    assert nothing_optional_installed == list(OPTIONAL) == [
        "nextjs", "python-frameworks", "old-releases"]
    printed = capsys.readouterr().out
    assert all(f"Installing {program.label}" in printed for program in OPTIONAL.values())


def test_the_environment_check_installs_no_optional_program_and_names_setup(
        server, nothing_optional_installed):
    table = check_environment(server)
    for label in ("Node.js and Next.js (a framework of episode 14)",
                  "Django and FastAPI (frameworks of episode 14)"):
        row = table.loc[label]
        assert row["result"] == "not installed yet" and row["ok"]
        assert row["to fix"].startswith("episode 14 installs it when it first needs it")
        assert row["to fix"].endswith("or now: python -m labserver setup")
    said = optional_programs().data
    assert said.startswith("Not installed yet: Next.js 16 with React for episode 14")
    assert "Django and FastAPI for episode 14" in said and "`python -m labserver setup`" in said
    assert nothing_optional_installed == []


def test_the_environment_check_says_every_optional_program_is_installed_when_it_is(
        monkeypatch):
    for name in list(OPTIONAL):
        monkeypatch.setitem(OPTIONAL, name, replace(OPTIONAL[name], installed=lambda: True))
    said = optional_programs().data
    assert said.startswith("Every optional program is installed here: Next.js 16 with React")
    assert "`python -m labserver setup`" in said


def test_a_nextjs_that_cannot_be_installed_is_a_failed_row_of_the_environment_check(
        server, next_prefix, monkeypatch):
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "npm" else which(name))
    row = check_environment(server).loc["Node.js and Next.js (a framework of episode 14)"]
    assert row["result"] == "not installed yet" and not row["ok"]
    assert "apt-get install nodejs npm" in row["to fix"]
