"""A learner re-runs cells: nbval runs every lesson a second time in the same kernel
(``notebooks/conftest.py``), and that second pass fails when a re-run shows something else."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _lesson(folder: Path, source: str, stored: str) -> Path:
    """A one-cell lesson whose stored output is ``stored``."""
    cell = nbformat.v4.new_code_cell(source, execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=stored)])
    path = folder / "99_probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def _nbval(folder: Path) -> str:
    shutil.copy(NOTEBOOKS / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA", str(folder)],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    return done.stdout


def test_a_cell_that_shows_the_same_on_a_second_run_passes_twice(tmp_path: Path) -> None:
    _lesson(tmp_path, "print('same')", "same\n")
    report = _nbval(tmp_path)
    assert "PASSED 99_probe.ipynb::Cell 0\n" in report
    assert "PASSED 99_probe.ipynb::Cell 0 (run again)" in report


def test_a_cell_that_counts_its_runs_fails_only_on_the_second_run(tmp_path: Path) -> None:
    _lesson(tmp_path, "runs = globals().get('runs', 0) + 1\nprint(runs)", "1\n")
    report = _nbval(tmp_path)
    assert "PASSED 99_probe.ipynb::Cell 0\n" in report
    assert "FAILED 99_probe.ipynb::Cell 0 (run again)" in report
