"""The package keeps its types (mypy, strict) and its lint (ruff): checked with the tests,
so the README's one test command and CI run them too."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_the_package_type_checks_under_mypy_strict():
    done = _run("mypy")  # settings in pyproject.toml: strict, files = labserver
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_passes_ruff():
    done = _run("ruff", "check", "labserver", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr
