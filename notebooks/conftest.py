"""Lessons that need a program besides Python (curl, a browser), or ports 80 and 443,
declare it in their metadata, ``"redirect_lab": {"needs": ["curl", "chromium"]}``.
Where one is missing, their cells are reported as skipped, with the reason, instead of
failing or passing.

A learner re-runs cells: right after nbval has run a cell and compared it with its stored
outputs, the cell is run a second time *in the same kernel* (the servers, browsers and
journals of its first run still up) and compared with the stored outputs again, as
``Cell N (run again)``, as a learner who presses Shift+Enter twice does. One kernel serves
both runs, and a lesson's browsers start once: a second pass after the lesson's last cell
had closed them would start them all again."""

from itertools import groupby
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell

from labserver.teaching.environment import missing_needs

AGAIN = " (run again)"


def _lesson_of(item: pytest.Item) -> object:
    """The notebook a cell belongs to; None for any other test."""
    return item.parent if isinstance(item, IPyNbCell) else None


def _run_again(items: list[pytest.Item]) -> list[pytest.Item]:
    """Each lesson cell followed by itself once more, checked the same way."""
    ordered: list[pytest.Item] = []
    for lesson, run in groupby(items, key=_lesson_of):
        for item in run:
            ordered.append(item)
            if lesson is not None:
                ordered.append(IPyNbCell.from_parent(
                    lesson, name=item.name + AGAIN, cell_num=item.cell_num, cell=item.cell,
                    options=item.options))
    return ordered


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items[:] = _run_again(items)
    checked: dict[Path, list[str]] = {}
    for item in items:
        path = Path(item.fspath)
        if path.suffix != ".ipynb":
            continue
        if path not in checked:
            checked[path] = missing_needs(path)
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason="; ".join(checked[path])))
