"""The other half of the notebooks, opened in JupyterLab (see ``test_jupyterlab_ui``).

A module of its own, with its own JupyterLab and browser, so that pytest-xdist
(``--dist loadfile``) gives it to another worker than the first half's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_jupyterlab_ui import (  # noqa: F401  (pytest finds the fixtures by name)
    SECOND_HALF,
    JupyterLab,
    LabTab,
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
