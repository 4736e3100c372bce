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


def test_the_package_depends_on_what_requirements_pins():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ranges = dict(re.match(r"([A-Za-z0-9_.-]+)>=(\S+)", d).groups()
                  for d in project["dependencies"])
    pins = _pins(ROOT / "requirements.txt")
    assert set(ranges) == set(pins) - NOTEBOOK_FRONT_END
    assert all(ranges[name] == pins[name] for name in ranges)


def test_the_learners_install_leaves_out_the_developers_tools():
    learner, developer = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    tools = {"mypy", "ruff", "pandas-stubs", "types-requests", "hypothesis", "pytest-xdist",
             "nbval", "pytest"}
    assert not tools & set(learner)
    assert tools <= set(developer)
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"\*\*Test\*\*.*?```bash\n(.+?)\n```", readme, re.S).group(1)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
