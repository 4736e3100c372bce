"""Redirects that go wrong, on purpose: chains, loops, a missing or doubled Location, and
one deliberately open redirect.

These are what a client meets in the wild and what its redirect limits and checks are
for. The open redirect is the lab's one vulnerable endpoint; it exists to be compared
with ``/redirect/<code>?to=``, which refuses the same targets. Like the rest of the lab it
is served on loopback only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import Headers

from .responses import json_answer, json_error, redirect_to

MAX_CHAIN = 100
"""Longest chain the lab builds: far past every client's limit, and bounded."""

_CHAIN_CODES = (301, 302, 303, 307, 308)
_ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class _TwoLocations(Response):
    """A response with a second Location header (Werkzeug would keep only one)."""

    def get_wsgi_headers(self, environ: dict[str, Any]) -> Headers:
        headers = super().get_wsgi_headers(environ)
        headers.add("Location", "/echo?location=second")
        return headers


def _code_arg() -> int | Response:
    code = request.args.get("code", "302")
    if not code.isdigit() or int(code) not in _CHAIN_CODES:
        return json_error(400, f"code must be one of {', '.join(map(str, _CHAIN_CODES))}",
                          codes=list(_CHAIN_CODES))
    return int(code)


def oddities_blueprint() -> Blueprint:
    """Chains, loops, odd Location headers and the open redirect, as one blueprint."""
    odd = Blueprint("oddities", __name__)
    route = {"methods": _ALL_METHODS, "provide_automatic_options": False}

    @odd.route("/chain/<length>", **route)
    def chain(length: str) -> Response:
        code = _code_arg()
        if isinstance(code, Response):
            return code
        if not length.isdigit() or not 1 <= int(length) <= MAX_CHAIN:
            return json_error(400, f"a chain is 1 to {MAX_CHAIN} redirects long",
                              example="/chain/5?code=302")
        rest = int(length) - 1
        return redirect_to(code, f"/chain/{rest}?code={code}" if rest else "/echo")

    @odd.route("/loop", **route)
    def loop() -> Response:
        code = _code_arg()
        if isinstance(code, Response):
            return code
        return redirect_to(code, f"/loop?code={code}")

    @odd.route("/no-location/<code>", **route)
    def no_location(code: str) -> Response:
        if not code.isdigit() or int(code) not in _CHAIN_CODES:
            return json_error(404, f"/no-location/{code} is not a redirect the lab serves",
                              codes=list(_CHAIN_CODES))
        return json_answer({"redirect": int(code), "location": None}, int(code))

    @odd.route("/two-locations", **route)
    def two_locations() -> Response:
        first = redirect_to(302, "/echo?location=first")
        return _TwoLocations(first.get_data(), status=first.status, headers=first.headers)

    @odd.route("/open-redirect", **route)
    def open_redirect() -> Response:
        target = request.args.get("next", "")
        if not target:
            return json_error(400, "say where to go: /open-redirect?next=<any URL>")
        if any(ch in target for ch in "\r\n\0"):
            return json_error(400, "a Location cannot contain line breaks or NUL")
        # Deliberately no check of the target: this is the vulnerability lesson 11 shows.
        return redirect_to(302, target, warning="open redirect: the target was not checked")

    return odd
