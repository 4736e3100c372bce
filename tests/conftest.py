from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from labserver import LabServer

SHARED_BY_LESSON = {"test_jupyterlab_ui.py"}
"""Test files whose lessons may run on different workers (each starts its own JupyterLab)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each test file on one worker (its module fixtures start once), but let the
    JupyterLab UI test, the longest file, spread its lessons over every worker.

    With ``--dist loadgroup`` (pyproject.toml) tests of one ``xdist_group`` share a worker;
    notebooks/conftest.py groups each lesson's cells the same way.
    """
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix != ".py":
            continue
        group = path.name
        callspec = getattr(item, "callspec", None)
        if path.name in SHARED_BY_LESSON and callspec is not None:
            group = f"{path.name}[{callspec.id}]"
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="module")
def server() -> Iterator[LabServer]:
    with LabServer() as running:
        yield running


@pytest.fixture
def http(server: LabServer) -> Iterator[httpx.Client]:
    """A client that does not follow redirects, to see each answer as sent."""
    with httpx.Client(base_url=server.url, timeout=5) as client:
        yield client
