"""The package installs anywhere, not only as an editable checkout: a JupyterHub image or a
Binder build runs ``pip install .``, so the wheel must hold every module and the Node
helpers, and depend on what ``requirements.txt`` pins."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    return next(out.glob("labserver-*.whl"))


def _shipped() -> set[str]:
    tracked = subprocess.run(["git", "ls-files", "labserver"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    return {name for name in tracked if (ROOT / name).exists()}


def test_the_wheel_holds_every_module_and_the_node_helpers(wheel):
    inside = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_shipped() - inside)
    assert not missing, f"the wheel leaves out {missing[:10]}"
    assert not [name for name in inside if "node_modules" in name or "/.build/" in name]


def test_the_wheel_installed_outside_the_checkout_runs_the_matrix(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import labserver; print(labserver.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    done = subprocess.run([sys.executable, "-m", "labserver", "matrix", "--client", "httpx",
                           "--format", "csv"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.strip().splitlines()
    assert rows[0].startswith("client,scenario,code,method") and len(rows) == 1 + 35


def _pins(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", path.read_text(encoding="utf-8"),
                           re.M))


NOTEBOOK_FRONT_END = {"jupyterlab", "ipykernel"}
"""What a learner needs to open the episodes, which the package itself does not import."""


def _ranges(dependencies: list[str]) -> dict[str, str]:
    return dict(re.match(r"([A-Za-z0-9_.-]+)>=(\S+)", d).groups() for d in dependencies)


FRAMEWORK_PINS = ROOT / "labserver" / "frameworks" / "requirements-frameworks.txt"
"""Episode 14's Django and FastAPI, installed on first need from this file."""


def test_the_package_depends_on_what_requirements_pins():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ranges = _ranges(project["dependencies"])
    pins = _pins(ROOT / "requirements.txt")
    assert set(ranges) == set(pins) - NOTEBOOK_FRONT_END
    assert all(ranges[name] == pins[name] for name in ranges)


def test_the_frameworks_extra_names_the_pins_episode_14_installs_and_the_learner_skips():
    import tomllib

    from labserver.clients.optional import FRAMEWORK_PINS as INSTALLED_FROM
    from labserver.clients.optional import pinned

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra, pins = _ranges(project["optional-dependencies"]["frameworks"]), _pins(FRAMEWORK_PINS)
    assert extra == pins == pinned() and INSTALLED_FROM == FRAMEWORK_PINS
    assert {"django", "fastapi", "starlette", "uvicorn", "pydantic"} == set(pins)
    assert not set(pins) & set(_pins(ROOT / "requirements.txt"))
    assert "-r labserver/frameworks/requirements-frameworks.txt" in (
        ROOT / "requirements-dev.txt").read_text(encoding="utf-8")


def test_the_wheel_ships_the_optional_programs_lock_and_pins(wheel):
    inside = set(zipfile.ZipFile(wheel).namelist())
    assert {"labserver/frameworks/requirements-frameworks.txt",
            "labserver/node/next-app/package.json", "labserver/node/next-app/package-lock.json",
            "labserver/node/next-app/next.config.mjs"} <= inside


def test_the_core_node_helpers_leave_nextjs_to_its_own_lock_file():
    import json

    core = json.loads((ROOT / "labserver" / "node" / "package.json").read_text())
    app = json.loads((ROOT / "labserver" / "node" / "next-app" / "package.json").read_text())
    assert set(core["dependencies"]) == {"express", "har-schema", "puppeteer-core"}
    assert app["dependencies"] == {"next": "16.4.6", "react": "19.3.1", "react-dom": "19.3.1"}
    for folder in (ROOT / "labserver" / "node", ROOT / "labserver" / "node" / "next-app"):
        lock = json.loads((folder / "package-lock.json").read_text())
        assert lock["packages"][""]["dependencies"] == json.loads(
            (folder / "package.json").read_text())["dependencies"]
    core_lock = json.loads((ROOT / "labserver" / "node" / "package-lock.json").read_text())
    assert not {"node_modules/next", "node_modules/react"} & set(core_lock["packages"])


def test_the_learners_install_leaves_out_the_developers_tools():
    learner, developer = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    tools = {"mypy", "ruff", "pandas-stubs", "types-requests", "hypothesis", "pytest-xdist",
             "nbval", "pytest"}
    assert not tools & set(learner)
    assert tools <= set(developer)
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")


def test_the_packages_episode_00_checks_are_the_ones_requirements_txt_installs(monkeypatch):
    import json
    from importlib.metadata import PackageNotFoundError

    from labserver.teaching import environment

    learner = list(_pins(ROOT / "requirements.txt"))
    assert environment.learner_packages() == learner
    assert set(environment.NEEDED_BY) <= set(learner)
    found = environment.version

    def without_two(name: str) -> str:  # a learner's machine where pip missed two
        if name in ("httpx", "msgpack"):
            raise PackageNotFoundError(name)
        return found(name)

    monkeypatch.setattr(environment, "version", without_two)
    rows = {row["check"]: row for row in environment._package_rows(learner)}
    others = f"the other {len(learner) - len(environment.NEEDED_BY)} packages of requirements.txt"
    assert set(rows) == set(environment.NEEDED_BY) | {others}
    assert rows["httpx"]["result"] == "missing" and rows[others]["result"] == "missing: msgpack"
    assert {row["to fix"] for row in rows.values() if not row["ok"]} == {
        "pip install -r requirements.txt"}
    stored = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    shown = json.dumps([cell.get("outputs") for cell in stored["cells"]])
    assert others in shown and "nbval" not in shown


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"\*\*Test\*\*.*?```bash\n(.+?)\n```", readme, re.S).group(1)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
