"""The other half of the notebooks, opened in JupyterLab (see ``test_jupyterlab_ui``), and
the playground as a learner uses it: a control changed, Run clicked, and the coloured
table and the sequence diagram it draws checked in both themes.

A module of its own, with its own JupyterLab and browser, so that pytest-xdist
(``--dist loadfile``) gives it to another worker than the first half's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_jupyterlab_ui import (  # noqa: F401  (pytest finds the fixtures by name)
    DRAWN,
    SECOND_HALF,
    THEMES,
    JupyterLab,
    LabTab,
    _legible,
    _run_all_cells,
    _screenshot,
    _shut_down_kernels,
    _use_theme,
    browser,
    check_in_jupyterlab,
    jupyterlab,
    needs_browser,
    tab,
)


@needs_browser
@pytest.mark.parametrize("lesson", SECOND_HALF, ids=[p.stem for p in SECOND_HALF])
def test_lesson_reads_well_in_jupyterlab(lesson: Path, jupyterlab: JupyterLab,  # noqa: F811
                                         tab: LabTab) -> None:  # noqa: F811
    check_in_jupyterlab(lesson, jupyterlab, tab)


CELL = 'from labserver import playground\n\nplayground.playground("02")'
"""The cell an episode ends with to open the playground at its own experiment."""


def _dropdown(page, label: str):
    return page.locator(".widget-dropdown", has=page.locator(
        "label", has_text=re.compile(f"^{label}$"))).locator("select")


@needs_browser
def test_the_playground_runs_from_jupyterlab_and_draws_its_table_and_diagram(
        jupyterlab: JupyterLab, tab: LabTab) -> None:  # noqa: F811
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                           "outputs": [], "source": CELL}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path = jupyterlab.root / "playground_ui.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    page = tab.open(path, run=True)
    passed = False
    try:
        _run_all_cells(page, path, jupyterlab)
        run = page.locator(".jupyter-widgets button", has_text=re.compile("^Run$"))
        run.wait_for()
        _dropdown(page, "method").select_option("POST")
        run.click()
        summary = page.locator(".jp-OutputArea table[id^='T_lab_']")
        summary.wait_for(timeout=60_000)
        text = summary.inner_text()
        assert "httpx" in text and "GET, body dropped" in text  # a POST through a 302
        assert "PUT + body" not in text
        page.locator(".widget-tab .lm-TabBar-tab", has_text="diagram").click()
        page.wait_for_function(f"() => document.querySelectorAll(`{DRAWN}`).length >= 1",
                               timeout=30_000)
        assert page.locator(".jp-RenderedMermaid.jp-mod-warning").count() == 0
        for theme in THEMES:
            _use_theme(page, theme)
            _legible(page, path, f"the {theme} theme", tables=1, diagrams=1)
            _screenshot(page, path, theme)
        _use_theme(page, "light")
        passed = True
    finally:
        if not passed:
            tab.discard()
        _shut_down_kernels(jupyterlab)
