"""Lessons that need a program besides Python (curl, a browser), or ports 80 and 443,
declare it in their metadata, ``"redirect_lab": {"needs": ["curl", "chromium"]}``.
Where one is missing, their cells are reported as skipped, with the reason, instead of
failing or passing."""

import json
from pathlib import Path

import pytest

from labserver import ChromiumClient, CurlClient
from labserver.credentials import default_ports_unavailable

_REASONS = {"curl": CurlClient.unavailable_reason, "chromium": ChromiumClient.unavailable_reason,
            "ports-80-443": default_ports_unavailable}


def _missing(notebook: Path) -> list[str]:
    needs = json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get(
        "redirect_lab", {}).get("needs", [])
    return [reason for need in needs if (reason := _REASONS[need]())]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checked: dict[Path, list[str]] = {}
    for item in items:
        path = Path(item.fspath)
        if path.suffix != ".ipynb":
            continue
        if path not in checked:
            checked[path] = _missing(path)
        if checked[path]:
            item.add_marker(pytest.mark.skip(reason="; ".join(checked[path])))
