"""Redirect Lab benchmarks: ``python benchmarks/run.py`` from the repository root.

Prints every figure beside its goal, medians with their spread (all parts take about two
hours on 2 cores; name parts to run only those: imports, lessons, navigation,
suite, matrices, lifecycle, load, memory, flood, fuzz, frameworks, first-lesson):

1. (suite) the README's test command five times in a row (goals: at most 4 minutes,
   every run passing); (lessons) for each episode, ``pytest --nbval`` over it alone
   against its Run All plus the kernel's start (goal at most 1.3x), its Run All beyond
   starting its browsers (goal at most 3 s) and its slowest cell; (navigation) what the
   lab adds to an engine's own navigation (goal at most 1.2x a bare WSGI function), the
   measure for cells made of navigations; and (in lessons) nbval over the episodes
   without a browser, and over those with browsers less their starts, against as many
   one-cell notebooks that only import flask, httpx and pandas (the floor; goal 1.3x);
2. one 35-experiment matrix per client against the lab server, and the httpx matrix's 70
   sends against httpbin's ``/redirect-to`` (goal at most 1.0x) and a minimal Flask app
   (goal at most 1.15x), all served by the lab's own HTTP layer in this process, as
   paired rounds; and against a bare WSGI function (the floor);
3. lab server start to first answer, and stop (goal under 50 ms each);
4. requests per second with 50 concurrent clients, and the journal's completeness;
5. kernel memory after each lesson, and the memory one lab server with a full journal adds;
6. (flood) memory under a flood of requests with maximal headers: bounded by the
   journal's byte budget; (fuzz) the raw-input fuzz tests with 20x the suite's examples.
7. (first-lesson) the README's learn command from a fresh clone and python3.11 venv until
   JupyterLab serves the first episode, with this machine's caches and without them
   (medians of 5 and 3, with their spread), and what it downloads and installs.

httpbin is a benchmark-only dependency:
``python -m pip install --no-deps -r benchmarks/requirements.txt``.
Timings are medians of repeated runs.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nbformat
import psutil
from nbclient import NotebookClient

import labserver
from labserver.clients import BROWSERS, MissingBrowser
from labserver.experiments.matrix import Experiment
from labserver.frameworks import NextApp
from labserver.server.connection import ConnectionServer
from labserver.server.handler import WSGIService
from labserver.teaching.environment import lessons, missing_needs, needs_of
from labserver.web_frameworks import framework_redirects, start_frameworks, stop_frameworks

ROOT = Path(__file__).resolve().parent.parent
LESSONS = lessons(ROOT / "notebooks")
PART_1_LESSONS = [lesson for lesson in LESSONS if lesson.name < "07"]
"""Lessons 00-06 (httpx only): the set the part-1 goal was set for."""

EXPERIMENTS = [Experiment(c, m) for c in labserver.CODES for m in labserver.METHODS]


def row(name: str, value: float, unit: str, goal: str = "", note: str = "") -> None:
    print(f"{name:<62} {value:>10.2f} {unit:<4} {('goal ' + goal) if goal else ''}"
          f"{'  ' + note if note else ''}", flush=True)


def samples_of(action: Callable[[], object], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` runs of ``action``."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def median_of(action: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs of ``action``."""
    return statistics.median(samples_of(action, repeat))


def spread(samples: list[float], scale: float = 1.0) -> str:
    """``(min-max of n)``, printed beside a median: this machine's noise, in the row."""
    return f"({min(samples) * scale:.2f}-{max(samples) * scale:.2f} of {len(samples)})"


# -- 1. notebooks -------------------------------------------------------------------

def pytest_seconds(args: list[str], repeat: int = 3) -> float:
    """Median seconds of ``repeat`` pytest runs; a failing run stops the benchmark with
    pytest's own report of what failed (a timing of a failing suite means nothing)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]

    def run() -> None:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"pytest failed (exit {done.returncode}), so nothing was timed:\n"
                     f"{done.stdout[-6000:]}")
    return median_of(run, repeat)


def floor_notebooks(folder: Path, count: int) -> list[str]:
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
        paths.append(str(path))
    return paths


def import_figures(repeat: int = 5) -> None:
    """What every lesson's kernel pays first: ``import labserver`` in a fresh process, next
    to importing only flask, httpx and pandas (the floor notebooks' one cell)."""
    for label, modules in (("import flask, httpx, pandas (floor)", "flask, httpx, pandas"),
                           ("import labserver", "labserver")):
        seconds = median_of(lambda m=modules: subprocess.run(
            [sys.executable, "-c", f"import {m}"], cwd=ROOT, check=True), repeat)
        row(f"{label}, fresh process (median of {repeat})", seconds, "s")


def suite_figures(repeat: int = 5) -> None:
    """The README's test command, ``repeat`` times in a row: its median wall time (goal:
    at most 4 minutes on 2 cores) and how many runs passed (goal: every one)."""
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider"]
    samples, passed = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        samples.append(time.perf_counter() - started)
        passed += done.returncode == 0
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"  {samples[-1]:.0f} s: {last}", flush=True)
    row(f"the README's test command (median of {repeat})", statistics.median(samples), "s",
        "<= 240 s", spread(samples))
    row(f"  runs that passed, of {repeat} in a row", passed, "", f"{repeat}")


# -- 1b. each lesson's Run All, and nbval over it alone ------------------------------

@dataclass
class RunAll:
    """One Run All of a lesson in a fresh kernel (with ``again``, each cell run again right
    after, as nbval's re-runs do): what each part took, and the kernel's memory at the end."""

    kernel: float
    """Seconds from asking for a kernel until it answers."""
    cells: list[float]
    again: list[float]
    rss: int

    @property
    def run_all(self) -> float:
        return sum(self.cells)


def _run_all(lesson: Path, again: bool = False) -> RunAll:
    notebook = nbformat.read(lesson, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(lesson.parent)}})
    cells: list[float] = []
    twice: list[float] = []
    asked = time.perf_counter()
    with client.setup_kernel():
        kernel = time.perf_counter() - asked
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                for seconds in (cells, twice) if again else (cells,):
                    started = time.perf_counter()
                    client.execute_cell(cell, index)
                    seconds.append(time.perf_counter() - started)
        pid = client.km.provisioner.process.pid  # type: ignore[union-attr]
        return RunAll(kernel, cells, twice, psutil.Process(pid).memory_info().rss)


def _browser_starts(repeat: int) -> dict[str, float]:
    """Median seconds to start and close each engine, and every engine at once
    (``open_browsers``, as lessons that use both do), keyed ``"both"``."""
    starts = {engine: median_of(lambda e=engine: labserver.open_browser(e).close(), repeat)
              for engine in BROWSERS if BROWSERS[engine].unavailable_reason() is None}

    def start_and_close() -> None:
        for browser in labserver.open_browsers().values():
            browser.close()
    if len(starts) == len(BROWSERS):
        starts["both"] = median_of(start_and_close, repeat)
    return starts


def _opened(lesson: Path, starts: dict[str, float]) -> float:
    """What starting the browsers ``lesson`` declares takes (both at once, or one)."""
    engines = [engine for engine in BROWSERS if engine in needs_of(lesson)]
    if len(engines) == len(BROWSERS):
        return starts.get("both", 0.0)
    return sum(starts.get(engine, 0.0) for engine in engines)


def lesson_figures(repeat: int = 5) -> None:
    """For each episode, medians of ``repeat``: (2) ``pytest --nbval`` over it alone
    against its Run All plus the kernel's start (goal: at most 1.3x); (4) its Run All
    beyond starting its browsers (goal: at most 3 s), and its slowest cell; and (3) the
    episodes' nbval, with and without browsers, against as many one-cell notebooks."""
    starts = _browser_starts(repeat)
    for engine, seconds in starts.items():
        row(f"{engine}: start and close (median of {repeat})", seconds, "s")
    serial = ["--nbval", "-n", "0", "-o", "testpaths="]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(ROOT / "notebooks" / "conftest.py", tmp)  # its cell run twice too
        one_cell = floor_notebooks(Path(tmp), 1)
        floor = [pytest_seconds([*serial, *one_cell], repeat=1) for _ in range(repeat)]
    row("pytest --nbval on a one-cell import notebook alone (floor)",
        statistics.median(floor), "s", "", spread(floor))
    over: list[str] = []
    checked: dict[bool, list[float]] = {True: [], False: []}  # by "starts browsers"
    for lesson in LESSONS:
        if missing_needs(lesson):
            print(f"{lesson.stem}: skipped ({'; '.join(missing_needs(lesson))})")
            continue
        runs, checks = [], []
        for _ in range(repeat):  # alternately, so both see the same moment of the machine
            runs.append(_run_all(lesson))
            checks.append(pytest_seconds([*serial, str(lesson)], repeat=1))
        alone = [r.kernel + r.run_all for r in runs]
        opened = _opened(lesson, starts)
        beyond = statistics.median(r.run_all for r in runs) - opened
        cells = [statistics.median(r.cells[i] for r in runs) for i in range(len(runs[0].cells))]
        slowest = max(range(len(cells)), key=cells.__getitem__)
        row(f"{lesson.stem}: Run All + kernel start", statistics.median(alone), "s", "",
            spread(alone))
        row("  pytest --nbval on it alone", statistics.median(checks), "s", "", spread(checks))
        row("    / Run All + kernel start", statistics.median(checks) / statistics.median(alone),
            "x", "<= 1.3", "(nbval runs each cell twice)")
        row(f"  Run All beyond starting its browsers ({opened:.1f} s)", beyond, "s", "<= 3 s")
        row(f"  slowest cell: code cell {slowest}", cells[slowest], "s")
        if beyond > 3:
            over.append(lesson.stem)
        checked[bool(opened)].append(statistics.median(checks) - opened)
    print(f"over 3 s beyond their browser starts: {', '.join(over) or 'none'}")
    for browsers, label in ((False, "episodes without a browser"),
                            (True, "episodes with browsers, their starts aside")):
        if checked[browsers]:  # (3) each group against as many floor notebooks
            row(f"nbval, {label} ({len(checked[browsers])}) / as many floors",
                sum(checked[browsers]) / (len(checked[browsers]) * statistics.median(floor)),
                "x", "<= 1.3")


def navigation_figures(repeat: int = 5, navigations: int = 20) -> None:
    """What the lab adds to an engine's own navigation: the same client navigating
    through a 302 to a 200, on the lab server (journal, routes) and on a bare WSGI
    function served the same way (goal: at most 1.2x). Cells made of navigations (the
    cache grid, the navigation tables) are held to this, not to 3 s."""
    with labserver.LabServer() as lab, served(_bare_redirects) as bare:
        for engine, kind in BROWSERS.items():
            if kind.unavailable_reason() is not None:
                print(f"{engine}: skipped ({kind.unavailable_reason()})")
                continue
            browser = labserver.open_browser(engine)
            try:
                def navigate(base: str, b: Any = browser) -> None:
                    for _ in range(navigations):
                        b.open(base + "/redirect/302?to=/echo")
                navigate(lab.url)  # warm up
                navigate(bare)
                ratios, per = [], []
                for _ in range(repeat):
                    below = median_of(lambda: navigate(bare), 1)
                    above = median_of(lambda: navigate(lab.url), 1)
                    ratios.append(above / below)
                    per.append(above / navigations)
                row(f"{engine}: one navigation through a 302, on the lab", statistics.median(per)
                    * 1000, "ms", "", spread(per, 1000))
                row(f"{engine}:   lab / bare WSGI function (paired, {navigations} each)",
                    statistics.median(ratios), "x", "<= 1.2", spread(ratios))
            finally:
                browser.close()


# -- 2. matrices: lab vs httpbin vs a bare WSGI function ----------------------------

def _bare_redirects(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The floor: the lab's two answers from a bare WSGI function (no Flask, no journal)."""
    path = environ["PATH_INFO"]
    if path.startswith("/redirect/"):
        code = path.rsplit("/", 1)[1]
        start_response(f"{code} Redirect", [("Location", "/echo"), ("Content-Length", "0")])
        return [b""]
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def _minimal_flask() -> Callable[..., Any]:
    """The floor's two answers from the smallest Flask app (no journal): what Flask alone
    adds per request, which the lab, a Flask app, cannot go under."""
    from flask import Flask, Response, request

    app = Flask("minimal")

    @app.route("/redirect/<int:code>", methods=[m for m in labserver.METHODS if m != "HEAD"])
    def redirect(code: int) -> Response:
        return Response(b"", code, {"Location": "/echo"})

    @app.route("/echo", methods=[m for m in labserver.METHODS if m != "HEAD"])
    def echo() -> Response:
        request.get_data()
        return Response(b"{}", 200, {"Content-Type": "application/json"})

    return app


@contextmanager
def served(app: Callable[..., Any]) -> Iterator[str]:
    """``app`` on the lab's own HTTP layer in threads, as the lab serves itself; yields its
    URL."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    port = int(listener.getsockname()[1])
    server = ConnectionServer(listener, WSGIService(app, keep_alive=True, scheme="http",
                                                    host="127.0.0.1", port=port),
                              name="benchmark")
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _send_all(client: labserver.Client, base: str, path_of: Callable[[Any], str]) -> None:
    client.prepare(base)
    for e in EXPERIMENTS:
        client.send(e.method, base + path_of(e), body=e.body,
                    headers=labserver.vocabulary.BODY_HEADERS if e.body else None)


Target = tuple[str, Callable[[Any], str]]
"""A server's URL and the path each experiment is sent to there."""


def _paired_ratios(client: labserver.Client, above: Target, below: Target,
                   pairs: int = 31) -> list[float]:
    """``pairs`` ratios, each of the 70 sends to ``above`` over the same sends to
    ``below`` just before: on this noisy machine a ratio of medians taken a minute apart
    moved between 1.2 and 1.4; paired, the quartiles stay within 0.1."""
    def seconds(target: Target) -> float:
        started = time.perf_counter()
        _send_all(client, *target)
        return time.perf_counter() - started
    seconds(above), seconds(below)  # warm up: a pooled connection to each
    ratios = []
    for _ in range(pairs):
        under = seconds(below)
        ratios.append(seconds(above) / under)
    return ratios


def _paired_row(name: str, ratios: list[float], goal: str = "") -> None:
    row(f"{name} (median of {len(ratios)} pairs)", statistics.median(ratios), "x", goal,
        spread(ratios))


def matrix_figures(repeat: int = 5) -> None:
    try:
        from httpbin import app as httpbin_app
    except ImportError:
        httpbin_app = None
        print("httpbin is not installed (pip install --no-deps -r benchmarks/requirements.txt): "
              "its column is left out")
    for engine, kind in BROWSERS.items():
        if kind.unavailable_reason() is None:
            row(f"{engine}: start and close the browser", median_of(
                lambda: labserver.open_browser(engine).close(), 3) * 1000, "ms")  # noqa: B023
    browsers = {engine: labserver.open_browser(engine) for engine in BROWSERS}
    total_lab = 0.0
    with labserver.LabServer() as lab, served(_bare_redirects) as bare, \
            served(_minimal_flask()) as flask, (
            served(httpbin_app) if httpbin_app else served(_bare_redirects)) as httpbin:
        for name in labserver.CLIENTS:
            browser = browsers.get(name)
            if isinstance(browser, MissingBrowser):
                continue
            client = browser or labserver.make_client(name)
            labserver.run_matrix(lab, client)  # warm up
            lab_s = median_of(lambda: labserver.run_matrix(lab, client), repeat)  # noqa: B023
            floor_s = median_of(lambda: _send_all(client, bare, lambda e: e.path), repeat)  # noqa: B023
            total_lab += lab_s
            goal = {"httpx": "< 150 ms", "chromium": "< 2000 ms", "firefox": "< 2000 ms"}
            row(f"{name}: lab matrix (35 experiments, 70 requests)", lab_s * 1000, "ms",
                goal.get(name, ""))
            row(f"{name}:   lab / bare WSGI floor", lab_s / floor_s, "x",
                "<= 1.2" if name == "httpx" else "")
            def path(e: Experiment) -> str:
                return str(e.path)

            def httpbin_path(e: Experiment) -> str:
                return f"/redirect-to?url=/anything&status_code={e.code}"
            if name == "httpx":  # the same 70 sends, paired: the lab against its peers
                _paired_row(f"{name}:   the lab's 70 sends / a minimal Flask app",
                            _paired_ratios(client, (lab.url, path), (flask, path)), "<= 1.15")
                if httpbin_app:
                    _paired_row(f"{name}:   the lab's 70 sends / httpbin's /redirect-to",
                                _paired_ratios(client, (lab.url, path), (httpbin, httpbin_path)),
                                "<= 1.0")
                for label, url in (("the lab's 70 sends", lab.url),
                                   ("a minimal Flask app", flask)):
                    _paired_row(f"{name}:   {label} / floor",
                                _paired_ratios(client, (url, path), (bare, path)))
            if httpbin_app:
                bin_s = median_of(lambda: _send_all(client, httpbin, httpbin_path), repeat)  # noqa: B023
                row(f"{name}:   lab / httpbin", lab_s / bin_s, "x", "<= 1.0")
                if name == "httpx":  # how far above a bare function a whole Flask app sits
                    row(f"{name}:   httpbin / bare WSGI floor", bin_s / floor_s, "x")
            if browser is None:
                client.close()
    for each in browsers.values():
        each.close()
    row("all clients' matrices, browser already started", total_lab, "s", "< 5 s")


# -- 3. start and stop --------------------------------------------------------------

def lifecycle_figures(repeat: int = 20) -> None:
    starts, stops = [], []
    with httpx.Client() as client:
        for _ in range(repeat):
            server = labserver.LabServer()
            started = time.perf_counter()
            server.start()
            client.get(server.url + "/echo")
            starts.append(time.perf_counter() - started)
            started = time.perf_counter()
            server.stop()
            stops.append(time.perf_counter() - started)
    row("lab server start to first answer (median of 20)", statistics.median(starts) * 1000,
        "ms", "< 50 ms")
    row("lab server stop (median of 20)", statistics.median(stops) * 1000, "ms", "< 50 ms")


# -- 4. load ------------------------------------------------------------------------

def load_figures(clients: int = 50, each: int = 40) -> None:
    with labserver.LabServer() as server:
        mark = server.journal.mark()

        def worker(n: int) -> None:
            with httpx.Client(base_url=server.url, timeout=10) as http:
                for i in range(each):
                    http.get("/echo", params={"id": f"{n}-{i}"})

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(worker, range(clients)))
        seconds = time.perf_counter() - started
        journaled = {e.query for e in server.journal.since(mark)}
    total = clients * each
    row(f"requests per second, {clients} concurrent clients ({total} requests)",
        total / seconds, "rps")
    row("  journal completeness (each request exactly once)", 100 * len(journaled) / total, "%",
        "100 %")


# -- 5. memory ----------------------------------------------------------------------

def memory_figures() -> None:
    for lesson in LESSONS:
        if missing_needs(lesson):
            print(f"{lesson.stem}: skipped ({'; '.join(missing_needs(lesson))})")
            continue
        row(f"kernel memory after {lesson.stem}", _run_all(lesson).rss / 2**20,
            "MiB")
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    with labserver.LabServer() as server, httpx.Client(base_url=server.url) as http:
        for i in range(labserver.server.journal.DEFAULT_CAPACITY):
            http.get("/echo", params={"i": i})
        after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    row("one lab server with a full journal (10,000 entries)", grown / 2**20, "MiB")


def flood_figures(requests: int = 1500, runs: int = 3) -> None:
    """Resident memory of a process serving a header flood: each request carries 90
    headers of 700 bytes (just under the 64 KiB and 100-line limits) and a 60 KB query,
    as many as the journal's byte budget can hold several times over. Goal: growth
    bounded by the budget (32 MiB), with the journal answering quickly."""
    headers = {f"X-Flood-{i:02d}": "v" * 700 for i in range(90)}  # just under 64 KiB, 100 lines
    query = {"q": "x" * 60_000}
    grown, reads = [], []
    for _ in range(runs):
        process = psutil.Process()
        with labserver.LabServer() as server, httpx.Client(base_url=server.url) as http:
            before = process.memory_info().rss
            for _ in range(requests):
                http.get("/echo", params=query, headers=headers)
            grown.append((process.memory_info().rss - before) / 2**20)
            started = time.perf_counter()
            http.get("/journal")
            reads.append(time.perf_counter() - started)
            held = server.journal.bytes_held / 2**20
    row(f"memory growth under a {requests}-request header flood", statistics.median(grown),
        "MiB",
        f"bounded (journal budget {labserver.server.journal.DEFAULT_BYTE_BUDGET // 2**20} MiB)")
    row("journal bytes held after the flood", held, "MiB")
    row("reading /journal after the flood", statistics.median(reads) * 1000, "ms")


def framework_figures(repeat: int = 5) -> None:
    """Lesson 19's frameworks: starting them all, and the observed table once they are up
    (issue 15's goal: under 10 s)."""
    starts, tables = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        frameworks, skipped = start_frameworks()
        started = time.perf_counter()
        framework_redirects(frameworks)
        tables.append(time.perf_counter() - started)
        starts.append(started - began)
        stop_frameworks(frameworks)
    row(f"start {len(frameworks)} frameworks, Next.js's build kept "
        f"(skipped: {', '.join(skipped) or 'none'})", statistics.median(starts), "s")
    row("the observed framework table, once they are up", statistics.median(tables), "s",
        "< 10 s")
    if "Next.js" in frameworks:
        builds = []
        for _ in range(repeat):
            began = time.perf_counter()
            NextApp().build(fresh=True)
            builds.append(time.perf_counter() - began)
        row("Next.js production build (next build), made once and kept",
            statistics.median(builds), "s", "measured apart")


def fuzz_figures() -> None:
    """The raw-input fuzz tests with 20x the suite's examples (REDIRECT_LAB_FUZZ_EXAMPLES):
    request lines, Host headers, bodies, and raw framing at the lab and through the proxy."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-n", "0", str(ROOT / "tests" / "test_reliability.py"),
                           str(ROOT / "tests" / "test_http_framing.py"),
                           "-k", "fuzzed or around_the_limit or nested or allow_list or "
                           "open_redirect_journals or host_header"],
                          env={**__import__("os").environ, "REDIRECT_LAB_FUZZ_EXAMPLES": "1200"},
                          capture_output=True, text=True, cwd=ROOT)
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:])
    row("long fuzz (1,200 examples per raw-input test)", time.perf_counter() - started, "s")


# -- 7. time to the first lesson ----------------------------------------------------

def _first_lesson_run(commit: str, cold: bool, sizes: dict[str, float] | None = None
                      ) -> dict[str, float]:
    """One run of the README's learn command (the bash block after **Learn**, split at
    ``&&``) in a fresh clone at ``commit`` and a fresh python3.11 venv (its creation timed as the
    first phase); seconds per phase. ``jupyter lab`` gets ``--no-browser``, a free loopback
    port and a token, and its phase ends when ``GET /api/contents/<episode>`` answers 200.
    With ``sizes``: what the run installed and what its command downloads, in MiB."""
    import json
    import os
    import re
    import secrets
    import shlex
    import signal
    import tomllib

    def mib(folder: Path) -> float:  # apparent size, symbolic links not followed
        return sum(f.lstat().st_size for f in folder.rglob("*") if not f.is_dir()) / 2**20

    python = shutil.which("python3.11") or sys.exit("first-lesson: no python3.11 on PATH")
    with tempfile.TemporaryDirectory(prefix="first-lesson-") as tmp:
        repo, venv, log = Path(tmp) / "redirect-lab", Path(tmp) / "redirect-lab/.venv", \
            Path(tmp) / "log.txt"
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(repo)],
                       check=True)
        subprocess.run(["git", "checkout", "--quiet", commit], cwd=repo, check=True)
        found = re.search(r"\*\*Learn\*\*.*?```bash\n(.+?)\n```",
                          (repo / "README.md").read_text(), re.S)
        if found is None:
            sys.exit("first-lesson: README.md has no bash block after **Learn**")
        *steps, lab = [part.strip() for part in found.group(1).split("&&")]
        episode = Path(next(w for w in shlex.split(lab) if w.endswith(".ipynb"))).name
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        env["PATH"] = os.pathsep.join([str(venv / "bin"), *(
            p for p in env["PATH"].split(os.pathsep) if not p.startswith(str(ROOT)))])
        env["VIRTUAL_ENV"] = str(venv)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "IPYTHONDIR"):  # a learner's first JupyterLab: no settings of ours
            env[name] = str(Path(tmp) / name.lower())
        if cold:  # PyPI only (no cache, no wheel folder, no local index) and npm from empty
            env.pop("PIP_FIND_LINKS", None)
            env.update(PIP_NO_CACHE_DIR="1", PIP_CONFIG_FILE=os.devnull,
                       npm_config_cache=str(Path(tmp) / "npm-cache"))
        seconds: dict[str, float] = {}
        with log.open("w") as out:
            def phase(name: str, command: list[str]) -> None:
                started = time.perf_counter()
                done = subprocess.run(command, cwd=repo, env=env, stdout=out,
                                      stderr=subprocess.STDOUT)
                seconds[name] = time.perf_counter() - started
                if done.returncode:
                    out.flush()
                    sys.exit(f"first-lesson: `{name}` failed:\n{log.read_text()[-3000:]}")

            phase(f"{Path(python).name} -m venv .venv", [python, "-m", "venv", str(venv)])
            for step in steps:
                phase(step, ["bash", "-c", step])
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = int(probe.getsockname()[1])
            token, url = secrets.token_hex(16), f"http://127.0.0.1:{port}"
            auth = {"Authorization": f"token {token}"}
            started = time.perf_counter()
            root = " --allow-root" if os.geteuid() == 0 else ""  # this machine's user is root
            server = subprocess.Popen(
                ["bash", "-c", f"exec {lab} --no-browser --port={port} --ServerApp.port_retries=0"
                 f" --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}{root}"],
                cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            try:  # `jupyter lab FOLDER/FILE` serves FOLDER, so FILE is the episode's path
                while True:
                    if server.poll() is not None or time.perf_counter() - started > 300:
                        out.flush()
                        sys.exit(f"first-lesson: JupyterLab did not serve {episode}:\n"
                                 f"{log.read_text()[-3000:]}")
                    try:
                        if httpx.get(f"{url}/api/contents/{episode}", headers=auth,
                                     timeout=10).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.05)
                seconds[f"{lab}, until 200"] = time.perf_counter() - started
                page = httpx.get(f"{url}/lab/tree/{episode}", headers=auth, timeout=30)
                if page.status_code != 200:
                    sys.exit(f"first-lesson: /lab/tree/{episode} answered {page.status_code}")
                if sizes is not None and not cold:
                    sizes["installed: the venv's site-packages"] = mib(
                        next(venv.glob("lib/python*/site-packages")))
                    sizes["installed: node_modules"] = sum(
                        mib(f) for f in (repo / "labserver").rglob("node_modules")
                        if "node_modules" not in f.parent.parts)
                    wheels, wanted = Path(tmp) / "wheels", Path(tmp) / "wanted.txt"
                    wanted.write_text("".join(  # the editable line is the repository itself
                        line for line in (repo / "requirements.txt").open()
                        if not line.startswith("-e")))
                    building = tomllib.loads((repo / "pyproject.toml").read_text())
                    subprocess.run([str(venv / "bin/python"), "-m", "pip", "download", "-q",
                                    "-d", str(wheels), "-r", str(wanted),
                                    *building["build-system"]["requires"]],
                                   cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   check=True)
                    sizes[f"download: Python wheels ({len(list(wheels.iterdir()))} files, "
                          "setuptools for the editable install included)"] = mib(wheels)
                if sizes is not None and cold:  # each response npm fetched, from its index
                    fetched = [json.loads(line.split("\t", 1)[1]) for bucket in
                               (Path(tmp) / "npm-cache/_cacache/index-v5").rglob("*")
                               if bucket.is_file()
                               for line in bucket.read_text().splitlines() if "\t" in line]
                    for kind, chosen in (("tarballs", True), ("metadata documents", False)):
                        responses = [e.get("size") or 0 for e in fetched  # not pacote's aliases
                                     if e["key"].startswith("make-fetch-happen:request-cache:")
                                     and e["key"].endswith(".tgz") == chosen]
                        sizes[f"download: Node packages, {len(responses)} {kind}"] = \
                            sum(responses) / 2**20
            finally:  # shuts its kernels down too; then the whole process group
                try:
                    httpx.post(f"{url}/api/shutdown", headers=auth, timeout=10)
                    server.wait(30)
                except (httpx.HTTPError, subprocess.TimeoutExpired):
                    if server.poll() is None:
                        os.killpg(server.pid, signal.SIGTERM)
                        server.wait(30)
    return seconds


def first_lesson_figures(warm: int = 5, cold: int = 3) -> None:
    """Time to the first lesson (issue 36): the README's learn command from a fresh clone
    and venv until JupyterLab serves the first episode, each phase and the total as medians
    (min-max) of ``warm`` runs with this machine's caches as they are and of ``cold`` runs
    (fewer: each downloads everything), taken in turns so that both meet the same load on
    this shared machine; then the sizes."""
    import os
    import resource

    commit = subprocess.run(["git", "log", "-1", "--format=%H %cs"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    print(f"time to the first lesson: commit {commit[0][:7]} ({commit[1]}), measured "
          f"{time.strftime('%Y-%m-%d')}, load average {os.getloadavg()[0]:.1f}; each run: a "
          "fresh clone, a python3.11 venv, the README's learn command; JupyterLab's phase ends "
          "when GET /api/contents/<episode> (its folder is the root) answers 200", flush=True)
    sizes: dict[str, float] = {}
    taken: dict[str, list[dict[str, float]]] = {"warm": [], "cold": []}
    for n in range(max(warm, cold)):
        for label, repeat in (("warm", warm), ("cold", cold)):
            if n < repeat:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                taken[label].append(_first_lesson_run(commit[0], label == "cold",
                                                      sizes if n == 0 else None))
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                print(f"  {label} run {n + 1}: {sum(taken[label][-1].values()):.1f} s, its "
                      f"processes' CPU {cpu:.0f} s{' (sizes too)' if n == 0 else ''}, "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for label, runs in taken.items():
        print(f"{label}: median of {len(runs)} runs (min-max); " + (
            "pip --no-cache-dir with no wheel folder or local index (PyPI only), npm ci into "
            "an empty cache; still warm: the OS page cache, python3.11, the clone's objects, "
            "DNS, the registries' CDNs" if label == "cold" else
            "pip's wheel folder and local index and npm's cache as this machine has them "
            "(pip's HTTP cache keeps nothing here: the registry's answers carry no caching "
            "headers)"))
        for name in [*runs[0], "total"]:
            samples = [sum(run.values()) if name == "total" else run[name] for run in runs]
            row(f"  {name} ({min(samples):.1f}-{max(samples):.1f})", statistics.median(samples),
                "s", "measured, reported")
    print(f"  load average at the end {os.getloadavg()[0]:.1f}")
    for name, value in sizes.items():
        row(name, value, "MiB")


PARTS: dict[str, Callable[[], None]] = {
    "lifecycle": lifecycle_figures, "load": load_figures, "matrices": matrix_figures,
    "memory": memory_figures, "imports": import_figures,
    "flood": flood_figures, "fuzz": fuzz_figures, "frameworks": framework_figures,
    "lessons": lesson_figures, "suite": suite_figures, "navigation": navigation_figures,
    "first-lesson": first_lesson_figures,
}


def main() -> None:
    """``python benchmarks/run.py [part ...]``: all parts, or the ones named."""
    chosen = sys.argv[1:] or list(PARTS)
    unknown = [name for name in chosen if name not in PARTS]
    if unknown:
        sys.exit(f"unknown part {', '.join(unknown)}; choose from: {', '.join(PARTS)}")
    print(f"Redirect Lab benchmarks on {sys.platform}, Python {sys.version.split()[0]}\n")
    for name in chosen:
        PARTS[name]()


if __name__ == "__main__":
    main()
