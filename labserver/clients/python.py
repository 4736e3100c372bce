"""Python's HTTP clients as lab adapters: httpx (sync and async), requests, urllib, urllib3
and aiohttp."""

from __future__ import annotations

import asyncio
import atexit
import sys
import threading
import urllib.error
import urllib.request
import weakref
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, Outcome, loopback_async_httpx, loopback_httpx, loopback_session

if TYPE_CHECKING:
    import aiohttp

# aiohttp, requests and urllib3 are imported where a client is made or sends: together
# they were 0.15 s of `import labserver`, paid by every lesson though most never use them.

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

    takes_proxy = True

    def __init__(self, *, follow_redirects: bool = True,
                 tls: LabCertificates | None = None, proxy: str | None = None) -> None:
        self._client = loopback_httpx(follow_redirects=follow_redirects, proxy=proxy,
                                      verify=tls.client_context() if tls else True)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        return _httpx_outcome(lambda: self._client.request(method, url, content=body,
                                                           headers=headers))

    def close(self) -> None:
        self._client.close()


class _EventLoop:
    """An asyncio loop in a private thread, so an async client works the same in a plain
    script and in a Jupyter kernel, whose main thread already runs a loop."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    @property
    def closed(self) -> bool:
        return self._loop.is_closed()

    @property
    def in_its_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class _OnItsOwnLoop(Client):
    """A client of an async library, run on an :class:`_EventLoop` of its own.

    A cell run twice makes its clients anew and drops the last ones: they are closed when
    dropped, or each would leave its loop's thread running and aiohttp would print
    "Unclosed client session" into whichever cell comes next. Those still open when
    Python exits are closed just before, while their loops can still run."""

    _loop: _EventLoop

    def _start_loop(self, name: str) -> _EventLoop:
        self._loop = _EventLoop(name)
        _STILL_OPEN.add(self)
        return self._loop

    async def _aclose(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        if self._loop.closed:
            return
        self._loop.run(self._aclose())
        self._loop.close()

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)  # None when __init__ failed before making it
        # Not while Python exits: its loop's thread, a daemon, can no longer run, and
        # waiting for it would hang the exit; the process's end closes everything anyway.
        if (loop is not None and not loop.closed and not loop.in_its_thread
                and not sys.is_finalizing()):
            self.close()


_STILL_OPEN: weakref.WeakSet[_OnItsOwnLoop] = weakref.WeakSet()


@atexit.register
def _close_still_open() -> None:
    for client in list(_STILL_OPEN):
        client.close()


class HttpxAsyncClient(_OnItsOwnLoop):
    """httpx's ``AsyncClient``, driven from an event loop of its own.

    The loop runs in a private thread, so the adapter works the same in a plain
    script and in a Jupyter kernel, whose main thread already runs a loop.
    """

    name = "httpx-async"
    rule = "AsyncClient shares BaseClient with Client, so the rule is httpx's: " + _HTTPX_RULE

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        self._tls = tls
        self._start_loop("httpx-async-loop")
        self._client = self._loop.run(self._make_client())

    async def _make_client(self) -> httpx.AsyncClient:
        return loopback_async_httpx(follow_redirects=True,
                                    verify=self._tls.client_context() if self._tls else True)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        return _httpx_outcome(lambda: self._loop.run(
            self._client.request(method, url, content=body, headers=headers)))

    async def _aclose(self) -> None:
        await self._client.aclose()


class RequestsClient(Client):
    """requests' ``Session``, which follows redirects by default for every method it sends."""

    name = "requests"
    rule = (
        "requests/sessions.py, SessionRedirectMixin.rebuild_method: the same rule as httpx "
        "(303 and 302 turn every method but HEAD into GET; 301 turns POST into GET). "
        "resolve_redirects then drops the body and removes Content-Length, Content-Type "
        "and Transfer-Encoding after every redirect that is not a 307 or 308."
    )

    takes_proxy = True

    def __init__(self, *, tls: LabCertificates | None = None, proxy: str | None = None) -> None:
        self._session = loopback_session()
        if tls:
            self._session.verify = tls.ca_file
        if proxy:
            self._session.proxies = {"http": proxy, "https": proxy}

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        import requests

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


class Urllib3Client(Client):
    """urllib3's ``PoolManager`` on its own, as a learner would call it: ``request()``
    follows redirects, within its default ``Retry`` (3 retries of any kind)."""

    name = "urllib3"
    rule = (
        "urllib3/poolmanager.py, PoolManager.urlopen: only a 303 changes the request: it "
        "becomes a GET (whatever the method, HEAD too) without its body and without the "
        "content headers (HTTPHeaderDict._prepare_for_method_change). 301, 302, 307 and "
        "308 keep method and body. When the redirect leaves scheme, host and port, the "
        "headers in Retry.remove_headers_on_redirect are removed (Cookie, Authorization, "
        "Proxy-Authorization by default; a list you pass replaces that default)."
    )

    takes_proxy = True

    def __init__(self, *, tls: LabCertificates | None = None, proxy: str | None = None) -> None:
        import urllib3

        ca_certs = tls.ca_file if tls else None
        self._pool = (_proxy_manager(proxy, ca_certs)
                      if proxy else urllib3.PoolManager(timeout=TIMEOUT_SECONDS,
                                                        ca_certs=ca_certs))

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        import urllib3

        try:
            response = self._pool.request(method, url, body=body, headers=headers)
        except (urllib3.exceptions.HTTPError, UnicodeError) as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))
        return Outcome(status=response.status)

    def close(self) -> None:
        self._pool.clear()


def _proxy_manager(proxy: str, ca_certs: str | None) -> Any:
    """urllib3's ``ProxyManager`` for ``proxy``: unlike httpx, requests and curl it does
    not send the credential of the proxy URL's user part by itself, so it goes in
    ``proxy_headers`` (as ``Proxy-Authorization: Basic``)."""
    import urllib3
    from urllib3.util import parse_url

    parts = parse_url(proxy)
    headers = urllib3.make_headers(proxy_basic_auth=parts.auth) if parts.auth else None
    return urllib3.ProxyManager(parts._replace(auth=None).url, timeout=TIMEOUT_SECONDS,
                                ca_certs=ca_certs, proxy_headers=headers)


class AiohttpClient(_OnItsOwnLoop):
    """aiohttp's ``ClientSession``, which follows redirects by default (10 at most)."""

    name = "aiohttp"
    rule = (
        "aiohttp/client.py, ClientSession._request: after 303 every method but HEAD "
        "becomes GET, after 301 and 302 only POST does ('mimic IE'); the body is dropped "
        "and Content-Length removed, but Content-Type stays. Authorization, Cookie and "
        "Proxy-Authorization are removed whenever the origin (scheme, host, port) changes, "
        "http to https on the same host included. The 10th redirect raises "
        "TooManyRedirects."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        self._tls = tls
        self._start_loop("aiohttp-loop")
        self._session = self._loop.run(self._make_session())

    async def _make_session(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(ssl=self._tls.client_context() if self._tls else True)
        return aiohttp.ClientSession(connector=connector, trust_env=False,
                                     timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))

    async def _request(self, method: str, url: str, body: bytes | None,
                       headers: dict[str, str] | None) -> int:
        async with self._session.request(method, url, data=body, headers=headers) as response:
            await response.read()
            return response.status

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        import aiohttp

        try:
            return Outcome(status=self._loop.run(self._request(method, url, body, headers)))
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Outcome(status=None, error=type(exc).__name__, detail=str(exc))

    async def _aclose(self) -> None:
        await self._session.close()
