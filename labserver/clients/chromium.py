"""A real browser as a client: Chromium's ``fetch()`` and HTML form POSTs.

Browsers follow the WHATWG Fetch standard, which is where "POST becomes GET after a
302" was finally written down. The lab drives an installed Chromium-family browser
(Debian's ``chromium``, Chrome, Edge) through Playwright; it never downloads one.

Playwright's synchronous API refuses to run in a thread with a running asyncio loop,
which is the case in a Jupyter kernel. So every browser call runs in one private
worker thread, and the browser is started once per adapter, not per experiment.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, ClientUnavailable, Outcome

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

_FETCH = """async ({url, method, body, headers}) => {
  try {
    const response = await fetch(url, {method, body: body === null ? undefined : body,
                                       headers, redirect: "follow", cache: "no-store"});
    await response.arrayBuffer();
    return {status: response.status, error: null, detail: null};
  } catch (e) {
    return {status: null, error: e.name, detail: e.message};
  }
}"""


class NetworkRow(NamedTuple):
    """One row of :meth:`ChromiumClient.network_log`: a response as DevTools lists it."""

    path: str
    status: int
    location: str
    came_from: str
    """``network``, or ``disk cache`` where DevTools says "(from disk cache)"."""


def find_browser() -> str | None:
    """The path of an installed Chromium-family browser, or None."""
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        return shutil.which(configured) or (configured if os.path.exists(configured) else None)
    for candidate in _CANDIDATES:
        found = shutil.which(candidate) or (candidate if os.path.isabs(candidate)
                                            and os.path.exists(candidate) else None)
        if found:
            return found
    return None


class ChromiumClient(Client):
    """A headless Chromium-family browser; ``send`` calls ``fetch()`` from a lab page."""

    name = "chromium"
    rule = (
        "Fetch standard, HTTP-redirect fetch: after 301 or 302 a POST becomes GET; after "
        "303 every method but GET and HEAD becomes GET; then the body is dropped and the "
        "request-body headers (Content-Type, Content-Encoding, Content-Language, "
        "Content-Location) are removed. 307 and 308 keep method, body and headers."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._origin: str | None = None
        self._closed = False
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

    def prepare(self, base_url: str) -> None:
        """Show the lab page of ``base_url``'s origin, so ``fetch()`` there is same-origin."""
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if self._origin != origin:
            self._call(lambda: self._page.goto(origin + "/page"))
            self._origin = origin

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        """``fetch(url)`` from the page on show (see :meth:`prepare`), following redirects."""
        if self._origin is None:
            self.prepare(url)
        arguments = {"url": url, "method": method, "headers": headers or {},
                     "body": None if body is None else body.decode()}
        result = self._call(lambda: self._page.evaluate(_FETCH, arguments))
        return Outcome(status=result["status"], error=result["error"], detail=result["detail"])

    def open(self, url: str) -> None:
        """Show the page at ``url`` (a lab form, say) in the browser's tab."""
        def work() -> None:
            self._origin = None  # the tab leaves the fetch page
            self._page.goto(url)
        self._call(work)

    def submit_form(self) -> Outcome:
        """Press the submit button of the page on show and wait for where it lands."""
        def work() -> Outcome:
            with self._page.expect_navigation() as navigation:
                self._page.click("button[type=submit]")
            response = navigation.value
            return Outcome(status=response.status if response else None)
        return self._call(work)

    def reload(self) -> Outcome:
        """Press reload on the page on show, as a person would after a form POST."""
        def work() -> Outcome:
            response = self._page.reload()
            return Outcome(status=response.status if response else None)
        return self._call(work)

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

    @property
    def version(self) -> str:
        """The browser's version, as it reports it."""
        return self._call(lambda: self._browser.version)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        def work() -> None:
            self._browser.close()
            self._playwright.stop()
        self._call(work)
        self._worker.shutdown()


class MissingBrowser(Client):
    """Stands in for a browser that is not installed: using it says so in one sentence.

    It has the browser's methods, so ``hasattr`` and ``close()`` behave; each one that
    would drive the browser raises :class:`ClientUnavailable` with the reason instead.
    """

    name = "chromium"
    rule = ChromiumClient.rule

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _missing(self) -> ClientUnavailable:
        return ClientUnavailable(self.reason)

    def prepare(self, base_url: str) -> None:
        raise self._missing()

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        raise self._missing()

    def open(self, url: str) -> None:
        raise self._missing()

    def submit_form(self) -> Outcome:
        raise self._missing()

    def network_log(self, url: str) -> list[NetworkRow]:
        raise self._missing()

    def reload(self) -> Outcome:
        raise self._missing()

    @property
    def version(self) -> str:
        raise self._missing()

    def __repr__(self) -> str:
        return f"<no browser: {self.reason}>"


def open_browser(*, tls: LabCertificates | None = None) -> ChromiumClient | MissingBrowser:
    """Start the lesson's browser once; without one, a stand-in whose cells say why."""
    reason = ChromiumClient.unavailable_reason()
    return MissingBrowser(reason) if reason else ChromiumClient(tls=tls)
