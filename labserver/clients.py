"""HTTP clients behind one small interface, so every experiment treats them alike.

An adapter only sends the request and says how the client ended: the status it
returned, or the exception it raised. What the client *sent* on each hop is not
its to report; the lab server's journal records that.

Each adapter is set up the way a learner would use the client to follow redirects,
with one exception: none of them reads proxy settings from the environment, so no
experiment can leave loopback through a proxy.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import requests

from .tls import LabCertificates

TIMEOUT_SECONDS = 5.0
"""Generous for loopback; a client that hangs longer is reported as an error."""

T = TypeVar("T")


class ClientUnavailable(RuntimeError):
    """The client's program (curl, a browser) is not installed here; the message says what to do."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a learner sees one plain sentence.
        return [f"Skipped: {self}"]


@dataclass(frozen=True)
class Outcome:
    """How a client call ended, from the client's side."""

    status: int | None
    """The status of the response the client handed back (None if it raised)."""
    error: str | None = None
    """The exception's class name, when the client raised one."""
    detail: str | None = None
    """The exception's message, for a learner who wants to read it."""


class Client(ABC):
    """One HTTP client, set up as a learner would use it to follow redirects."""

    name: str
    rule: str
    """How the client decides what to send after a redirect, cited from its docs or source."""

    @classmethod
    def unavailable_reason(cls) -> str | None:
        """Why this client cannot run on this machine, or None if it can."""
        return None

    def prepare(self, base_url: str) -> None:
        """Get ready to send to ``base_url``, before an experiment starts watching the journal.

        A browser loads a page of that origin here, so that page load is not a hop.
        """

    @abstractmethod
    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        """Send one request, following redirects the way this client does."""

    def close(self) -> None:
        """Release connections and processes; the default has nothing to release."""

    def __enter__(self) -> Client:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _httpx_outcome(call: Callable[[], httpx.Response]) -> Outcome:
    try:
        return Outcome(status=call().status_code)
    except httpx.HTTPError as exc:
        return Outcome(status=None, error=type(exc).__name__, detail=str(exc))


_HTTPX_RULE = (
    "httpx/_client.py, BaseClient._redirect_method: 303 and 302 turn every method but "
    "HEAD into GET ('Do what the browsers do, despite standards'); 301 turns only POST "
    "into GET; 307 and 308 keep the method. When the method becomes GET, "
    "_redirect_stream drops the body and _redirect_headers removes Content-Length and "
    "Transfer-Encoding, but not Content-Type."
)


class HttpxClient(Client):
    """httpx's ``Client``, which follows redirects only when asked.

    One client is reused for every request: a new one per request costs tens of
    milliseconds (connection pool and SSL context set-up).
    """

    name = "httpx"
    rule = _HTTPX_RULE

    def __init__(self, *, follow_redirects: bool = True,
                 tls: LabCertificates | None = None) -> None:
        self._client = httpx.Client(follow_redirects=follow_redirects,
                                    timeout=TIMEOUT_SECONDS, trust_env=False,
                                    verify=tls.client_context() if tls else True)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        return _httpx_outcome(lambda: self._client.request(method, url, content=body,
                                                           headers=headers))

    def close(self) -> None:
        self._client.close()


class HttpxAsyncClient(Client):
    """httpx's ``AsyncClient``, driven from an event loop of its own.

    The loop runs in a private thread, so the adapter works the same in a plain
    script and in a Jupyter kernel, whose main thread already runs a loop.
    """

    name = "httpx-async"
    rule = "AsyncClient shares BaseClient with Client, so the rule is httpx's: " + _HTTPX_RULE

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        self._tls = tls
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="httpx-async-loop",
                                        daemon=True)
        self._thread.start()
        self._client = self._run(self._make_client())

    async def _make_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(follow_redirects=True, timeout=TIMEOUT_SECONDS,
                                 trust_env=False,
                                 verify=self._tls.client_context() if self._tls else True)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        return _httpx_outcome(lambda: self._run(
            self._client.request(method, url, content=body, headers=headers)))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._run(self._client.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class RequestsClient(Client):
    """requests' ``Session``, which follows redirects by default for every method it sends."""

    name = "requests"
    rule = (
        "requests/sessions.py, SessionRedirectMixin.rebuild_method: the same rule as httpx "
        "(303 and 302 turn every method but HEAD into GET; 301 turns POST into GET). "
        "resolve_redirects then drops the body and removes Content-Length, Content-Type "
        "and Transfer-Encoding after every redirect that is not a 307 or 308."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        self._session = requests.Session()
        self._session.trust_env = False
        if tls:
            self._session.verify = tls.ca_file

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        try:
            response = self._session.request(method, url, data=body, headers=headers,
                                             timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))
        return Outcome(status=response.status_code)

    def close(self) -> None:
        self._session.close()


class UrllibClient(Client):
    """The standard library's ``urllib.request`` with its default handlers.

    Its redirect handler raises ``HTTPError`` for a redirect it will not follow; the
    adapter reports that as the 3xx the client stopped at (a refusal), not an error.
    """

    name = "urllib"
    rule = (
        "urllib/request.py, HTTPRedirectHandler.redirect_request: follows 301, 302, 303, "
        "307 and 308 for GET and HEAD, and 301, 302 and 303 for POST (as a GET); for every "
        "other code and method it raises HTTPError instead of following. The new request "
        "has no body and no Content-Length or Content-Type. Until the fix for CPython "
        "gh-99730 (Python 3.13) the new request is always a GET, so HEAD becomes GET too."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        # The default handlers, minus environment proxies (and trusting the lab CA if given).
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if tls:
            handlers.append(urllib.request.HTTPSHandler(context=tls.client_context()))
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        try:
            with self._opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
                return Outcome(status=response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return Outcome(status=exc.code)
        except (urllib.error.URLError, OSError) as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))


CURL_VARIANTS: dict[str, str] = {
    "curl": "as a person types it: -L; POST with --data-binary (no -X); -X for other "
            "methods; -I for HEAD",
    "curl -X POST": "POST spelled out with -X POST --data-binary",
    "curl --post30x": "-L --post301 --post302 --post303: keep POST after 301/302/303",
    "curl -T": "bodies uploaded from a file with -T FILE (a PUT unless -X says otherwise)",
    "curl without -L": "no -L: curl does not follow redirects at all",
}


def curl_command(variant: str, method: str, url: str, body: bytes | None,
                 headers: dict[str, str] | None, upload: str = "body.json",
                 ca_file: str | None = None) -> list[str]:
    """The curl command line a person would type for one request (no shell involved).

    ``upload`` is the file that holds the body for the ``curl -T`` variant; ``ca_file``
    the certificate authority to trust for https.
    """
    # -q (first, or curl ignores it): never read the user's ~/.curlrc, whose settings
    # (max-redirs = 0, say) would silently change every experiment.
    args = ["curl", "-q", "--silent", "--show-error", "--noproxy", "*",
            "--max-time", str(int(TIMEOUT_SECONDS)), "--output", os.devnull,
            "--write-out", "%{http_code}"]
    if ca_file:
        args += ["--cacert", ca_file]
    if variant != "curl without -L":
        args.append("--location")
    if variant == "curl --post30x":
        args += ["--post301", "--post302", "--post303"]
    for name, value in (headers or {}).items():
        args += ["--header", f"{name}: {value}"]
    if method == "HEAD":
        args.append("--head")
    elif body is not None and variant == "curl -T":
        args += ["--upload-file", upload]
        if method != "PUT":
            args += ["--request", method]
    elif body is not None:
        args += ["--data-binary", body.decode()]
        if method != "POST" or variant == "curl -X POST":
            args += ["--request", method]
    elif method != "GET":
        args += ["--request", method]
    return [*args, url]


class CurlClient(Client):
    """The curl command-line tool, run once per request, as a person would type it.

    ``variant`` picks one of :data:`CURL_VARIANTS`, the spellings whose outcome differs.
    """

    name = "curl"
    rule = (
        "curl's manual, -L and --post301/--post302/--post303: after a 301, 302 or 303 a POST "
        "becomes a GET without its data, unless --post30x says to keep it. A method given "
        "with -X is used for every request of the chain, even where curl would have switched "
        "to GET, so the method stays while the data is not sent again. Headers given with -H "
        "(Content-Type among them) go to every host of the chain, except Authorization and "
        "Cookie, which are sent only while scheme, host and port stay those of the first URL "
        "(--location-trusted sends them everywhere)."
    )

    def __init__(self, variant: str = "curl", *, tls: LabCertificates | None = None) -> None:
        if variant not in CURL_VARIANTS:
            raise ValueError(f"unknown curl variant {variant!r}; choose one of: "
                             f"{', '.join(CURL_VARIANTS)}")
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self.name = variant
        self.variant = variant
        self._ca_file = tls.ca_file if tls else None

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if shutil.which("curl") is None:
            return ("curl is not installed: apt-get install curl (Debian/Ubuntu), "
                    "brew install curl (macOS); Windows 10+ ships curl.exe")
        return None

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="labcurl") as folder:
            upload = Path(folder, "body.json")
            upload.write_bytes(body or b"")
            command = curl_command(self.variant, method, url, body, headers, str(upload),
                                   self._ca_file)
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS * 2)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            return Outcome(status=None, error=f"curl exit {done.returncode}", detail=message)
        return Outcome(status=int(done.stdout or 0))


def _chromium(*, tls: LabCertificates | None = None) -> Client:
    from .browser import ChromiumClient  # Playwright is imported only when a browser is used

    return ChromiumClient(tls=tls)


CLIENTS: dict[str, Callable[..., Client]] = {
    "httpx": HttpxClient,
    "httpx-async": HttpxAsyncClient,
    "requests": RequestsClient,
    "urllib": UrllibClient,
    "curl": CurlClient,
    "chromium": _chromium,
}
"""Adapters by the name the command line and the lessons use, in the lessons' order."""


def make_client(name: str, *, tls: LabCertificates | None = None) -> Client:
    """The adapter called ``name`` (a client of :data:`CLIENTS` or a curl variant).

    With ``tls`` it trusts the lab's run-time certificate authority. Raises ValueError
    listing the valid names, or ClientUnavailable saying what to install.
    """
    if name in CURL_VARIANTS:
        return CurlClient(name, tls=tls)
    try:
        factory = CLIENTS[name]
    except KeyError:
        raise ValueError(f"unknown client {name!r}; choose one of: {', '.join(CLIENTS)}") from None
    return factory(tls=tls)


def rule_of(client_name: str) -> str:
    """The cited redirect rule of the client that produced rows named ``client_name``."""
    from .browser import ChromiumClient

    if client_name in CURL_VARIANTS:
        return CurlClient.rule
    classes: list[type[Client]] = [HttpxClient, HttpxAsyncClient, RequestsClient, UrllibClient,
                                   ChromiumClient]
    return next((c.rule for c in classes if c.name == client_name), "")
