"""Lessons that need a program besides Python (curl, a browser), or ports 80 and 443,
declare it in their metadata, ``"redirect_lab": {"needs": ["curl", "chromium"]}``.
Where one is missing, their cells are reported as skipped, with the reason, instead of
failing or passing.

A learner re-runs cells: after nbval has run a lesson's cells and compared them with the
stored outputs, every cell is run a second time *in the same kernel* (the servers, browsers
and journals of the first run still up) and compared with the stored outputs again, as
``Cell N (run again)``. One kernel serves both runs, so checking re-runs costs one more
pass over the cells, not another kernel."""

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
    """Each lesson's cells, then the same cells once more, checked the same way."""
    ordered: list[pytest.Item] = []
    for lesson, run in groupby(items, key=_lesson_of):
        cells = list(run)
        ordered += cells
        if lesson is not None:
            ordered += [IPyNbCell.from_parent(lesson, name=cell.name + AGAIN,
                                              cell_num=cell.cell_num, cell=cell.cell,
                                              options=cell.options) for cell in cells]
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
