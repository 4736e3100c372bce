"""Lessons that need a program besides Python (curl, a browser), or ports 80 and 443,
declare it in their metadata, ``"redirect_lab": {"needs": ["curl", "chromium"]}``.
Where one is missing, their cells are reported as skipped, with the reason, instead of
failing or passing.

A lesson's cells run in order in one kernel, so they are one ``xdist_group``: with
``--dist loadgroup`` (pyproject.toml) one worker runs the whole lesson."""

from pathlib import Path

import pytest

from labserver.teaching.environment import missing_needs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checked: dict[Path, list[str]] = {}
    for item in items:
        path = Path(item.fspath)
        if path.suffix != ".ipynb":
            continue
        item.add_marker(pytest.mark.xdist_group(path.name))
        if path not in checked:
            checked[path] = missing_needs(path)
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason="; ".join(checked[path])))
