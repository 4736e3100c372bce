"""What every browser engine does for the lab, written once: ``fetch()`` from a lab page,
a form POST, a reload, and ``fetch()``'s three redirect modes.

An engine (Chromium through Playwright, Firefox through puppeteer-core) supplies only
the primitives: go to a URL, evaluate a script in the page, press submit, reload. So the
same JavaScript runs in every engine, and a difference in a table is the engine's, not
the lab's. Browsers follow the WHATWG Fetch standard, where "POST becomes GET after a
302" was finally written down.
"""

from __future__ import annotations

import os
import shutil
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urlsplit

from ..server.tls import LabCertificates
from ..vocabulary import REFERRER_POLICIES
from .base import Client, ClientUnavailable, Outcome

FETCH_RULE = (
    "Fetch standard, HTTP-redirect fetch: after 301 or 302 a POST becomes GET; after "
    "303 every method but GET and HEAD becomes GET; then the body is dropped and the "
    "request-body headers (Content-Type, Content-Encoding, Content-Language, "
    "Content-Location) are removed. 307 and 308 keep method, body and headers."
)

REDIRECT_MODES = ("follow", "manual", "error")
"""``fetch(url, {redirect})``: follow the redirect, hand it back unread, or fail."""

FETCH_MODES = ("cors", "no-cors", "same-origin")
"""``fetch(url, {mode})``: what the page may read of a cross-origin answer."""

_FETCH = """async ({url, method, body, headers, redirect, mode, referrerPolicy}) => {
  try {
    const response = await fetch(url, {method, body: body === null ? undefined : body,
                                       headers, redirect, mode, referrerPolicy,
                                       cache: "no-store"});
    const text = await response.text();
    return {status: response.status, status_text: response.statusText, type: response.type,
            redirected: response.redirected, url: response.url,
            headers: [...response.headers.keys()].length,
            location: response.headers.get("location"), text, error: null, detail: null};
  } catch (e) {
    return {status: null, status_text: null, type: null, redirected: null, url: null,
            headers: null, location: null, text: null, error: e.name, detail: e.message};
  }
}"""


_CENTRE = """async ({selector}) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`no element of the page matches ${selector}`);
  element.scrollIntoView({block: "center"});
  const box = element.getBoundingClientRect();
  return {x: box.x + box.width / 2, y: box.y + box.height / 2};
}"""


_SHOWING = """async () => {
  if (document.readyState !== "complete")
    await new Promise((done) => addEventListener("load", done, {once: true}));
  return {url: location.href, text: document.body ? document.body.innerText : ""};
}"""


class Showing(NamedTuple):
    """What the tab shows: the address bar, and the page's text."""

    url: str
    text: str


def find_executable(candidates: tuple[str, ...], env: str) -> str | None:
    """The first installed browser: the executable ``env`` names if it is set, else the
    first of ``candidates`` (names on PATH, or absolute install paths) that exists."""
    configured = os.environ.get(env)
    for candidate in (configured,) if configured else candidates:
        found = shutil.which(candidate) or (candidate if os.path.exists(candidate) else None)
        if found:
            return found
    return None


@dataclass(frozen=True)
class FetchResponse:
    """What a page's script can read of ``fetch()``'s answer: the Response object's fields,
    or the error it rejected with."""

    type: str | None
    """``basic`` (same origin), ``cors``, ``opaque`` (no-cors), ``opaqueredirect`` (a
    redirect in manual mode)."""
    status: int | None
    status_text: str | None
    redirected: bool | None
    url: str | None
    headers: int | None
    """How many response headers the script can see (an opaque redirect shows none)."""
    location: str | None
    text: str | None
    error: str | None = None
    """``TypeError`` where fetch() rejected: a network error, as Fetch calls it."""
    detail: str | None = None

    @property
    def outcome(self) -> Outcome:
        return Outcome(status=self.status, error=self.error, detail=self.detail)


class BrowserClient(Client):
    """A headless browser engine; ``send`` calls ``fetch()`` from a lab page.

    Subclasses start the engine in ``__init__`` and supply the primitives below.
    """

    name: str
    rule: ClassVar[str] = FETCH_RULE
    engine: ClassVar[str]
    """The engine's name as a learner knows it (``Chromium``, ``Firefox``)."""

    _origin: str | None = None
    _closed: bool = False

    # -- what each engine supplies ----------------------------------------------------

    @abstractmethod
    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        """Start the engine; with ``tls``, accept the lab's https server."""

    @abstractmethod
    def _goto(self, url: str) -> int | None:
        """Navigate the tab to ``url``; the status the navigation ended on."""

    @abstractmethod
    def _evaluate(self, script: str, arg: dict[str, Any]) -> Any:
        """Run the async function ``script`` with ``arg`` in the page; its result."""

    @abstractmethod
    def _click_at(self, x: float, y: float) -> int | None:
        """Click the page at ``(x, y)`` as a mouse does (a trusted click, the kind a person
        makes); the status the navigation it starts ended on."""

    @abstractmethod
    def _reload(self) -> int | None:
        """Press reload; the status the navigation ended on."""

    @abstractmethod
    def _version(self) -> str:
        """The engine's version, as it reports it."""

    @abstractmethod
    def _shutdown(self) -> None:
        """Close the engine and whatever drives it."""

    # -- the same for every engine ----------------------------------------------------

    def prepare(self, base_url: str) -> None:
        """Show the lab page of ``base_url``'s origin, so ``fetch()`` there is same-origin."""
        parts = urlsplit(base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if self._origin != origin:
            self._goto(origin + "/page")
            self._origin = origin

    def fetch(self, url: str, *, method: str = "GET", body: bytes | None = None,
              headers: dict[str, str] | None = None, redirect: str = "follow",
              mode: str = "cors", referrer_policy: str = "") -> FetchResponse:
        """``fetch(url, {method, body, headers, redirect, mode, referrerPolicy})`` from the
        page on show (an empty ``referrer_policy`` leaves the page's own in force)."""
        for option, value, valid in (("redirect", redirect, REDIRECT_MODES),
                                     ("mode", mode, FETCH_MODES),
                                     ("referrer_policy", referrer_policy,
                                      ("", *REFERRER_POLICIES))):
            if value not in valid:
                raise ValueError(f"{option} must be one of {', '.join(valid)}, not {value!r}")
        if self._origin is None:
            self.prepare(url)
        result = self._evaluate(_FETCH, {"url": url, "method": method, "headers": headers or {},
                                         "body": None if body is None else body.decode(),
                                         "redirect": redirect, "mode": mode,
                                         "referrerPolicy": referrer_policy})
        return FetchResponse(**result)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        """``fetch(url)`` from the page on show (see :meth:`prepare`), following redirects."""
        return self.fetch(url, method=method, body=body, headers=headers).outcome

    def _new_tab(self) -> None:
        """Replace the tab with a fresh one; an engine without tabs of its own here shows
        a blank page instead."""
        self._goto("about:blank")

    def new_tab(self) -> None:
        """Start over in a fresh tab, so nothing left of the last navigation (an error
        page still loading, its cache) reaches the next one."""
        self._origin = None
        self._new_tab()

    def _fresh(self) -> None:
        """Open a new private window (its own cookies and cache) and close the old one;
        an engine whose every tab is one already does that in :meth:`_new_tab`."""
        self._new_tab()

    def fresh_start(self) -> None:
        """Forget what this browser holds (tabs, cookies, cache), as a new private window
        does: a re-run lesson's browser must not remember the last run."""
        self._origin = None
        self._fresh()

    @property
    def closed(self) -> bool:
        return self._closed

    def _click(self, selector: str) -> int | None:
        """Click the middle of the element ``selector`` names. The drivers' own clicks
        first check the element from a helper script they inject into each new page,
        which took 120 ms of the 190 a Firefox click cost; the page's DOM says where the
        element is in a few."""
        at = self._evaluate(_CENTRE, {"selector": selector})
        return self._click_at(at["x"], at["y"])

    def open(self, url: str) -> Outcome:
        """Navigate the tab to ``url``, as typing it in the address bar would."""
        self._origin = None  # the tab leaves the fetch page
        return Outcome(status=self._goto(url))

    def submit_form(self) -> Outcome:
        """Press the submit button of the page on show and wait for where it lands."""
        self._origin = None
        return Outcome(status=self._click("button[type=submit]"))

    def follow_link(self) -> Outcome:
        """Click the first link of the page on show and wait for where it lands."""
        self._origin = None
        return Outcome(status=self._click("a"))

    def showing(self) -> Showing:
        """The address and text of the page on show, once it has loaded."""
        return Showing(**self._evaluate(_SHOWING, {}))

    def reload(self) -> Outcome:
        """Press reload on the page on show, as a person would after a form POST."""
        return Outcome(status=self._reload())

    @property
    def version(self) -> str:
        """The browser's version, as it reports it."""
        return self._version()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._shutdown()


class MissingBrowser(Client):
    """Stands in for a browser that is not installed: using it says so in one sentence.

    It has a browser's methods, so ``hasattr`` and ``close()`` behave; each one that
    would drive the browser raises :class:`ClientUnavailable` with the reason instead.
    """

    rule = FETCH_RULE

    def __init__(self, reason: str, name: str = "chromium") -> None:
        self.reason = reason
        self.name = name

    def _missing(self) -> ClientUnavailable:
        return ClientUnavailable(self.reason)

    def prepare(self, base_url: str) -> None:
        raise self._missing()

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        raise self._missing()

    def fetch(self, url: str, *, method: str = "GET", body: bytes | None = None,
              headers: dict[str, str] | None = None, redirect: str = "follow",
              mode: str = "cors", referrer_policy: str = "") -> FetchResponse:
        raise self._missing()

    def new_tab(self) -> None:
        raise self._missing()

    def open(self, url: str) -> Outcome:
        raise self._missing()

    def submit_form(self) -> Outcome:
        raise self._missing()

    def follow_link(self) -> Outcome:
        raise self._missing()

    def showing(self) -> Showing:
        raise self._missing()

    def reload(self) -> Outcome:
        raise self._missing()

    def network_log(self, url: str) -> list[Any]:
        raise self._missing()

    @property
    def version(self) -> str:
        raise self._missing()

    def __repr__(self) -> str:
        return f"<no {self.name}: {self.reason}>"
