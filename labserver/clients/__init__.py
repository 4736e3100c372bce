"""The clients: one module per kind (Python libraries, curl, a browser), one registry."""

from .base import CallClient, Client, ClientUnavailable, Outcome, loopback_httpx, loopback_session
from .browser import REDIRECT_MODES, BrowserClient, FetchResponse, MissingBrowser, Showing
from .chromium import ChromiumClient, NetworkRow, find_browser
from .curl import CURL_VARIANTS, CurlClient, curl_command
from .firefox import FirefoxClient, find_firefox
from .node_fetch import NodeFetchClient
from .old_versions import OLD_RELEASES, OldRelease, OldReleaseClient
from .python import (
    AiohttpClient,
    HttpxAsyncClient,
    HttpxClient,
    RequestsClient,
    Urllib3Client,
    UrllibClient,
)
from .registry import (
    BROWSERS,
    CLIENTS,
    PROXY_CLIENTS,
    make_client,
    open_browser,
    open_browsers,
    rule_of,
)
from .wget import WgetClient

__all__ = [
    "AiohttpClient", "NodeFetchClient", "Urllib3Client", "WgetClient",
    "BROWSERS", "CLIENTS", "CURL_VARIANTS", "REDIRECT_MODES", "BrowserClient", "CallClient",
    "ChromiumClient", "Client", "ClientUnavailable", "curl_command", "CurlClient",
    "FetchResponse", "find_browser", "find_firefox", "FirefoxClient", "HttpxAsyncClient",
    "HttpxClient", "loopback_httpx", "loopback_session", "make_client", "MissingBrowser",
    "NetworkRow", "open_browser", "open_browsers", "PROXY_CLIENTS", "Outcome",
    "RequestsClient", "rule_of", "Showing", "UrllibClient", "OLD_RELEASES", "OldRelease",
    "OldReleaseClient",
]
