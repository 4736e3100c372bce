"""Redirect Lab benchmarks: run ``python benchmarks/run.py`` from the repository root.

Prints each figure beside its goal (issue part 1):
- lab server start to first answer, and stop: goal under 50 ms each;
- one 35-experiment httpx matrix in a warm process: goal under 150 ms;
- all six clients × 35 experiments, browser already started: goal under 5 s (part 2);
- strict ``pytest --nbval`` over lessons 00-06 (and over all lessons) vs the same number
  of one-cell notebooks that only import flask, httpx and pandas (the floor): goal ratio
  at most 1.3.
Timings are medians of repeated runs; the notebook comparison runs each suite 3 times.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import nbformat
from werkzeug.serving import make_server

import labserver

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PART_1_LESSONS = [lesson for lesson in LESSONS if lesson.name < "07"]
"""Lessons 00-06 (httpx only): the set the part-1 goal was set for."""


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


def _bare_redirects(environ: dict, start_response: Callable) -> list[bytes]:
    """The floor: the lab's two answers from a bare WSGI function (no Flask, no journal)."""
    path = environ["PATH_INFO"]
    if path.startswith("/redirect/"):
        code = path.rsplit("/", 1)[1]
        start_response(f"{code} Redirect", [("Location", "/echo"), ("Content-Length", "0")])
        return [b""]
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def httpx_floor(repeat: int = 10) -> float:
    """The same 35 requests (70 hops) against the bare function on Werkzeug's server."""
    server = make_server("127.0.0.1", 0, _bare_redirects, threaded=True,
                         request_handler=labserver.server._QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    experiments = [labserver.Experiment(c, m) for c in labserver.CODES for m in labserver.METHODS]
    try:
        with httpx.Client(follow_redirects=True, trust_env=False) as client:
            def matrix() -> None:
                for e in experiments:
                    client.request(e.method, base + e.path, content=e.body)
            matrix()
            return median_ms(matrix, repeat)
    finally:
        server.shutdown()
        server.server_close()


def all_clients() -> tuple[float, float, dict[str, float]]:
    """Seconds for the six clients' matrices with the browser started, the browser's start,
    and each client's share."""
    per_client = {}
    with labserver.LabServer() as server:
        started = time.perf_counter()
        browser = labserver.open_browser()
        browser_start = time.perf_counter() - started
        labserver.run_matrix(server, labserver.HttpxClient())  # warm the server
        try:
            for name in labserver.CLIENTS:
                client = browser if name == "chromium" else labserver.make_client(name)
                started = time.perf_counter()
                labserver.run_matrix(server, client)
                per_client[name] = time.perf_counter() - started
                if client is not browser:
                    client.close()
        finally:
            browser.close()
    return sum(per_client.values()), browser_start, per_client


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
    lab, floor_ms = httpx_matrix(), httpx_floor()
    row("httpx matrix, 35 experiments, warm (median of 10)", lab, "ms", "< 150 ms")
    row("  the same 70 hops against a bare WSGI function (floor)", floor_ms, "ms", "")
    row("  lab / floor", lab / floor_ms, "x", "")
    total, browser_start, per_client = all_clients()
    row("six clients × 35 experiments, browser started", total, "s", "< 5 s")
    for name, seconds in per_client.items():
        row(f"  {name}", seconds * 1000, "ms", "")
    row("  browser start (once per lesson)", browser_start * 1000, "ms", "")
    for label, lessons in (("lessons 00-06", PART_1_LESSONS), ("all lessons", LESSONS)):
        with tempfile.TemporaryDirectory() as tmp:
            floor = nbval_seconds(floor_notebooks(Path(tmp), len(lessons)))
        seconds = nbval_seconds(lessons)
        row(f"nbval over {label} ({len(lessons)}, median of 3)", seconds, "s", "")
        row(f"nbval over {len(lessons)} one-cell import notebooks, the floor", floor, "s", "")
        row(f"{label} / floor", seconds / floor, "x", "<= 1.3" if lessons is PART_1_LESSONS
            else "(browser lessons start Chromium)")


if __name__ == "__main__":
    main()
