"""Redirect Lab benchmarks: run ``python benchmarks/run.py`` from the repository root.

Prints each figure beside its goal (issue part 1):
- lab server start to first answer, and stop: goal under 50 ms each;
- one 35-experiment httpx matrix in a warm process: goal under 150 ms;
- strict ``pytest --nbval`` over all lessons vs the same number of one-cell notebooks
  that only import flask, httpx and pandas (the floor): goal ratio at most 1.3.
Timings are medians of repeated runs; the notebook comparison runs each suite 3 times.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import nbformat

import labserver

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def server_start_and_stop(repeat: int = 20) -> tuple[float, float]:
    starts, stops = [], []
    with httpx.Client() as client:
        for _ in range(repeat):
            server = labserver.LabServer()
            started = time.perf_counter()
            server.start()
            client.get(server.url + "/echo")
            starts.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            server.stop()
            stops.append((time.perf_counter() - started) * 1000)
    return statistics.median(starts), statistics.median(stops)


def httpx_matrix(repeat: int = 10) -> float:
    with labserver.LabServer() as server, labserver.HttpxClient() as client:
        labserver.run_matrix(server, client)  # warm: imports, connection pool, Flask
        return median_ms(lambda: labserver.run_matrix(server, client), repeat)


def nbval_seconds(paths: list[Path], repeat: int = 3) -> float:
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
               "-p", "no:cacheprovider", "-o", "testpaths=", *map(str, paths)]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def floor_notebooks(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        cell = nbformat.v4.new_code_cell("import flask\nimport httpx\nimport pandas")
        cell.execution_count = 1
        nb.cells.append(cell)
        path = folder / f"floor_{n:02d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def row(name: str, value: float, unit: str, goal: str) -> None:
    print(f"{name:<58} {value:>9.2f} {unit:<3} goal {goal}")


def main() -> None:
    print(f"Redirect Lab benchmarks on {sys.platform}, Python {sys.version.split()[0]}\n")
    start_ms, stop_ms = server_start_and_stop()
    row("lab server start to first answer (median of 20)", start_ms, "ms", "< 50 ms")
    row("lab server stop (median of 20)", stop_ms, "ms", "< 50 ms")
    row("httpx matrix, 35 experiments, warm (median of 10)", httpx_matrix(), "ms", "< 150 ms")
    with tempfile.TemporaryDirectory() as tmp:
        floor = nbval_seconds(floor_notebooks(Path(tmp), len(LESSONS)))
    lessons = nbval_seconds(LESSONS)
    row(f"nbval over the {len(LESSONS)} lessons (median of 3)", lessons, "s", "")
    row(f"nbval over {len(LESSONS)} one-cell import notebooks, the floor", floor, "s", "")
    row("lessons / floor", lessons / floor, "x", "<= 1.3")


if __name__ == "__main__":
    main()
