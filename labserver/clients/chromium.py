"""Chromium (and Chrome, Edge) as a lab browser, driven through Playwright.

The lab drives an installed Chromium-family browser (Debian's ``chromium``, Chrome,
Edge); it never downloads one. Playwright's synchronous API refuses to run in a thread
with a running asyncio loop, which is the case in a Jupyter kernel. So every browser call
runs in one private worker thread, and the browser is started once per adapter, not per
experiment. What is the same in every engine lives in :mod:`.browser`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import ClientUnavailable
from .browser import BrowserClient, find_executable

T = TypeVar("T")

BROWSER_ENV = "REDIRECT_LAB_BROWSER"
"""Set this to a browser executable to use it instead of the first one found."""

_CANDIDATES = (
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
    "microsoft-edge", "msedge", "chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)

LAUNCH_ARGS = [
    # What a headless browser in a container needs, and nothing that reaches the network
    # on its own (this machine's network is closed, and a lab stays on loopback).
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]

class NetworkRow(NamedTuple):
    """One row of :meth:`ChromiumClient.network_log`: a response as DevTools lists it."""

    path: str
    status: int
    location: str
    came_from: str
    """``network``, or ``disk cache`` where DevTools says "(from disk cache)"."""


def find_browser() -> str | None:
    """The path of an installed Chromium-family browser, or None."""
    return find_executable(_CANDIDATES, BROWSER_ENV)


class ChromiumClient(BrowserClient):
    """A headless Chromium-family browser, driven through Playwright."""

    name = "chromium"
    engine = "Chromium"

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        # Trust exactly the lab server's key, in this browser process only.
        self._args = LAUNCH_ARGS + (
            [f"--ignore-certificate-errors-spki-list={tls.server_spki_sha256}"] if tls else [])
        try:
            self._call(self._launch)
        except Exception:
            self._worker.shutdown()
            raise

    @classmethod
    def unavailable_reason(cls) -> str | None:
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "Playwright is not installed: pip install -r requirements.txt"
        if find_browser() is None:
            return ("no Chromium-family browser found: apt-get install chromium (Debian), "
                    "or install Chrome or Edge (macOS, Windows), or set "
                    f"{BROWSER_ENV} to its executable")
        return None

    def _call(self, work: Callable[[], T]) -> T:
        return self._worker.submit(work).result()

    def _launch(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=find_browser(), headless=True, args=self._args)
        self._page = self._browser.new_page()
        # Generous: under a loaded machine (parallel tests) a page load can be slow.
        self._page.set_default_timeout(TIMEOUT_SECONDS * 3000)

    def _new_tab(self) -> None:
        def work() -> None:
            old, self._page = self._page, self._browser.new_page()
            self._page.set_default_timeout(TIMEOUT_SECONDS * 3000)
            old.close()
        self._call(work)

    def _goto(self, url: str) -> int | None:
        response = self._call(lambda: self._page.goto(url))
        return response.status if response else None

    def _evaluate(self, script: str, arg: dict[str, Any]) -> Any:
        return self._call(lambda: self._page.evaluate(script, arg))

    def _click_at(self, x: float, y: float) -> int | None:
        def work() -> int | None:
            with self._page.expect_navigation() as navigation:
                self._page.mouse.click(x, y)
            response = navigation.value
            return response.status if response else None
        return self._call(work)

    def _reload(self) -> int | None:
        response = self._call(self._page.reload)
        return response.status if response else None

    def _version(self) -> str:
        return self._call(lambda: self._browser.version)

    def _shutdown(self) -> None:
        def work() -> None:
            self._browser.close()
            self._playwright.stop()
        self._call(work)
        self._worker.shutdown()

    def network_log(self, url: str) -> list[NetworkRow]:
        """Navigate to ``url`` and return what the browser's Network panel would list.

        DevTools builds its Network panel from the Chrome DevTools Protocol's Network
        events; this listens to the same events: one row per response, a redirect's
        included, saying whether it came from the network or from the disk cache.
        """
        def work() -> list[NetworkRow]:
            self._origin = None
            session = self._page.context.new_cdp_session(self._page)
            rows: list[NetworkRow] = []

            def row(response: dict[str, Any]) -> NetworkRow:
                parts = urlsplit(response["url"])
                headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
                return NetworkRow(parts.path + (f"?{parts.query}" if parts.query else ""),
                                  int(response["status"]), headers.get("location", ""),
                                  "disk cache" if response.get("fromDiskCache") else "network")

            def redirected(event: dict[str, Any]) -> None:
                if "redirectResponse" in event:
                    rows.append(row(event["redirectResponse"]))

            def received(event: dict[str, Any]) -> None:
                if event.get("type") == "Document":
                    rows.append(row(event["response"]))

            session.on("Network.requestWillBeSent", redirected)
            session.on("Network.responseReceived", received)
            session.send("Network.enable")
            try:
                self._page.goto(url)
            finally:
                session.detach()
            return rows
        return self._call(work)
