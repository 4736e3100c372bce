"""A learner re-runs cells: nbval runs every lesson cell a second time, right after its
first run, in the same kernel (``notebooks/conftest.py``), and that second run fails when it
shows something else."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


PROBES = {
    "same": [("print('same')", "same\n")],
    "counts": [("runs = globals().get('runs', 0) + 1\nprint(runs)", "1\n")],
    "order": [("order = globals().get('order', '') + '0'", ""),
              ("order += '1'\nprint(order)", "001\n")],
}
"""Probe lessons, each a list of code cells given as (source, its stored output)."""


def _lesson(folder: Path, name: str, cells: list[tuple[str, str]]) -> Path:
    path = folder / f"99_{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(source, execution_count=n, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=stored)] if stored else [])
        for n, (source, stored) in enumerate(cells, start=1)]), path)
    return path


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """nbval with the lessons' conftest over every probe, in one run (each probe has a
    kernel of its own): the PASSED and FAILED lines of each, in the order they ran."""
    folder = tmp_path_factory.mktemp("probes")
    for name, cells in PROBES.items():
        _lesson(folder, name, cells)
    shutil.copy(NOTEBOOKS / "conftest.py", folder / "conftest.py")
    (folder / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rA", str(folder)],
                          cwd=folder, capture_output=True, text=True, timeout=180)
    lines = [line.split(" - ")[0] for line in done.stdout.splitlines()
             if line.startswith(("PASSED 99_", "FAILED 99_"))]
    return {name: [line.split(" ", 1)[0] + " " + line.split("::", 1)[1] for line in lines
                   if f" 99_{name}.ipynb::" in line] for name in PROBES}


def test_a_cell_that_shows_the_same_on_a_second_run_passes_twice(
        results: dict[str, list[str]]) -> None:
    assert results["same"] == ["PASSED Cell 0", "PASSED Cell 0 (run again)"]


def test_a_cell_that_counts_its_runs_fails_only_on_the_second_run(
        results: dict[str, list[str]]) -> None:
    assert results["counts"] == ["PASSED Cell 0", "FAILED Cell 0 (run again)"]


def test_a_cell_is_run_again_right_after_its_first_run(results: dict[str, list[str]]) -> None:
    """Shift+Enter twice, cell by cell: the second cell's first run sees both runs of the
    first cell (a whole second pass would show ``01``), and its own re-run prints ``0011``
    and fails, as it should. So a lesson's last cell, which closes its browsers, is not
    followed by cells that need them again."""
    assert results["order"] == ["PASSED Cell 0", "PASSED Cell 0 (run again)",
                                "PASSED Cell 1", "FAILED Cell 1 (run again)"]
