from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from labserver import LabCertificates, LabServer
from labserver.clients import BROWSERS, BrowserClient
from labserver.teaching.environment import needs_of

HEAVIEST_FIRST = (
    ("the JupyterLab checks", lambda path: path.name.startswith("test_jupyterlab_ui")),
    ("episodes that start browsers", lambda path: path.suffix == ".ipynb"
     and bool(set(needs_of(path)) & set(BROWSERS))),
    ("the other episodes", lambda path: path.suffix == ".ipynb"),
)
"""The order files are handed to the workers (``--dist loadfile``, longest first): two
workers that end together finish sooner than one left alone with a long episode. Each
rule names a kind of file, the longest kind first; the unit tests come last, in many
short files that fill the gaps."""


def _rank(path: Path) -> int:
    return next((n for n, (_, rule) in enumerate(HEAVIEST_FIRST) if rule(path)),
                len(HEAVIEST_FIRST))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: _rank(Path(item.fspath)))  # stable: a file stays in order


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
