"""The assertions of web-platform-tests' ``fetch/api/redirect/`` files, run in both engines.

WPT is the browsers' shared, executable reading of the Fetch standard. Each test here is
named for the WPT file and case it mirrors and asserts the same facts, but observed the
lab's way: what the page's script read of the Response, and what the lab server's
journal says arrived at each hop. The tests are written for the lab; no WPT code is
used. Left out, because the lab serves only the seven methods its lessons send and
string bodies: redirect-method's ``TESTING`` method and its Blob body.

Where an engine departs from WPT, the case is marked ``xfail(strict=True)`` with the
reason (see :data:`KNOWN_DEPARTURES`), so the difference is recorded, and a fix in the
engine shows up as a failure to update the lesson, never silently.
"""

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from labserver import LabServer, describe_hops
from labserver.clients import BrowserClient

CODES = (301, 302, 303, 307, 308)

_KEEPS_HEADERS_ON_303_GET = (
    "keeps Content-Encoding, Content-Language and Content-Location on a GET through 303: "
    "Fetch's HTTP-redirect fetch rewrites the request (and removes the request-body "
    "headers) only for a 303 whose method is not GET or HEAD, so nothing is removed from "
    "a GET; this WPT case expects them gone after any 303 but HEAD. Both engines agree "
    "with the standard's text here")

KNOWN_DEPARTURES: dict[tuple[str, str], str] = {
    ("chromium", "test_redirect_method[chromium-Redirect 303 with GET]"):
        _KEEPS_HEADERS_ON_303_GET,
    ("firefox", "test_redirect_method[firefox-Redirect 303 with GET]"):
        _KEEPS_HEADERS_ON_303_GET,
    ("chromium", "test_redirect_empty_location__follow_mode_is_a_network_error"):
        "Chromium treats an empty Location like a missing one and hands the 302 itself to "
        "the page; Fetch parses the empty string against the request's URL, so the "
        "redirect points at itself until the 20-redirect limit makes it a network error "
        "(Firefox does that)",
}
"""(engine, test name) → why that engine fails that WPT case here. The test is then an
expected failure (strict: if the engine changes, the test fails and says so)."""


@pytest.fixture(autouse=True)
def _known_departure(request: pytest.FixtureRequest) -> None:
    engine = request.getfixturevalue("browser").name
    for (name, test), reason in KNOWN_DEPARTURES.items():
        if name == engine and request.node.name.startswith(test):
            request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(scope="module")
def other() -> Iterator[LabServer]:
    """A second origin (another port on loopback), for WPT's REMOTE_HOST cases."""
    with LabServer(name="other") as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _two_origins(server: LabServer, other: LabServer) -> None:
    server.allow_redirects_to(other)
    other.allow_redirects_to(server)


def _raw_location(server: LabServer, code: int, location: str) -> str:
    return f"{server.url}/location/{code}?bytes={quote(location, safe='')}"


# -- redirect-method.any.js -------------------------------------------------------------

METHOD_CASES = [(code, method, expected) for code in (301, 302, 303)
                for method, expected in (("GET", "GET"), ("POST", "GET"), ("HEAD", "HEAD"))]
METHOD_CASES += [(307, "GET", "GET"), (307, "POST", "POST"), (307, "HEAD", "HEAD")]
BODY_DESCRIBING = ("Content-Encoding", "Content-Language", "Content-Location")


@pytest.mark.parametrize(("code", "method", "expected"), METHOD_CASES,
                         ids=[f"Redirect {c} with {m}" for c, m, _ in METHOD_CASES])
def test_redirect_method(server: LabServer, browser: BrowserClient, code: int, method: str,
                         expected: str) -> None:
    # WPT sends the three body-describing headers where the method will change.
    changes = (code != 303 and method == "POST") or (code == 303 and method != "HEAD")
    headers = {"Content-Encoding": "Identity", "Content-Language": "en-US",
               "Content-Location": "foo"} if changes else {}
    body = b"this is my body" if method == "POST" else None
    browser.prepare(server.url)
    with server.journal.watch() as hops:
        answer = browser.fetch(f"{server.url}/redirect/{code}", method=method, body=body,
                               headers=headers)
    assert (answer.status, answer.type, answer.redirected) == (200, "basic", True)
    last = hops[-1]
    assert last.method == expected, describe_hops(hops)
    posted = expected == "POST"
    assert (last.content_type or "NO") == ("text/plain;charset=UTF-8" if posted else "NO")
    for name in ("Content-Length", *BODY_DESCRIBING):
        assert (name in last.headers) == posted, f"{name}: {describe_hops(hops)}"
    assert (last.body_length or 0) == (len(body or b"") if posted else 0)


def test_redirect_method__response_redirected_is_false_on_a_response_not_redirected(
        server: LabServer, browser: BrowserClient) -> None:
    browser.prepare(server.url)
    answer = browser.fetch(f"{server.url}/echo")
    assert (answer.status, answer.redirected) == (200, False)


# -- redirect-count.any.js --------------------------------------------------------------

COUNT_CASES = [(code, times) for code in CODES for times in (20, 21)]


@pytest.mark.parametrize(("code", "times"), COUNT_CASES,
                         ids=[f"Redirect {c} {n} times" for c, n in COUNT_CASES])
def test_redirect_count(server: LabServer, browser: BrowserClient, code: int,
                        times: int) -> None:
    browser.prepare(server.url)
    with server.journal.watch() as hops:
        answer = browser.fetch(f"{server.url}/chain/{times}?code={code}")
    redirects = sum(1 for hop in hops if hop.status == code)
    if times <= 20:
        assert answer.status == 200 and redirects == times
        assert hops[-1].path == "/echo"
    else:  # the 21st redirect is a network error: Fetch never asks for its target
        assert answer.error == "TypeError" and redirects == 21
        assert all(hop.path != "/echo" for hop in hops)


# -- redirect-mode.any.js ---------------------------------------------------------------

MODE_CASES = [(origin, code, redirect, mode) for origin in ("same-origin", "cross-origin")
              for code in CODES for redirect in ("error", "manual", "follow")
              for mode in ("cors", "no-cors")]


@pytest.mark.parametrize(
    ("origin", "code", "redirect", "mode"), MODE_CASES,
    ids=[f"{o} redirect {c} in {r} redirect and {m} mode" for o, c, r, m in MODE_CASES])
def test_redirect_mode(server: LabServer, other: LabServer, browser: BrowserClient,
                       origin: str, code: int, redirect: str, mode: str) -> None:
    first = server if origin == "same-origin" else other
    url = f"{first.url}/redirect/{code}"
    browser.prepare(server.url)
    answer = browser.fetch(url, redirect=redirect, mode=mode)
    if redirect == "error" or (mode == "no-cors" and redirect != "follow"
                               and origin != "same-origin"):
        assert answer.error == "TypeError"
    elif redirect == "manual":
        assert (answer.status, answer.type, answer.status_text, answer.url) == (
            0, "opaqueredirect", "", url)
    elif mode != "no-cors" or origin == "same-origin":
        assert answer.status == 200 and answer.url == f"{first.url}/echo"
    else:
        assert answer.type == "opaque"


# -- redirect-location.any.js -----------------------------------------------------------

LOCATIONS = {"without location": None, "with invalid location": "invalidurl:",
             "with data location": "data:,data%20url"}
LOCATION_CASES = [(code, redirect, kind) for code in CODES for kind in LOCATIONS
                  for redirect in ("follow", "manual")]


def _location_url(server: LabServer, code: int, location: str | None) -> str:
    if location is None:
        return f"{server.url}/no-location/{code}"
    return _raw_location(server, code, location)


@pytest.mark.parametrize(
    ("code", "redirect", "kind"), LOCATION_CASES,
    ids=[f'Redirect {c} in "{r}" mode {k}' for c, r, k in LOCATION_CASES])
def test_redirect_location(server: LabServer, browser: BrowserClient, code: int,
                           redirect: str, kind: str) -> None:
    location = LOCATIONS[kind]
    browser.prepare(server.url)
    answer = browser.fetch(_location_url(server, code, location), redirect=redirect)
    if redirect == "manual":  # whatever the Location: an opaque redirect, nothing readable
        assert (answer.status, answer.type, answer.status_text, answer.headers) == (
            0, "opaqueredirect", "", 0)
    elif location is None:  # nothing to follow: the 3xx itself is the response
        assert answer.status == code
    else:  # a scheme that is not http(s): a network error
        assert answer.error == "TypeError"


# -- redirect-empty-location.any.js ------------------------------------------------------

def test_redirect_empty_location__follow_mode_is_a_network_error(
        server: LabServer, browser: BrowserClient) -> None:
    # An empty Location resolves to the same URL: the request redirects to itself until
    # the limit of 20 is passed.
    browser.prepare(server.url)
    with server.journal.watch() as hops:
        answer = browser.fetch(_raw_location(server, 302, ""))
    assert answer.error == "TypeError" and len(hops) == 21


def test_redirect_empty_location__manual_mode_is_an_opaque_redirect(
        server: LabServer, browser: BrowserClient) -> None:
    browser.prepare(server.url)
    answer = browser.fetch(_raw_location(server, 302, ""), redirect="manual")
    assert (answer.type, answer.status) == ("opaqueredirect", 0)


# -- redirect-schemes.html --------------------------------------------------------------

SCHEMES = ("mailto:a@a.com", "data:,HI", "facetime:a@a.org", "about:blank", "about:unicorn",
           "blob:djfksfjs")


@pytest.mark.parametrize("location", SCHEMES)
def test_redirect_schemes__no_scheme_but_http_survives_a_redirect(
        server: LabServer, browser: BrowserClient, location: str) -> None:
    browser.prepare(server.url)
    with server.journal.watch() as hops:
        answer = browser.fetch(_raw_location(server, 302, location))
    assert answer.error == "TypeError" and len(hops) == 1


# -- redirect-to-dataurl.any.js ----------------------------------------------------------

DATA_URL_CASES = [("same-origin", "cors"), ("same-origin", "no-cors"),
                  ("same-origin", "same-origin"), ("cross-origin", "cors"),
                  ("cross-origin", "no-cors")]


@pytest.mark.parametrize(
    ("origin", "mode"), DATA_URL_CASES,
    ids=[f"Testing data URL loading after {o} redirection ({m} mode)"
         for o, m in DATA_URL_CASES])
def test_redirect_to_dataurl(server: LabServer, other: LabServer, browser: BrowserClient,
                             origin: str, mode: str) -> None:
    first = server if origin == "same-origin" else other
    browser.prepare(server.url)
    answer = browser.fetch(_raw_location(first, 302, "data:text/plain;base64,cmVzcG9uc2UncyBib2R5"),
                           mode=mode)
    assert answer.error == "TypeError"


# -- redirect-origin.any.js -------------------------------------------------------------

ORIGIN_CASES = [(desc, method, code) for code in CODES for method in ("GET", "POST")
                for desc in ("Same origin to same origin", "Same origin to other origin",
                             "Other origin to other origin", "Other origin to same origin")]


@pytest.mark.parametrize(
    ("desc", "method", "code"), ORIGIN_CASES,
    ids=[f"{d} redirection{'[POST]' if m == 'POST' else ''} {c}" for d, m, c in ORIGIN_CASES])
def test_redirect_origin(server: LabServer, other: LabServer, browser: BrowserClient,
                         desc: str, method: str, code: int) -> None:
    first = server if desc.startswith("Same") else other
    last = server if desc.endswith("same origin") else other
    url = f"{first.url}/redirect/{code}?to={'' if last is first else last.url}/echo"
    browser.prepare(server.url)
    with server.journal.watch() as here, other.journal.watch() as there:
        # As written in WPT, the [POST] cases never pass their method to fetch(), so they
        # send a GET too; the lab's own test below sends a real POST.
        answer = browser.fetch(url)
    assert answer.status == 200
    arrived = [hop for hop in (here if last is server else there)
               if hop.path == "/echo" and not hop.is_preflight][-1]
    if first is server:
        expected = None if last is server else server.origin
    else:  # after a cross-origin hop the origin is "tainted" and serialised as null
        expected = server.origin if last is other else "null"
    assert arrived.headers.get("Origin") == expected


def test_a_same_origin_post_through_307_carries_origin_to_the_target(
        server: LabServer, browser: BrowserClient) -> None:
    # Not a WPT case (see above): Fetch's "append a request Origin header" adds Origin to
    # every request whose method is neither GET nor HEAD, same-origin or not.
    browser.prepare(server.url)
    with server.journal.watch() as hops:
        browser.fetch(f"{server.url}/redirect/307", method="POST", body=b"x")
    assert [hop.headers.get("Origin") for hop in hops] == [server.origin, server.origin]


# -- redirect-referrer.any.js -----------------------------------------------------------

POLICIES = ("unsafe-url", "no-referrer-when-downgrade", "same-origin", "origin",
            "origin-when-cross-origin", "no-referrer", "strict-origin",
            "strict-origin-when-cross-origin")
REFERRER_CASES = [(where, policy, side) for where in ("Same origin", "Cross origin")
                  for side in ("redirect header", "init") for policy in POLICIES]


def _expected_referrer(policy: str, cross: bool, page: str, origin: str) -> str | None:
    full, bare = page, origin + "/"
    rules = {"unsafe-url": full, "no-referrer-when-downgrade": full,
             "same-origin": None if cross else full, "origin": bare,
             "origin-when-cross-origin": bare if cross else full, "no-referrer": None,
             "strict-origin": bare, "strict-origin-when-cross-origin": bare if cross else full}
    return rules[policy]


@pytest.mark.parametrize(
    ("where", "policy", "side"), REFERRER_CASES,
    ids=[f"{w} redirection, " + (f"empty init, {p} redirect header" if s == "redirect header"
                                 else f"empty redirect header, {p} init")
         for w, p, s in REFERRER_CASES])
def test_redirect_referrer(server: LabServer, other: LabServer, browser: BrowserClient,
                           where: str, policy: str, side: str) -> None:
    cross = where == "Cross origin"
    last = other if cross else server
    header_policy = f"&referrer_policy={policy}" if side == "redirect header" else ""
    url = f"{server.url}/redirect/302?to={last.url if cross else ''}/echo{header_policy}"
    browser.prepare(server.url)
    with last.journal.watch() as hops:
        answer = browser.fetch(url, referrer_policy=policy if side == "init" else "")
    assert answer.status == 200
    arrived = [hop for hop in hops if hop.path == "/echo" and not hop.is_preflight][-1]
    expected = _expected_referrer(policy, cross, f"{server.url}/page", server.origin)
    assert arrived.headers.get("Referer") == expected
