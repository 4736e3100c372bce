from collections.abc import Iterator

import httpx
import pytest

from labserver import LabServer


@pytest.fixture(scope="module")
def server() -> Iterator[LabServer]:
    with LabServer() as running:
        yield running


@pytest.fixture
def http(server: LabServer) -> Iterator[httpx.Client]:
    """A client that does not follow redirects, to see each answer as sent."""
    with httpx.Client(base_url=server.url, timeout=5) as client:
        yield client
