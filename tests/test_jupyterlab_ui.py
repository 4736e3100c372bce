"""Every notebook as a learner sees it: opened in JupyterLab, in a real browser.

nbval proves the kernel computes what each notebook stored, and its re-runs that every
cell can be run again; it does not prove that the notebook *looks* right. Here JupyterLab
is started on loopback and each notebook is opened, with the outputs nbval has just proved
current, in headless Chromium (Debian's ``chromium``, driven by Playwright as in the
browser episodes), without running it a third time. The test asserts what a learner would
notice: every Mermaid diagram drawn, every coloured table there, every check and solution
shown with its source collapsed, and every coloured cell's text and every diagram label
legible (WCAG AA, 4.5:1) in the dark theme as opened, then in the light theme, then in the
dark theme switched to, with a screenshot of each theme under ``artifacts/jupyterlab/``
(or the folder in ``REDIRECT_LAB_ARTIFACTS``), which CI keeps.

One episode is also run from JupyterLab's own UI (*Run ▸ Run All Cells* in a real
kernel, on a copy with its outputs cleared), to prove that route works.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from labserver.clients.chromium import LAUNCH_ARGS, find_browser
from labserver.teaching.environment import lessons

ROOT = Path(__file__).resolve().parents[1]
LESSONS = lessons(ROOT / "notebooks")
ARTIFACTS = Path(os.environ.get("REDIRECT_LAB_ARTIFACTS", ROOT / "artifacts")) / "jupyterlab"
VIEWPORT = {"width": 1280, "height": 900}
RUN_TIMEOUT_SECONDS = 6 * 60
"""A whole lesson, browser lessons included, on a loaded 2-core machine."""

RUN_FROM_THE_UI = "01_anatomy_of_a_redirect.ipynb"
"""The episode run with *Run All Cells* from JupyterLab's UI (the others are rendered from
their stored outputs): the first a learner meets, with a diagram and coloured tables."""

DRAWN = ".jp-RenderedMermaid :is(svg, img[src^='data:image/svg+xml'])"
"""A Mermaid diagram JupyterLab has drawn: inline SVG, or (as 4.6 does) an SVG image."""

SETTINGS = {
    # Every cell in the DOM, so every output can be counted and the screenshot is whole.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No news or update checks: nothing leaves loopback, and no toast covers the page.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}

needs_browser = pytest.mark.skipif(
    find_browser() is None,
    reason="no Chromium-family browser installed (Debian: apt-get install chromium)")


@dataclass
class JupyterLab:
    url: str
    token: str
    root: Path


def _clear_outputs(path: Path) -> None:
    """Start from no outputs, so everything checked afterwards came from this run."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    path.write_text(json.dumps(notebook), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(lab: JupyterLab, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={lab.token}", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer within {seconds} s")


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """JupyterLab on 127.0.0.1 with private config, settings and a copy of the lessons."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(root / RUN_FROM_THE_UI, root / f"ran-{RUN_FROM_THE_UI}")
    _clear_outputs(root / f"ran-{RUN_FROM_THE_UI}")
    settings = home / "settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTER_DATA_DIR": str(home / "data")}
    # The stored outputs are the lab's own, which nbval has just proved: trust them, as
    # JupyterLab trusts outputs it made, so their HTML (ids, styles) is shown as it is.
    subprocess.run([sys.executable, "-m", "jupyter", "trust", *map(str, root.glob("*.ipynb"))],
                   env=env, check=True, capture_output=True, timeout=120)
    token = secrets.token_hex(16)
    with (home / "jupyterlab.log").open("w") as log:
        process = None
        for _attempt in range(3):  # another process may take the port between probe and bind
            port = _free_port()
            lab = JupyterLab(f"http://127.0.0.1:{port}", token, root)
            process = subprocess.Popen(
                [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                 "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                 "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                 f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
                 "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                 "--LabApp.expose_app_in_browser=True"],
                env=env, stdout=subprocess.DEVNULL, stderr=log)
            try:
                _wait_until_up(lab, process)
                break
            except RuntimeError:
                _stop(process)
        else:
            pytest.fail(f"JupyterLab did not start; see {home / 'jupyterlab.log'}")
        try:
            yield lab
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=find_browser(), headless=True,
                                              args=LAUNCH_ARGS)
        yield launched
        launched.close()


OPEN_ALONE = """async ([path, start]) => {
  // Open the notebook, then close every other tab (the last lesson, the launcher):
  // the earlier lesson was saved and its kernel shut down by then. A notebook only
  // rendered starts no kernel.
  const app = window.jupyterapp;
  const opened = await app.commands.execute('docmanager:open',
      {path, kernelPreference: {shouldStart: start, canStart: start}});
  for (const widget of [...app.shell.widgets('main')]) {
    if (widget !== opened) widget.dispose();
  }
}"""


class LabTab:
    """One browser tab with JupyterLab loaded, reused for every lesson of a module:
    loading JupyterLab's frontend takes seconds, opening a notebook in it does not.
    After a failed lesson the tab is thrown away and the next lesson loads a fresh one."""

    def __init__(self, browser, lab: JupyterLab) -> None:
        self._browser, self._lab = browser, lab
        self._context = None
        self._page = None

    def open(self, lesson: Path, run: bool = False, theme: str | None = None):
        """The tab, showing ``lesson`` (and nothing else) at the test's window size; with
        ``run``, its kernel started; with ``theme``, drawn in that theme from the start."""
        if self._page is None:
            self._context = self._browser.new_context(viewport=VIEWPORT)
            self._page = self._context.new_page()
            self._page.set_default_timeout(60_000)
            self._page.goto(f"{self._lab.url}/lab?reset&token={self._lab.token}")
            self._page.wait_for_function("() => window.jupyterapp !== undefined")
            self._page.evaluate("() => window.jupyterapp.restored.then(() => null)")
        self._page.set_viewport_size(VIEWPORT)
        if theme is not None:
            _use_theme(self._page, theme)
        self._page.evaluate(OPEN_ALONE, [lesson.name, run])
        return self._page

    def discard(self) -> None:
        if self._context is not None:
            self._context.close()
        self._context = self._page = None


@pytest.fixture(scope="module")
def tab(browser, jupyterlab: JupyterLab) -> Iterator[LabTab]:
    reused = LabTab(browser, jupyterlab)
    yield reused
    reused.discard()


def _expected(notebook: dict) -> tuple[int, int]:
    """(Mermaid diagrams, coloured tables) in a notebook's cells and outputs."""
    diagrams = tables = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            diagrams += "".join(cell["source"]).count("```mermaid")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            diagrams += "".join(data.get("text/markdown", "")).count("```mermaid")
            diagrams += "text/vnd.mermaid" in data
            tables += len(re.findall(r'<table id="T_lab_', "".join(data.get("text/html", ""))))
    return diagrams, tables


def _save(page, path: Path) -> dict:
    """Save from the UI (Ctrl+S) and read back what the learner's run has produced so far."""
    before = path.stat().st_mtime_ns
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} was not saved from the UI")
        time.sleep(0.1)
    for _ in range(50):  # the write may still be under way
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            time.sleep(0.1)
    raise AssertionError(f"{path.name} saved from the UI is not valid JSON")


def _unrun(notebook: dict) -> list[int]:
    return [n for n, cell in enumerate(notebook["cells"], start=1)
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
            and cell.get("execution_count") is None]


IDLE = ".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']"
"""The notebook's execution indicator while its kernel is idle."""

FINISHED = """(idleSelector) => {
  // Run All has finished when the kernel is idle and no cell is queued or running ([*]):
  // JupyterLab marks every queued cell at once, and unmarks the rest when one fails.
  const idle = document.querySelector(idleSelector);
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return idle !== null && !prompts.some((p) => p.textContent.includes('[*]'));
}"""


def _run_all_cells(page, lesson: Path, lab: JupyterLab) -> dict:
    """With the lesson open, click Run > Run All Cells, wait for the kernel to finish,
    and return the notebook as the UI saved it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(IDLE).wait_for()
    # The kernel must be up before Run All, or the cells queued meanwhile are dropped.
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for()
    for _attempt in range(3):
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        try:  # a cell queued ([*]) or already run ([1]): the run has started
            page.wait_for_function(
                """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                          .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""",
                timeout=20_000)
            break
        except PlaywrightTimeout:
            continue
    try:
        page.wait_for_function(FINISHED, arg=IDLE, timeout=RUN_TIMEOUT_SECONDS * 1000, polling=200)
    except PlaywrightTimeout:
        ran = _save(page, lab.root / lesson.name)
        raise AssertionError(f"{lesson.name}: still running after {RUN_TIMEOUT_SECONDS} s, "
                             f"cells {_unrun(ran)} not run") from None
    return _save(page, lab.root / lesson.name)


def _shut_down_kernels(lab: JupyterLab) -> None:
    """One lesson's kernel (its lab servers, its browser) must not outlive its test."""
    headers = {"Authorization": f"token {lab.token}"}
    request = urllib.request.Request(f"{lab.url}/api/sessions", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            f"{lab.url}/api/sessions/{session['id']}", method="DELETE", headers=headers),
            timeout=30).close()


THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}

CONTRAST = """() => {
  // WCAG 2.2 contrast of each coloured cell's text on its tint laid over the page.
  const rgba = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
      v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const under = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(e).backgroundColor);
      if (a === 1) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const worst = [];
  for (const cell of document.querySelectorAll("table[id^='T_lab_'] td, .jp-RenderedHTML p span")) {
    const style = getComputedStyle(cell);
    const [r, g, b, a = 1] = rgba(style.backgroundColor);
    if (a === 0) continue;
    const page = under(cell);
    const bg = [r, g, b].map((c, i) => a * c + (1 - a) * page[i]);
    const [tr, tg, tb, ta = 1] = rgba(style.color);
    const fg = [tr, tg, tb].map((c, i) => ta * c + (1 - ta) * bg[i]);
    const [hi, lo] = [lum(bg), lum(fg)].sort((x, y) => y - x);
    worst.push([(hi + 0.05) / (lo + 0.05), cell.textContent.trim()]);
  }
  worst.sort((x, y) => x[0] - y[0]);
  return worst.slice(0, 3);
}"""
"""The three least readable coloured cells (table cells and key swatches) on the page."""


def _use_theme(page, theme: str) -> None:
    page.evaluate(f"() => window.jupyterapp.commands.execute('apputils:change-theme', "
                  f"{{theme: '{THEMES[theme]}'}})")
    light = "true" if theme == "light" else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")
    # The theme's stylesheet applies after the attribute: wait for its page colour.
    page.wait_for_function(
        "(white) => (getComputedStyle(document.body).getPropertyValue('--jp-layout-color0')"
        ".trim() === 'white') === white", arg=theme == "light", polling="raf")
    _painted(page)


def _painted(page) -> None:
    """Wait until the browser has laid out and painted what was just changed."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _screenshot(page, lesson: Path, theme: str = "light") -> Path:
    """The whole lesson in one picture: sidebar closed, the page as tall as the notebook."""
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    if page.locator(".jp-SideBar.jp-mod-left .lm-mod-current").count():
        page.keyboard.press("Control+b")  # the file browser takes a quarter of the width
    scroller = ".jp-NotebookPanel .jp-WindowedPanel-outer"
    height = page.evaluate(f"() => document.querySelector('{scroller}').scrollHeight")
    page.set_viewport_size({**VIEWPORT, "height": min(height + 200, 30_000)})
    page.evaluate(f"() => document.querySelector('{scroller}').scrollTo(0, 0)")
    _painted(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{lesson.stem}-{theme}.png"
    page.screenshot(path=str(path))
    return path


DIAGRAM_CONTRAST = """async () => {
  // WCAG 2.2 contrast of each diagram label on what lies under it. JupyterLab draws a
  // diagram as an SVG image; a copy of it is laid over the page for a moment, so the
  // browser can say which shapes lie under each label and what colour they paint.
  const rgba = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
      v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const pageUnder = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(e).backgroundColor);
      if (a === 1) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const host = document.createElement('div');
  host.style.cssText = 'position: fixed; left: 0; top: 0; z-index: 2147483647;';
  document.body.appendChild(host);
  const worst = [];
  try {
    const images = ".jp-RenderedMermaid img[src^='data:image/svg+xml']";
    for (const img of document.querySelectorAll(images)) {
      const page = pageUnder(img);
      const data = img.src.slice(img.src.indexOf(',') + 1);
      const text = img.src.includes(';base64,') ? atob(data) : decodeURIComponent(data);
      const svg = document.importNode(
        new DOMParser().parseFromString(text, 'image/svg+xml').documentElement, true);
      host.replaceChildren(svg);
      // A label is the innermost element holding its words: a <tspan> (or a <text>
      // without one), or the HTML inside a <foreignObject>, as flowcharts draw them.
      const leaves = [...svg.querySelectorAll('text, tspan, foreignObject *')].filter(
        (e) => e.textContent.trim() && ![...e.children].some((c) => c.textContent.trim()));
      for (const label of leaves) {
        const box = label.getBoundingClientRect();
        if (!box.width) continue;
        const html = !(label instanceof SVGElement);
        const layers = [];
        for (const e of document.elementsFromPoint(box.x + box.width / 2,
                                                   box.y + box.height / 2)) {
          if (e === svg || !svg.contains(e)) break;
          const shape = ['rect', 'circle', 'ellipse', 'polygon', 'path'].includes(e.tagName);
          if (e === label || (e instanceof SVGElement && !shape)) continue;  // text, groups
          const style = getComputedStyle(e);
          const paint = e instanceof SVGElement ? style.fill : style.backgroundColor;
          const [r, g, b, a = 1] = rgba(paint);
          const opacity = e instanceof SVGElement ? Number(style.fillOpacity || 1) : 1;
          const alpha = a * opacity * Number(style.opacity || 1);
          if (paint === 'none' || !(alpha > 0)) continue;
          layers.push([[r, g, b], alpha]);
        }
        let bg = page;
        for (const [colour, alpha] of layers.reverse()) {
          bg = colour.map((c, i) => alpha * c + (1 - alpha) * bg[i]);
        }
        const style = getComputedStyle(label);
        const [tr, tg, tb] = rgba(html ? style.color : style.fill);
        const [hi, lo] = [lum(bg), lum([tr, tg, tb])].sort((x, y) => y - x);
        worst.push([(hi + 0.05) / (lo + 0.05), label.textContent.trim()]);
      }
    }
  } finally {
    host.remove();
  }
  worst.sort((x, y) => x[0] - y[0]);
  return worst.slice(0, 3);
}"""
"""The three least readable diagram labels on the page."""

COLLAPSED = ".jp-Cell .jp-InputPlaceholder"
"""A code cell whose source JupyterLab shows collapsed (a check or a solution)."""


def _hidden_sources(notebook: dict) -> int:
    return sum(1 for cell in notebook["cells"]
               if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


FIRST_HALF, SECOND_HALF = LESSONS[0::2], LESSONS[1::2]
"""The notebooks are checked in two modules (this one and ``test_jupyterlab_ui_second_half``),
each with its own JupyterLab and browser: with ``--dist loadfile`` two workers take one
each and run them side by side."""


@needs_browser
@pytest.mark.parametrize("lesson", FIRST_HALF, ids=[p.stem for p in FIRST_HALF])
def test_lesson_reads_well_in_jupyterlab(lesson: Path, jupyterlab: JupyterLab,
                                         tab: LabTab) -> None:
    check_in_jupyterlab(lesson, jupyterlab, tab)


def _legible(page, lesson: Path, state: str, tables: int, diagrams: int) -> None:
    lowest = page.evaluate(CONTRAST)
    assert lowest or not tables, f"{lesson.name}: no coloured cell was measured"
    assert all(ratio >= 4.5 for ratio, _ in lowest), \
        f"{lesson.name}, {state}: text below WCAG AA contrast: {lowest}"
    labels = page.evaluate(DIAGRAM_CONTRAST)
    assert labels or not diagrams, f"{lesson.name}: no diagram label was measured"
    assert all(ratio >= 4.5 for ratio, _ in labels), \
        f"{lesson.name}, {state}: diagram labels below WCAG AA contrast: {labels}"


def check_in_jupyterlab(lesson: Path, jupyterlab: JupyterLab, tab: LabTab) -> None:
    """Open ``lesson`` with its stored outputs in the dark theme, and check what a learner
    would see there, then in the light theme, then in the dark theme switched to."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    stored = json.loads(lesson.read_text(encoding="utf-8"))
    diagrams, tables = _expected(stored)
    # drawn in the dark theme from the start, as a learner who reads in it sees it
    page = tab.open(lesson, theme="dark")
    passed = False
    try:
        hidden = _hidden_sources(stored)
        try:  # every output drawn: diagrams, coloured tables, collapsed cells
            page.wait_for_function(
                f"""() => document.querySelectorAll(`{DRAWN}`).length >= {diagrams}
                    && document.querySelectorAll("table[id^='T_lab_']").length >= {tables}
                    && document.querySelectorAll(`{COLLAPSED}`).length >= {hidden}""",
                timeout=30_000)
        except PlaywrightTimeout:  # the counts below say what is missing
            pass
        drawn = page.locator(DRAWN).count()
        warnings = page.locator(".jp-RenderedMermaid.jp-mod-warning").count()
        assert (drawn, warnings) == (diagrams, 0), \
            f"{lesson.name}: {drawn} of {diagrams} Mermaid diagrams drawn, {warnings} failed"
        shown = page.locator("table[id^='T_lab_']").count()
        assert shown == tables, f"{lesson.name}: {shown} of {tables} coloured tables shown"
        collapsed = page.locator(COLLAPSED).count()
        assert collapsed == hidden, (
            f"{lesson.name}: {collapsed} cells shown collapsed, {hidden} stored so")
        _painted(page)
        _legible(page, lesson, "opened in the dark theme", tables, diagrams)
        for theme in ("light", "dark"):  # switched to, after the page was drawn
            _use_theme(page, theme)
            _legible(page, lesson, f"switched to the {theme} theme", tables, diagrams)
            _screenshot(page, lesson, theme)
        passed = True
    finally:
        if not passed:
            tab.discard()


@needs_browser
def test_an_episode_runs_cleanly_from_jupyterlabs_own_run_all(jupyterlab: JupyterLab,
                                                               tab: LabTab) -> None:
    """JupyterLab's *Run All Cells* in a real kernel, on a copy without outputs: no cell
    errors or is left unrun, and what it draws is all there."""
    lesson = jupyterlab.root / f"ran-{RUN_FROM_THE_UI}"
    page = tab.open(lesson, run=True)
    passed = False
    try:
        ran = _run_all_cells(page, lesson, jupyterlab)
        errors = [f"cell {n}: {o['ename']}: {o['evalue']}"
                  for n, cell in enumerate(ran["cells"], start=1)
                  for o in cell.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, f"{lesson.name} errored in JupyterLab: {errors}"
        assert not _unrun(ran), f"{lesson.name}: cells {_unrun(ran)} did not run"
        diagrams, tables = _expected(ran)
        assert (diagrams, tables) == _expected(
            json.loads((ROOT / "notebooks" / RUN_FROM_THE_UI).read_text(encoding="utf-8")))
        page.wait_for_function(
            f"() => document.querySelectorAll(`{DRAWN}`).length >= {diagrams}", timeout=30_000)
        assert page.locator("table[id^='T_lab_']").count() == tables
        _screenshot(page, lesson, "run-all")
        passed = True
    finally:
        if not passed:
            tab.discard()
        _shut_down_kernels(jupyterlab)


def test_the_lessons_have_diagrams_and_coloured_tables_for_the_ui_test_to_check() -> None:
    """Without any, the UI test's Mermaid and table checks would pass vacuously."""
    assert sorted(FIRST_HALF + SECOND_HALF) == sorted(LESSONS)
    counts = [_expected(json.loads(p.read_text(encoding="utf-8"))) for p in LESSONS]
    assert sum(d for d, _ in counts) >= 2
    assert sum(t for _, t in counts) >= 2
    assert sum(_hidden_sources(json.loads(p.read_text(encoding="utf-8"))) for p in LESSONS) >= 2
