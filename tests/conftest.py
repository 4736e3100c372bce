from collections.abc import Iterator

import httpx
import pytest

from labserver import LabCertificates, LabServer
from labserver.clients import BROWSERS, BrowserClient


@pytest.fixture(scope="module")
def server() -> Iterator[LabServer]:
    with LabServer() as running:
        yield running


@pytest.fixture(scope="module")
def tls() -> Iterator[LabCertificates]:
    """A throwaway certificate authority for a module's https servers and clients."""
    certificates = LabCertificates()
    yield certificates
    certificates.close()


@pytest.fixture(scope="module")
def secure(tls: LabCertificates) -> Iterator[LabServer]:
    """An https lab server, named ``secure``, whose certificate ``tls`` signed."""
    with LabServer(name="secure", tls=tls) as running:
        yield running


@pytest.fixture
def http(server: LabServer) -> Iterator[httpx.Client]:
    """A client that does not follow redirects, to see each answer as sent."""
    with httpx.Client(base_url=server.url, timeout=5) as client:
        yield client


@pytest.fixture(scope="module", params=list(BROWSERS))
def browser(request: pytest.FixtureRequest) -> Iterator[BrowserClient]:
    """Each engine in turn (Chromium, Firefox), started once per test module; a missing
    engine skips its tests with the reason."""
    engine = BROWSERS[request.param]
    reason = engine.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with engine() as running:
        yield running
