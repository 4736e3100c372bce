"""Firefox (Gecko) as a lab browser: the second engine, so a table can show two.

Playwright drives only its own patched Firefox builds, which would be a download. The
stock browser (Debian's ``firefox-esr``) speaks WebDriver BiDi, the W3C protocol, and
``puppeteer-core`` drives it over that without downloading anything. puppeteer-core is
a Node package, so the browser is held by one small Node process
(``labserver/node/firefox.mjs``) that this adapter sends one JSON line per command; the
experiment itself stays in Python, and the JavaScript a page runs is the same as in
Chromium (:mod:`.browser`).
"""

from __future__ import annotations

import shutil
from typing import Any

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import ClientUnavailable
from .browser import BrowserClient, find_executable
from .node import NodeDriver, node_helpers_installed

FIREFOX_ENV = "REDIRECT_LAB_FIREFOX"
"""Set this to a Firefox executable to use it instead of the first one found."""

_CANDIDATES = (
    "firefox-esr", "firefox",
    "/Applications/Firefox.app/Contents/MacOS/firefox",
    r"C:\Program Files\Mozilla Firefox\firefox.exe",
)


def find_firefox() -> str | None:
    """The path of an installed Firefox, or None."""
    return find_executable(_CANDIDATES, FIREFOX_ENV)


class FirefoxClient(BrowserClient):
    """A headless Firefox, driven by puppeteer-core over WebDriver BiDi.

    With ``tls`` the browser accepts the lab server's certificate. Firefox has no switch
    to trust one key, as Chromium has, so it accepts any certificate in this private
    profile; every experiment goes to loopback only.
    """

    name = "firefox"
    engine = "Firefox"

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self._driver = NodeDriver("firefox.mjs", what="Firefox")
        try:
            self._version_text = self._driver.command(
                "launch", executablePath=find_firefox(), acceptInsecureCerts=tls is not None,
                timeoutMs=TIMEOUT_SECONDS * 3000)
        except Exception:
            self._driver.stop()
            raise

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if shutil.which("node") is None:
            return "Node.js is not installed (it drives Firefox): apt-get install nodejs"
        if not node_helpers_installed():
            return ("puppeteer-core (it drives Firefox) is not installed or out of date: "
                    "python -m labserver setup")
        if find_firefox() is None:
            return ("no Firefox found: apt-get install firefox-esr (Debian), or install "
                    f"Firefox (macOS, Windows), or set {FIREFOX_ENV} to its executable")
        return None

    def _status(self, op: str, **args: Any) -> int | None:
        """A navigation command's answer: the status it ended on (None if no response)."""
        status = self._driver.command(op, **args)
        return None if status is None else int(status)

    def _goto(self, url: str) -> int | None:
        return self._status("goto", url=url)

    def _evaluate(self, script: str, arg: dict[str, Any]) -> Any:
        return self._driver.command("evaluate", script=script, arg=arg)

    def _fresh(self) -> None:
        self._driver.command("fresh")

    def _click_at(self, x: float, y: float) -> int | None:
        return self._status("click", x=x, y=y)

    def _reload(self) -> int | None:
        return self._status("reload")

    def _version(self) -> str:
        return str(self._version_text).removeprefix("firefox/")

    def _shutdown(self) -> None:
        try:
            self._driver.command("close")
        except (RuntimeError, OSError):
            pass  # the driver is gone already; nothing is left to close
        self._driver.stop()
