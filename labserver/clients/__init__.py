"""The clients: one module per kind (Python libraries, curl, a browser), one registry."""

from .base import CallClient, Client, ClientUnavailable, Outcome, loopback_httpx, loopback_session
from .chromium import ChromiumClient, MissingBrowser, find_browser, open_browser
from .curl import CURL_VARIANTS, CurlClient, curl_command
from .python import HttpxAsyncClient, HttpxClient, RequestsClient, UrllibClient
from .registry import CLIENTS, make_client, rule_of

__all__ = [
    "CLIENTS", "CURL_VARIANTS", "CallClient", "ChromiumClient", "Client", "ClientUnavailable",
    "CurlClient", "HttpxAsyncClient", "HttpxClient", "MissingBrowser", "Outcome",
    "RequestsClient", "UrllibClient", "curl_command", "find_browser", "loopback_httpx",
    "loopback_session", "make_client", "open_browser", "rule_of",
]
