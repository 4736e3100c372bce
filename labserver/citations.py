"""Every source a lesson cites, in one table: a section number is corrected here, once.

Each citation names the document, the section (by number where the document numbers
its sections stably, by name and anchor where it does not, as the Fetch standard's
living text renumbers), its title, and the phrase or fact it supports. Lessons render
citations from here with :func:`cite`; they never type a section number themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Citation:
    document: str
    section: str
    title: str
    supports: str
    """What the source says that the lab relies on (a paraphrase, or a short phrase)."""
    url: str

    @property
    def short(self) -> str:
        """``RFC 9110 §15.4.8``, or ``Fetch, "HTTP-redirect fetch"`` for the living standard."""
        return f"{self.document} {self.section}".strip()

    @property
    def markdown(self) -> str:
        return f"[{self.short} ({self.title})]({self.url})"


_RFC9110 = "https://www.rfc-editor.org/rfc/rfc9110.html"
_FETCH = "https://fetch.spec.whatwg.org/"

CITATIONS: dict[str, Citation] = {c_key: c for c_key, c in [
    ("rfc9110-redirects", Citation(
        "RFC 9110", "§15.4", "Redirection 3xx",
        "a user agent that follows a redirect changes the method only as the code's "
        "definition allows, and SHOULD remove content-specific headers (Content-Type, "
        "Content-Encoding, Content-Language, Content-Location, Content-Length) once the "
        "method becomes GET or HEAD", f"{_RFC9110}#name-redirection-3xx")),
    ("rfc9110-301", Citation(
        "RFC 9110", "§15.4.2", "301 Moved Permanently",
        "for historical reasons, a user agent MAY change the request method from POST to "
        "GET", f"{_RFC9110}#name-301-moved-permanently")),
    ("rfc9110-302", Citation(
        "RFC 9110", "§15.4.3", "302 Found",
        "for historical reasons, a user agent MAY change the request method from POST to "
        "GET", f"{_RFC9110}#name-302-found")),
    ("rfc9110-303", Citation(
        "RFC 9110", "§15.4.4", "303 See Other",
        "the user agent performs a retrieval request (GET or HEAD) on the Location",
        f"{_RFC9110}#name-303-see-other")),
    ("rfc9110-305", Citation(
        "RFC 9110", "§15.4.6", "305 Use Proxy",
        "defined in an earlier version of HTTP and now deprecated",
        f"{_RFC9110}#name-305-use-proxy")),
    ("rfc9110-307", Citation(
        "RFC 9110", "§15.4.8", "307 Temporary Redirect",
        "the user agent MUST NOT change the request method if it performs an automatic "
        "redirection", f"{_RFC9110}#name-307-temporary-redirect")),
    ("rfc9110-308", Citation(
        "RFC 9110", "§15.4.9", "308 Permanent Redirect",
        "the target resource has been assigned a new permanent URI, and a 308 response is "
        "heuristically cacheable; the section says nothing of the method (RFC 9110 §15.4: "
        "307 and 308 \"were later added to unambiguously indicate method-preserving "
        "redirects\")",
        f"{_RFC9110}#name-308-permanent-redirect")),
    ("rfc9110-heuristic", Citation(
        "RFC 9110", "§15.1", "Overview of Status Codes",
        "the heuristically cacheable status codes include 300, 301 and 308 (and no other "
        "3xx)", f"{_RFC9110}#name-overview-of-status-codes")),
    ("rfc9110-fragment", Citation(
        "RFC 9110", "§10.2.2", "Location",
        "a Location without a fragment inherits the fragment of the original URI",
        f"{_RFC9110}#name-location")),
    ("rfc9110-field-order", Citation(
        "RFC 9110", "§5.3", "Field Order",
        "repeated field lines may be combined into one value joined by commas",
        f"{_RFC9110}#name-field-order")),
    ("rfc9110-methods", Citation(
        "RFC 9110", "§9.3", "Method Definitions",
        "POST and PUT carry content with defined meaning; GET, HEAD, DELETE and OPTIONS "
        "have none", f"{_RFC9110}#name-method-definitions")),
    ("rfc5789", Citation(
        "RFC 5789", "§2", "The PATCH Method",
        "PATCH applies the partial modification sent as the request's content",
        "https://www.rfc-editor.org/rfc/rfc5789.html#section-2")),
    ("rfc9111-heuristic", Citation(
        "RFC 9111", "§4.2.2", "Calculating Heuristic Freshness",
        "a cache MUST NOT use a heuristic when the response states an explicit expiration "
        "time; so heuristics apply only to responses without explicit freshness whose status "
        "code is heuristically cacheable (RFC 9110 §15.1), or that are marked explicitly "
        "cacheable (e.g. with public)",
        "https://www.rfc-editor.org/rfc/rfc9111.html#name-calculating-heuristic-fresh")),
    ("rfc7238", Citation(
        "RFC 7238", "", "The HTTP Status Code 308 (Permanent Redirect)",
        "308 first defined, June 2014, as an Experimental RFC",
        "https://www.rfc-editor.org/rfc/rfc7238.html")),
    ("rfc7538", Citation(
        "RFC 7538", "§3", "308 Permanent Redirect",
        "308 is similar to 301 (Moved Permanently), except that it does not allow changing "
        "the request method from POST to GET; standards track, April 2015 (obsoletes RFC "
        "7238; obsoleted by RFC 9110)",
        "https://www.rfc-editor.org/rfc/rfc7538.html#section-3")),
    ("rfc9700-307", Citation(
        "RFC 9700", "§4.12", "307 Redirect",
        "after a POST that carried the user's credentials, a 307 makes the browser send "
        "them again to the new location; use 303 there",
        "https://www.rfc-editor.org/rfc/rfc9700.html#section-4.12")),
    ("fetch-redirect", Citation(
        "Fetch", '"HTTP-redirect fetch"', "WHATWG Fetch standard (living standard)",
        "301/302 turn POST into GET; 303 turns every method but GET and HEAD into GET; "
        "307/308 keep method and body; when the method becomes GET the body and the "
        "request-body-header names are removed; a body that cannot be sent again (a "
        "stream) is a network error for every code but 303; more than 20 redirects is a "
        "network error; Authorization is removed when the origin changes",
        f"{_FETCH}#http-redirect-fetch")),
    ("fetch-redirect-modes", Citation(
        "Fetch", '"HTTP fetch" (redirect mode) and "opaque-redirect filtered response"',
        "WHATWG Fetch standard (living standard)",
        "a redirect in \"error\" mode is a network error (fetch() rejects with a TypeError); "
        "in \"manual\" mode the page gets an opaque-redirect filtered response: type "
        "\"opaqueredirect\", status 0, empty status message, no headers (so no Location), "
        "no body; in \"follow\" mode Response.redirected is true and Response.url the last URL",
        f"{_FETCH}#concept-filtered-response-opaque-redirect")),
    ("fetch-origin-header", Citation(
        "Fetch", '"append a request Origin header" and "serializing a request origin"',
        "WHATWG Fetch standard (living standard)",
        "Origin is sent on CORS requests and on every request whose method is neither GET "
        "nor HEAD; it is serialised as \"null\" once the request's redirect-taint is not "
        "same-origin, that is after a hop from one origin to another made from a URL whose "
        "origin is not the request's own",
        f"{_FETCH}#serializing-a-request-origin")),
    ("wpt-fetch-origin", Citation(
        "web-platform-tests", "fetch/origin/assorted.window.js", "the browsers' shared test suite",
        "a POST redirected from another origin back to the page's own origin arrives with "
        "Origin: null",
        "https://github.com/web-platform-tests/wpt/blob/master/fetch/origin/assorted.window.js")),
    ("fetch-cors-check", Citation(
        "Fetch", '"CORS check"', "WHATWG Fetch standard (living standard)",
        "every response to a CORS request, a redirect included, must carry an "
        "Access-Control-Allow-Origin that lets the request's origin read it, or the fetch is "
        "a network error", f"{_FETCH}#cors-check")),
    ("fetch-redirect-status", Citation(
        "Fetch", '"redirect status"', "WHATWG Fetch standard (living standard)",
        "a redirect status is 301, 302, 303, 307 or 308: a browser follows no other code, "
        "300 included", f"{_FETCH}#redirect-status")),
    ("referrer-policy-redirect", Citation(
        "Referrer Policy", '"Set request\'s referrer policy on redirect"',
        "W3C Referrer Policy (editor's draft)",
        "a Referrer-Policy header on a redirect replaces the request's policy for the next "
        "hop; with no policy set, a browser uses strict-origin-when-cross-origin (the full "
        "URL to its own origin, only the origin elsewhere, nothing from https to http)",
        "https://w3c.github.io/webappsec-referrer-policy/#set-requests-referrer-policy-on-redirect")),
    ("html-meta-refresh", Citation(
        "HTML", '"Refresh state" (http-equiv="refresh")', "WHATWG HTML standard (living standard)",
        "a meta refresh, and the Refresh header handled the same way, sends the browser on "
        "after the page has loaded; it is not an HTTP redirect and carries no status code",
        "https://html.spec.whatwg.org/multipage/semantics.html#attr-meta-http-equiv-refresh")),
    ("mdn-redirect-precedence", Citation(
        "MDN", '"Redirections in HTTP", order of precedence', "MDN Web Docs",
        "HTTP redirects are followed first; a script that changes location runs while the "
        "page loads; a meta refresh (or Refresh header) applies once it has loaded",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Redirections"
        "#order_of_precedence")),
    ("wpt-fetch-redirect", Citation(
        "web-platform-tests", "fetch/api/redirect/", "the browsers' shared test suite",
        "executable assertions of Fetch's redirect rules (method, count, mode, location, "
        "schemes, data: URLs, Origin, Referer) that every engine runs; "
        "tests/test_wpt_fetch_redirect.py mirrors them in the lab",
        "https://github.com/web-platform-tests/wpt/tree/master/fetch/api/redirect")),
    ("fetch-preflight", Citation(
        "Fetch", '"CORS-preflight fetch"', "WHATWG Fetch standard (living standard)",
        "before a cross-origin request that is not simple, the browser sends an OPTIONS "
        "asking permission; a redirect of the preflight itself is a failure",
        f"{_FETCH}#cors-preflight-fetch")),
    ("cpython-gh-99730", Citation(
        "CPython", "gh-99730", "HEAD requests should be HEAD requests upon redirect",
        "urllib's HTTPRedirectHandler keeps HEAD on a redirect from Python 3.13; earlier "
        "versions send GET", "https://github.com/python/cpython/issues/99730")),
    ("chromium-freshness", Citation(
        "Chromium", "net/http/http_response_headers.cc", "GetFreshnessLifetimes",
        "a 300, 301, 308 or 410 with no freshness information is fresh for ever and never "
        "stale ('implicitly fresh'), rather than given a heuristic lifetime",
        "https://source.chromium.org/chromium/chromium/src/+/main:net/http/"
        "http_response_headers.cc")),
    ("devtools-network", Citation(
        "Chrome DevTools", "Network features reference", "Preserve log, Disable cache",
        "Preserve log keeps the requests across page loads; Disable cache shows what a "
        "first-time visitor gets; the Initiator column says Redirect for a request a redirect "
        "caused",
        "https://developer.chrome.com/docs/devtools/network/reference")),
    ("devtools-disk-cache", Citation(
        "Chrome DevTools", "front_end/panels/network/NetworkDataGridNode.ts", "the Size column",
        "a response served from the disk cache shows '(disk cache)' in place of its size",
        "https://chromium.googlesource.com/devtools/devtools-frontend/+/refs/heads/main/"
        "front_end/panels/network/NetworkDataGridNode.ts")),
    ("curl-verbose", Citation(
        "curl", "manual, -v/--verbose", "curl(1)",
        "lines starting with '>' are header data sent by curl, '<' header data received, "
        "and '*' additional information from curl",
        "https://curl.se/docs/manpage.html#-v")),
    ("curl-location", Citation(
        "curl", "manual, --location", "curl(1)",
        "headers set with -H go to every host of the chain, except credentials and a "
        "Cookie set with -H, which curl sends only to \"the initial host\" "
        "(--location-trusted sends them everywhere)",
        "https://curl.se/docs/manpage.html#-L")),
    ("curl-auth-allowed-to-host", Citation(
        "curl", "lib/vauth/vauth.c (Curl_auth_allowed_to_host)", "curl source",
        "after a redirect, authentication and cookies go on only if host name, port and "
        "scheme all equal those of the first URL, unless --location-trusted is set",
        "https://github.com/curl/curl/blob/master/lib/vauth/vauth.c")),
    ("curl-follow", Citation(
        "curl", "manual, --follow (curl 8.16 and later)", "curl(1)",
        "--follow keeps a method set with -X only after 307 and 308, unlike -L",
        "https://curl.se/docs/manpage.html#--follow")),
    ("curl-manual", Citation(
        "curl", "manual, -L, -X, --post301/302/303, -T, --max-redirs", "curl(1)",
        "-L follows redirects; -X sets the method for every hop; --post301/302/303 keep a "
        "POST; -T uploads a file or standard input; --max-redirs limits the chain (50 by "
        "default)", "https://curl.se/docs/manpage.html")),
    ("curl-proto-redir", Citation(
        "curl", "manual, --proto-redir", "curl(1)",
        "limits the schemes curl may follow a redirect to; by default (since 7.65.2) "
        "http, https, ftp and ftps", "https://curl.se/docs/manpage.html#--proto-redir")),
    ("rfc9110-300", Citation(
        "RFC 9110", "§15.4.1", "300 Multiple Choices",
        "the server offers several representations; a Location names its preferred one",
        f"{_RFC9110}#name-300-multiple-choices")),
    ("rfc9111", Citation(
        "RFC 9111", "", "HTTP Caching",
        "how a cache stores responses and decides when a stored one may be reused",
        "https://www.rfc-editor.org/rfc/rfc9111.html")),
    ("rfc3986-resolution", Citation(
        "RFC 3986", "§5", "Reference Resolution",
        "a relative reference is resolved against the base URI; dot segments are removed",
        "https://www.rfc-editor.org/rfc/rfc3986.html#section-5")),
    ("rfc3986-relative", Citation(
        "RFC 3986", "§5.2", "Relative Resolution",
        "a path without a leading slash replaces the last segment of the base path",
        "https://www.rfc-editor.org/rfc/rfc3986.html#section-5.2")),
    ("rfc6454", Citation(
        "RFC 6454", "", "The Web Origin Concept",
        "an origin is the triple scheme, host and port",
        "https://www.rfc-editor.org/rfc/rfc6454.html")),
    ("rfc6265-ports", Citation(
        "RFC 6265", "§8.5", "Weak Confidentiality",
        "cookies do not provide isolation by port: a cookie one port may read, another "
        "port of the same host may read too", "https://www.rfc-editor.org/rfc/rfc6265.html#section-8.5")),
    ("aiohttp-cookiejar-unsafe", Citation(
        "aiohttp", "docs", "CookieJar(unsafe=True)",
        "aiohttp's cookie jar refuses cookies from a host given as an IP address unless it "
        "is made with unsafe=True", "https://docs.aiohttp.org/en/stable/client_advanced.html"
        "#cookie-safety")),
    ("rfc6797", Citation(
        "RFC 6797", "", "HTTP Strict Transport Security (HSTS)",
        "a host that sent Strict-Transport-Security is contacted only over https until the "
        "policy expires: the browser rewrites http:// to https:// before anything is sent; "
        "HSTS hosts are named by domain names only, never by IP address", "https://www.rfc-editor.org/rfc/rfc6797.html")),
    ("rfc9700-open-redirect", Citation(
        "RFC 9700", "§4.11", "Open Redirection",
        "clients and authorization servers must not expose URLs that forward the browser to "
        "arbitrary URIs", "https://www.rfc-editor.org/rfc/rfc9700.html#section-4.11")),
    ("fetch-body-headers", Citation(
        "Fetch", '"request-body-header name"', "WHATWG Fetch standard (living standard)",
        "Content-Encoding, Content-Language, Content-Location and Content-Type: removed "
        "with the body when a redirect turns the request into a GET",
        f"{_FETCH}#request-body-header-name")),
    ("html-form-submission", Citation(
        "HTML", '"Form submission"', "WHATWG HTML standard (living standard)",
        "how a browser turns a form into a request (method, body, encoding)",
        "https://html.spec.whatwg.org/multipage/form-control-infrastructure.html"
        "#form-submission-2")),
    ("whatwg-url", Citation(
        "URL", "", "WHATWG URL standard (living standard)",
        "how browsers parse URLs: backslashes as slashes in special schemes, tabs and "
        "newlines removed", "https://url.spec.whatwg.org/")),
    ("owasp-redirects", Citation(
        "OWASP", "Cheat Sheet", "Unvalidated Redirects and Forwards",
        "validate redirect targets against an allow-list rather than by string tricks",
        "https://cheatsheetseries.owasp.org/cheatsheets/"
        "Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html")),
    ("httpx-redirects", Citation(
        "httpx", "docs", "Redirection and History",
        "httpx follows redirects only with follow_redirects=True; earlier responses are in "
        "response.history", "https://www.python-httpx.org/quickstart/#redirection-and-history")),
    ("httpx-client-source", Citation(
        "httpx", "httpx/_client.py",
        "BaseClient._redirect_method, _redirect_headers, _redirect_stream, _is_https_redirect",
        "the method, headers and body httpx sends after a redirect, and when it keeps "
        "Authorization", "https://github.com/encode/httpx/blob/master/httpx/_client.py")),
    ("httpx-api", Citation(
        "httpx", "docs", "Developer Interface (Client, max_redirects)",
        "Client(max_redirects=20) by default", "https://www.python-httpx.org/api/#client")),
    ("httpx-exceptions", Citation(
        "httpx", "docs", "Exceptions (StreamConsumed)",
        "a stream body cannot be sent twice", "https://www.python-httpx.org/exceptions/")),
    ("requests-redirects", Citation(
        "requests", "docs", "Redirection and History",
        "requests follows redirects for every verb but HEAD by default",
        "https://requests.readthedocs.io/en/latest/user/quickstart/#redirection-and-history")),
    ("requests-sessions-source", Citation(
        "requests", "src/requests/sessions.py",
        "SessionRedirectMixin: rebuild_method, rebuild_auth, should_strip_auth",
        "the method requests sends after a redirect, and when it drops Authorization",
        "https://github.com/psf/requests/blob/main/src/requests/sessions.py")),
    ("requests-max-redirects", Citation(
        "requests", "docs", "Session.max_redirects",
        "30 by default", "https://requests.readthedocs.io/en/latest/api/"
        "#requests.Session.max_redirects")),
    ("requests-streaming", Citation(
        "requests", "docs", "Streaming Uploads",
        "a file-like object or generator as the body",
        "https://requests.readthedocs.io/en/latest/user/advanced/#streaming-uploads")),
    ("urllib3-redirects", Citation(
        "urllib3", "src/urllib3/poolmanager.py (PoolManager.urlopen)", "urllib3 source",
        "only a 303 changes the request (to GET, body and content headers dropped); "
        "Retry.remove_headers_on_redirect strips Cookie, Authorization and "
        "Proxy-Authorization when the host changes; requests calls urllib3 with "
        "redirect=False and follows redirects itself",
        "https://github.com/urllib3/urllib3/blob/main/src/urllib3/poolmanager.py")),
    ("aiohttp-redirects", Citation(
        "aiohttp", "aiohttp/client.py (ClientSession._request)", "aiohttp source",
        "303 (all but HEAD) and 301/302 (POST only) become GET without a body; "
        "Authorization, Cookie and Proxy-Authorization go when the origin changes; "
        "max_redirects=10",
        "https://github.com/aio-libs/aiohttp/blob/master/aiohttp/client.py")),
    ("undici-fetch", Citation(
        "undici", "lib/web/fetch/index.js (httpRedirectFetch)", "Node.js's fetch() source",
        "Node's fetch() implements the Fetch standard's HTTP-redirect fetch, as browsers do; "
        "on a cross-origin hop it also deletes Cookie and Host, the forbidden headers "
        "Node does not enforce",
        "https://github.com/nodejs/undici/blob/main/lib/web/fetch/index.js")),
    ("wget-no-cookies", Citation(
        "GNU Wget", "manual, HTTP Options (--no-cookies)", "GNU Wget manual",
        "the default is to use cookies (kept for the run; storing them is not on by "
        "default); --no-cookies disables them",
        "https://www.gnu.org/software/wget/manual/wget.html#HTTP-Options")),
    ("wget-manual", Citation(
        "GNU Wget", "manual, HTTP Options (--method, --body-file, --max-redirect)",
        "GNU Wget manual",
        "wget follows up to 20 redirects by default; --method and --body-file send any "
        "method with a body; --header adds a header to each HTTP request it makes",
        "https://www.gnu.org/software/wget/manual/wget.html#HTTP-Options")),
    ("urllib-redirect-handler", Citation(
        "Python", "urllib.request", "HTTPRedirectHandler",
        "redirect_request decides whether and how urllib follows a 3xx",
        "https://docs.python.org/3/library/urllib.request.html#httpredirecthandler-objects")),
    ("hishel", Citation(
        "hishel", "docs", "HTTP caching for httpx",
        "an RFC 9111 cache for httpx", "https://hishel.com")),
    ("trustme", Citation(
        "trustme", "docs", "Certificates for testing",
        "a throwaway certificate authority for tests", "https://trustme.readthedocs.io/")),
    ("playwright-launch", Citation(
        "Playwright for Python", "docs", "BrowserType.launch(executable_path=...)",
        "drives an installed browser instead of downloading one",
        "https://playwright.dev/python/docs/api/class-browsertype")),
    ("puppeteer-firefox", Citation(
        "Puppeteer", "docs", "Firefox support over WebDriver BiDi",
        "puppeteer-core launches an installed Firefox (executablePath) and drives it over "
        "the W3C WebDriver BiDi protocol, without downloading a browser",
        "https://pptr.dev/webdriver-bidi")),
    ("flask-redirect", Citation(
        "Flask", "docs", "flask.redirect",
        "redirect(location, code=302) by default",
        "https://flask.palletsprojects.com/en/stable/api/#flask.redirect")),
    ("werkzeug-routing", Citation(
        "Werkzeug", "docs", "URL Routing (strict_slashes)",
        "a rule ending in a slash redirects the URL without it",
        "https://werkzeug.palletsprojects.com/en/stable/routing/")),
    ("nextjs-redirects", Citation(
        "Next.js", "docs", "redirects in next.config.js",
        "permanent: true sends 308, permanent: false sends 307, chosen because many browsers "
        "changed a 301/302 POST into a GET; statusCode may be given instead of permanent",
        "https://nextjs.org/docs/app/api-reference/config/next-config-js/redirects")),
    ("werkzeug-proxy-fix", Citation(
        "Werkzeug docs", "", "X-Forwarded-For Proxy Fix (ProxyFix)",
        "sets the request's scheme, host and remote address from X-Forwarded-* headers; "
        "you say how many proxies set each header (x_proto=1: one), and it must not be "
        "used where a client can reach the app without the proxy",
        "https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/")),
    ("uvicorn-proxy-headers", Citation(
        "Uvicorn docs", "Settings", "--proxy-headers, --forwarded-allow-ips",
        "--proxy-headers (on by default) lets X-Forwarded-Proto and X-Forwarded-For set the "
        "scheme and client address, trusted only from the addresses --forwarded-allow-ips "
        "lists (by default the FORWARDED_ALLOW_IPS environment variable if set, else "
        "127.0.0.1)", "https://www.uvicorn.org/settings/#http")),
    ("nginx-proxy-set-header", Citation(
        "nginx docs", "ngx_http_proxy_module", "proxy_set_header",
        "allows redefining or appending fields to the request header passed to the proxied "
        "server; by default only two are redefined: Host (\\$proxy_host) and Connection "
        "(close)",
        "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header")),
    ("rfc7239-forwarded", Citation(
        "RFC 7239", "§5.4", "Forwarded HTTP Extension: \"proto\"",
        "the standard header a proxy uses to tell the server the scheme (and client, host) "
        "of the request it received: Forwarded: proto=https; X-Forwarded-Proto is the "
        "older, unstandardised spelling most apps read",
        "https://www.rfc-editor.org/rfc/rfc7239.html#section-5.4")),
    ("cve-2018-18074", Citation(
        "CVE-2018-18074", "", "requests before 2.20.0",
        "requests sent an Authorization header to an http URI after a same-hostname "
        "https-to-http redirect; 2.20.0 strips it when the scheme or port changes",
        "https://nvd.nist.gov/vuln/detail/CVE-2018-18074")),
    ("cve-2023-32681", Citation(
        "CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "requests 2.3.0 to 2.30.0",
        "with credentials in the proxy URL, requests re-attached Proxy-Authorization to "
        "redirected requests, which inside an https tunnel reaches the destination server "
        "(http → https and https → https leak; to http the proxy removes it); fixed in 2.31.0",
        "https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q")),
    ("cve-2023-43804", Citation(
        "CVE-2023-43804", "GHSA-v845-jxx5-vc9f", "urllib3 before 1.26.17 and 2.0.6",
        "a Cookie header set on a request was not removed on a redirect to another origin; "
        "the fix adds Cookie to Retry.remove_headers_on_redirect",
        "https://github.com/urllib3/urllib3/security/advisories/GHSA-v845-jxx5-vc9f")),
    ("cve-2023-45803", Citation(
        "CVE-2023-45803", "GHSA-g4mx-q9vg-27p4", "urllib3 before 1.26.18 and 2.0.7",
        "after a 303 changed the method to GET, the request body was kept; the fix strips it",
        "https://github.com/urllib3/urllib3/security/advisories/GHSA-g4mx-q9vg-27p4")),
    ("lighthouse-redirects", Citation(
        "Lighthouse docs", "", "Avoid multiple page redirects",
        "a page fails the audit when it has two or more redirects: each is another round "
        "trip before the page can load (moved into the Document request latency insight "
        "in Lighthouse 13)", "https://developer.chrome.com/docs/lighthouse/performance/redirects")),
    ("werkzeug-connection-close", Citation(
        "Werkzeug source", "serving.py", "WSGIRequestHandler.run_wsgi",
        "the development server sends Connection: close with every response (Python's "
        "http.server cannot drain a request body before reading the next request)",
        "https://github.com/pallets/werkzeug/blob/main/src/werkzeug/serving.py")),
    ("urllib-connection-close", Citation(
        "CPython source", "urllib/request.py", "AbstractHTTPHandler.do_open",
        "urllib makes a new HTTPConnection for every request it sends, a redirect's too, "
        "and asks the server to close it (Connection: close)",
        "https://github.com/python/cpython/blob/main/Lib/urllib/request.py")),
    ("nginx-keepalive", Citation(
        "nginx docs", "ngx_http_core_module", "keepalive_timeout, keepalive_requests",
        "nginx keeps a client connection open for further requests (75 s and 1000 "
        "requests by default); \\$connection and \\$connection_requests name it in a log",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#keepalive_timeout")),
    ("har-1.2", Citation(
        "HTTP Archive (HAR) format", "1.2", "W3C Web Performance WG draft",
        "one entry per request with its request and response; redirectURL is the "
        "response's Location; a size that is not known is -1; time is the sum of the "
        "timings that are not -1, in milliseconds; custom fields start with an underscore",
        "https://w3c.github.io/web-performance/specs/HAR/Overview.html")),
    ("har-schema", Citation(
        "har-schema (npm)", "2.0.0", "JSON Schema for HTTP Archive (HAR)",
        "the HAR 1.2 format as a JSON Schema, the one npm's HAR validators check against",
        "https://github.com/ahmadnassri/har-schema")),
    ("rfc9112-absolute-form", Citation(
        "RFC 9112", "§3.2.2", "absolute-form",
        "a client MUST send the whole target URI as the request-target when it sends a "
        "request to a proxy (other than CONNECT)",
        "https://www.rfc-editor.org/rfc/rfc9112.html#name-absolute-form")),
    ("rfc9110-connect", Citation(
        "RFC 9110", "§9.3.6", "CONNECT",
        "asks the proxy for a tunnel to host:port; once it answers 2xx, it relays bytes "
        "both ways, so it sees inside only if it ends the TLS connection itself",
        f"{_RFC9110}#name-connect")),
    ("rfc9110-connection", Citation(
        "RFC 9110", "§7.6.1", "Connection",
        "an intermediary removes the fields that concern only one connection (those the "
        "Connection field names, and Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, "
        "Upgrade) before it forwards a message", f"{_RFC9110}#name-connection")),
    ("owasp-ssrf", Citation(
        "OWASP Cheat Sheet Series", "", "Server-Side Request Forgery Prevention Cheat Sheet",
        "validate every URL a server fetches for a user, and disable following redirects in "
        "the HTTP client, since a redirect bypasses a check made on the first URL",
        "https://cheatsheetseries.owasp.org/cheatsheets/"
        "Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html")),
    ("aws-imdsv2", Citation(
        "AWS", "EC2 User Guide", "Configure the instance metadata options (IMDSv2)",
        "the instance metadata service at 169.254.169.254 serves the instance role's "
        "temporary credentials under /latest/meta-data/iam/security-credentials/; with "
        "HttpTokens set to required (IMDSv2 required) every request must carry a session "
        "token, which a PUT to /latest/api/token issues; with optional, a request without "
        "one is still answered (IMDSv1)",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
        "configuring-instance-metadata-service.html")),
    ("httpx-event-hooks", Citation(
        "HTTPX", "docs", "Event Hooks",
        "a request hook is called once a request is prepared, before it is sent; hooks run "
        "for each request of a redirect chain (encode/httpx pull request #1806)",
        "https://www.python-httpx.org/advanced/event-hooks/")),
    ("nextjs-trailing-slash", Citation(
        "Next.js", "docs", "trailingSlash in next.config.js",
        "by default a URL with a trailing slash is redirected to the one without it; "
        "trailingSlash: true redirects the other way",
        "https://nextjs.org/docs/app/api-reference/config/next-config-js/trailingSlash")),
    ("nextjs-refresh-308", Citation(
        "Next.js", "packages/next/src/server/lib/router-server.ts (handle redirect)",
        "Next.js source",
        "a 308 from the router also gets a Refresh: 0;url=<destination> header, the "
        "fallback its base-http redirect() explains is for IE11, which does not know 308",
        "https://github.com/vercel/next.js/blob/canary/packages/next/src/server/lib/router-server.ts")),
    ("express-redirect", Citation(
        "Express", "docs", "res.redirect",
        "res.redirect([status,] path) sends 302 unless given a status",
        "https://expressjs.com/en/api.html#res.redirect")),
    ("django-redirect", Citation(
        "Django", "docs", "shortcuts: redirect()",
        "redirect() returns an HttpResponseRedirect (302), or with permanent=True an "
        "HttpResponsePermanentRedirect (301)",
        "https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#redirect")),
    ("django-redirect-view", Citation(
        "Django", "docs", "Generic views: RedirectView",
        "RedirectView.permanent defaults to False: a 302",
        "https://docs.djangoproject.com/en/stable/ref/class-based-views/base/#redirectview")),
    ("django-append-slash", Citation(
        "Django", "docs", "settings: APPEND_SLASH",
        "CommonMiddleware redirects a URL that matches no pattern to the same URL with a "
        "slash appended, if that one matches; the redirect is a 301 (with DEBUG on, a POST "
        "raises an error instead, since its data would be lost)",
        "https://docs.djangoproject.com/en/stable/ref/settings/#append-slash")),
    ("starlette-redirect-response", Citation(
        "Starlette", "docs", "Responses: RedirectResponse",
        "RedirectResponse(url, status_code=307) by default; FastAPI re-exports it",
        "https://www.starlette.io/responses/#redirectresponse")),
    ("starlette-redirect-slashes", Citation(
        "Starlette", "starlette/routing.py (Router, redirect_slashes=True)", "Starlette source",
        "a path that matches no route is retried with or without its trailing slash; if "
        "that one matches, the router answers a 307 RedirectResponse to it",
        "https://github.com/encode/starlette/blob/master/starlette/routing.py")),
    ("express-path-syntax", Citation(
        "Express", "docs", "Migrating to Express 5: path route matching syntax",
        "Express 5 (path-to-regexp 8) names a wildcard *name and rejects the Express 4 "
        "spelling :name(*)", "https://expressjs.com/en/guide/migrating-5.html#path-syntax")),
    ("express-static", Citation(
        "Express", "docs", "express.static (serve-static), option redirect",
        "redirect to the trailing slash when the path is a directory (true by default)",
        "https://expressjs.com/en/api.html#express.static")),
    ("nginx-absolute-redirect", Citation(
        "nginx", "docs", "ngx_http_core_module: absolute_redirect, port_in_redirect",
        "nginx's own redirects (a directory without its slash, say) carry an absolute URL "
        "with the server's port, unless absolute_redirect off (a relative Location) or "
        "port_in_redirect off (no port)",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#absolute_redirect")),
    ("nginx-rewrite", Citation(
        "nginx", "docs", "ngx_http_rewrite_module (return, rewrite)",
        "return code URL sends that code; rewrite ... redirect (302) or permanent (301)",
        "https://nginx.org/en/docs/http/ngx_http_rewrite_module.html")),
    ("hsts-preload", Citation(
        "hstspreload.org", "", "HSTS preload list",
        "browsers ship a list of hosts they contact only over https",
        "https://hstspreload.org/")),
    ("jupyterlab-mermaid", Citation(
        "JupyterLab", "docs", "File and output formats (Mermaid diagrams)",
        "JupyterLab draws Mermaid diagrams written in Markdown",
        "https://jupyterlab.readthedocs.io/en/stable/user/file_formats.html")),
]}
"""Every citation the lessons and the package make, by key."""


def cite(key: str) -> Citation:
    """The citation called ``key``; raises KeyError listing the keys when there is none."""
    try:
        return CITATIONS[key]
    except KeyError:
        raise KeyError(f"no citation {key!r}; known: {', '.join(CITATIONS)}") from None


def citations_table(*keys: str) -> pd.DataFrame:
    """The citations named (all by default) as a table a lesson can show."""
    chosen = keys or tuple(CITATIONS)
    return pd.DataFrame([{"source": cite(k).short, "title": cite(k).title,
                          "says": cite(k).supports} for k in chosen]).set_index("source")


class FurtherReading:
    """A lesson's sources as a Markdown list, rendered from :data:`CITATIONS`."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.citations = [cite(k) for k in keys]

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {c.markdown}: {c.supports}." for c in self.citations)

    def __repr__(self) -> str:
        return "\n".join(f"- {c.short} ({c.title}): {c.url}" for c in self.citations)


def further_reading(*keys: str) -> FurtherReading:
    """The sources named by ``keys``, as a lesson's "Further reading" list."""
    return FurtherReading(keys)
