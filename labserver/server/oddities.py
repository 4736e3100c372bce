"""Redirects that go wrong, on purpose: chains, loops, a missing or doubled Location, and
one deliberately open redirect.

These are what a client meets in the wild and what its redirect limits and checks are
for. The open redirect is the lab's one vulnerable endpoint; it exists to be compared
with ``/redirect/<code>?to=``, which refuses the same targets. Like the rest of the lab it
is served on loopback only.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, request
from werkzeug.datastructures import Headers
from werkzeug.urls import iri_to_uri

from ..vocabulary import CODES, MAX_CHAIN, METHODS
from .params import one_of, whole_number
from .responses import NO_STORE, json_answer, json_error, redirect_to


class _TwoLocations(Response):
    """A response with a second Location header (Werkzeug would keep only one)."""

    def get_wsgi_headers(self, environ: dict[str, Any]) -> Headers:
        headers = super().get_wsgi_headers(environ)
        headers.add("Location", "/echo?location=second")
        return headers


class _RawLocation(Response):
    """A response whose Location header is sent byte for byte.

    Werkzeug percent-encodes a Location it sends (``iri_to_uri``); browsers meet raw
    UTF-8 and even invalid bytes in the wild, so this puts them back after Werkzeug is
    done. A WSGI header value is a latin-1 string, one character per byte.
    """

    raw_location: bytes = b""

    def get_wsgi_headers(self, environ: dict[str, Any]) -> Headers:
        headers = super().get_wsgi_headers(environ)
        headers["Location"] = self.raw_location.decode("latin-1")
        return headers


def _query_bytes(name: str) -> bytes | None:
    """The percent-decoded bytes of one query parameter, exactly (``request.args`` would
    decode them as UTF-8 and replace what is not). ``+`` stays a plus sign."""
    for pair in request.query_string.split(b"&"):
        key, _, value = pair.partition(b"=")
        if key == name.encode():
            return unquote_to_bytes(value)
    return None


def _path_code(code: str, route: str) -> int | Response:
    """The redirect code named in the path, or the 404 that says which ones exist."""
    status = one_of(code, CODES)
    if status is None:
        return json_error(404, f"{route}/{code} is not a redirect the lab serves",
                          codes=list(CODES))
    return status


def _code_arg() -> int | Response:
    code = one_of(request.args.get("code", "302"), CODES)
    if code is None:
        return json_error(400, f"code must be one of {', '.join(map(str, CODES))}",
                          codes=list(CODES))
    return code


def _sendable(target: str) -> bool:
    """Whether Werkzeug can put ``target`` in a Location header (it IDNA-encodes the
    host and checks the port; ``http://a..b/`` or ``http://x:99999/`` would be a 500)."""
    try:
        iri_to_uri(target)
    except (ValueError, UnicodeError):
        return False
    return True


def oddities_blueprint() -> Blueprint:
    """Chains, loops, odd Location headers and the open redirect, as one blueprint."""
    odd = Blueprint("oddities", __name__)
    route = {"methods": METHODS, "provide_automatic_options": False}

    @odd.route("/chain/<length>", **route)
    def chain(length: str) -> Response:
        code = _code_arg()
        if isinstance(code, Response):
            return code
        hops = whole_number(length, 1, MAX_CHAIN)
        if hops is None:
            return json_error(400, f"a chain is 1 to {MAX_CHAIN} redirects long",
                              example="/chain/5?code=302")
        rest = hops - 1
        return redirect_to(code, f"/chain/{rest}?code={code}" if rest else "/echo")

    @odd.route("/loop", **route)
    def loop() -> Response:
        code = _code_arg()
        if isinstance(code, Response):
            return code
        return redirect_to(code, f"/loop?code={code}")

    @odd.route("/no-location/<code>", **route)
    def no_location(code: str) -> Response:
        status = _path_code(code, "/no-location")
        if isinstance(status, Response):
            return status
        return json_answer({"redirect": status, "location": None}, status)

    @odd.route("/location/<code>", **route)
    def raw_location(code: str) -> Response:
        status = _path_code(code, "/location")
        if isinstance(status, Response):
            return status
        location = _query_bytes("bytes")
        if location is None:
            return json_error(400, "say which bytes to send: /location/302?bytes=%2Fecho "
                              "(percent-encoded; %C3%A9 is UTF-8 é, %E9 a lone latin-1 byte)")
        if any(byte < 32 or byte == 0x7F for byte in location):
            return json_error(400, "a Location cannot contain line breaks or other control "
                              "characters (that would be header injection)")
        answer = _RawLocation(status=f"{status} {HTTPStatus(status).phrase}",
                              headers=NO_STORE)
        answer.raw_location = location
        return answer

    @odd.route("/two-locations", **route)
    def two_locations() -> Response:
        first = redirect_to(302, "/echo?location=first")
        return _TwoLocations(first.get_data(), status=first.status, headers=first.headers)

    @odd.route("/open-redirect", **route)
    def open_redirect() -> Response:
        target = request.args.get("next", "")
        if not target:
            return json_error(400, "say where to go: /open-redirect?next=<any URL>")
        if any(ord(ch) < 32 or ch == "\x7f" for ch in target):
            return json_error(400, "a Location cannot contain line breaks or other control "
                              "characters")
        if not _sendable(target):
            return json_error(400, f"{target!r} is not a URL a Location header can carry "
                              "(a bad host name, port or bracket)")
        # Deliberately no check of the target: this is the vulnerability episode 15a shows.
        return redirect_to(302, target, warning="open redirect: the target was not checked")

    return odd
