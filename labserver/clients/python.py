"""Python's HTTP clients as lab adapters: httpx (sync and async), requests, urllib."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import requests

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, Outcome, loopback_async_httpx, loopback_httpx, loopback_session

T = TypeVar("T")


def _httpx_outcome(call: Callable[[], httpx.Response]) -> Outcome:
    try:
        return Outcome(status=call().status_code)
    # InvalidURL is not an HTTPError: httpx raises it for a Location it cannot make a URL of.
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
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
        self._client = loopback_httpx(follow_redirects=follow_redirects,
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
        return loopback_async_httpx(follow_redirects=True,
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
        self._session = loopback_session()
        if tls:
            self._session.verify = tls.ca_file

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        try:
            response = self._session.request(method, url, data=body, headers=headers,
                                             timeout=TIMEOUT_SECONDS)
        # A Location that is not UTF-8 escapes requests as a bare UnicodeDecodeError.
        except (requests.RequestException, UnicodeError) as exc:
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
        # http.client.InvalidURL (a ValueError) and UnicodeError: a Location urllib
        # cannot turn into a request line.
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))
