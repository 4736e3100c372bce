"""A learner re-runs cells: nbval runs every lesson cell a second time, right after its
first run, in the same kernel (``notebooks/conftest.py``), and that second run fails when it
shows something else."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _lesson(folder: Path, *cells: tuple[str, str]) -> Path:
    """A lesson of code cells, each given as (source, its stored output)."""
    path = folder / "99_probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(source, execution_count=n, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=stored)] if stored else [])
        for n, (source, stored) in enumerate(cells, start=1)]), path)
    return path


def _nbval(folder: Path) -> str:
    shutil.copy(NOTEBOOKS / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA", str(folder)],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    return done.stdout


def test_a_cell_that_shows_the_same_on_a_second_run_passes_twice(tmp_path: Path) -> None:
    _lesson(tmp_path, ("print('same')", "same\n"))
    report = _nbval(tmp_path)
    assert "PASSED 99_probe.ipynb::Cell 0\n" in report
    assert "PASSED 99_probe.ipynb::Cell 0 (run again)" in report


def test_a_cell_that_counts_its_runs_fails_only_on_the_second_run(tmp_path: Path) -> None:
    _lesson(tmp_path, ("runs = globals().get('runs', 0) + 1\nprint(runs)", "1\n"))
    report = _nbval(tmp_path)
    assert "PASSED 99_probe.ipynb::Cell 0\n" in report
    assert "FAILED 99_probe.ipynb::Cell 0 (run again)" in report


def test_a_cell_is_run_again_right_after_its_first_run(tmp_path: Path) -> None:
    """Shift+Enter twice, cell by cell: the second cell's first run sees both runs of the
    first cell (a whole second pass would show ``01``), so a lesson's last cell, which
    closes its browsers, is not followed by cells that need them again."""
    _lesson(tmp_path, ("order = globals().get('order', '') + '0'", ""),
            ("order += '1'\nprint(order)", "001\n"))
    report = _nbval(tmp_path)
    results = [line for line in report.splitlines()
               if line.startswith(("PASSED 99_probe", "FAILED 99_probe"))]
    assert results[:3] == ["PASSED 99_probe.ipynb::Cell 0",
                           "PASSED 99_probe.ipynb::Cell 0 (run again)",
                           "PASSED 99_probe.ipynb::Cell 1"]
    # its own second run prints 0011, and fails as it should
    assert [line.split(" - ")[0] for line in results[3:]] == [
        "FAILED 99_probe.ipynb::Cell 1 (run again)"]
