"""Lessons that need a program besides Python (curl, a browser), or ports 80 and 443,
declare it in their metadata, ``"redirect_lab": {"needs": ["curl", "chromium"]}``.
Where one is missing, their cells are reported as skipped, with the reason, instead of
failing or passing."""

from pathlib import Path

import pytest

from labserver.teaching.environment import missing_needs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checked: dict[Path, list[str]] = {}
    for item in items:
        path = Path(item.fspath)
        if path.suffix != ".ipynb":
            continue
        if path not in checked:
            checked[path] = missing_needs(path)
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason="; ".join(checked[path])))
