"""Pages a browser navigates: the blank page ``fetch()`` runs from, a form, a link, and a
page that redirects in every way a browser knows.

HTTP is only one way to send a browser elsewhere. HTML has ``<meta http-equiv="refresh">``,
browsers honour a ``Refresh`` response header, and a script can set ``location``. The
lab serves each, alone or together, so a lesson can watch which one the browser obeys.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from http import HTTPStatus

from flask import Blueprint, Response, request

from ..vocabulary import CODES
from .params import one_of
from .responses import NO_STORE, json_error
from .targets import UnsafeTarget, safe_target

FORM_FIELDS = {"lesson": "redirects", "answer": "42"}
"""What the lab's HTML form sends: a classic form body, urlencoded."""

FORM_METHODS = ("post", "get")
"""``/form/<code>?method=``: how the form is submitted (POST by default)."""

WAYS = ("http", "header", "meta", "script")
"""How ``/navigate?via=`` sends the browser on: an HTTP ``Location``, a ``Refresh``
header, a ``<meta http-equiv="refresh">``, a script setting ``location``."""

NAVIGATE_STATUSES = (200, 300, *CODES)
"""The statuses ``/navigate?status=`` may answer with (a 3xx without ``http`` in ``via``
has no Location: a redirect that names nowhere)."""


def landing(way: str) -> str:
    """Where ``way`` sends the browser: the lab page, marked with the way that won."""
    return f"/page?by={way}"


def html_page(title: str, body: str, head: str = "") -> str:
    # The empty icon keeps a browser from asking for /favicon.ico in mid-experiment.
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="icon" href="data:,">{head}</head>'
            f'<body><h1>{escape(title)}</h1>{body}</body></html>')


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status=f"{status} {HTTPStatus(status).phrase}",
                    mimetype="text/html", headers=NO_STORE)


def _ways() -> tuple[str, ...] | Response:
    asked = tuple(w for w in request.args.get("via", "").split(",") if w)
    unknown = [w for w in asked if w not in WAYS]
    if unknown:
        return json_error(400, f"via must name some of {', '.join(WAYS)}, not "
                          f"{', '.join(map(repr, unknown))}", example="/navigate?via=meta,script")
    return asked


def pages_blueprint(allowed_origins: Collection[str]) -> Blueprint:
    """The pages, with ``allowed_origins`` the other origins a link may lead to."""
    pages = Blueprint("pages", __name__)

    @pages.route("/page", methods=("GET",))
    def page() -> Response:
        by = request.args.get("by", "")
        said = f" You arrived by {escape(by)}." if by else ""
        return _html(html_page("Redirect Lab page",
                               f"<p>The lab runs fetch() from here.{said}</p>"))

    @pages.route("/form/<code>", methods=("GET",))
    def form(code: str) -> Response:
        status = one_of(code, CODES)
        if status is None:
            return json_error(404, f"/form/{code} is not a redirect the lab serves",
                              codes=list(CODES))
        method = request.args.get("method", "post")
        if method not in FORM_METHODS:
            return json_error(400, f"method must be one of {', '.join(FORM_METHODS)}",
                              example=f"/form/{status}?method=get")
        fields = "".join(f'<input name="{name}" value="{value}">'
                         for name, value in FORM_FIELDS.items())
        body = (f'<form method="{method}" action="/redirect/{status}">{fields}'
                f'<button type="submit">Send the form through a {status}</button></form>')
        return _html(html_page(f"Form {method.upper()} through {status}", body))

    @pages.route("/link", methods=("GET",))
    def link() -> Response:
        target = request.args.get("to", "")
        try:
            href = safe_target(target, allowed_origins)
        except UnsafeTarget as refusal:
            return json_error(400, f"refused to link to {target!r}: {refusal}",
                              example="/link?to=/redirect/302")
        return _html(html_page("A link", f'<a href="{escape(href)}">Follow the link</a>'))

    @pages.route("/navigate", methods=("GET",))
    def navigate() -> Response:
        ways = _ways()
        if isinstance(ways, Response):
            return ways
        status = one_of(request.args.get("status", "302" if "http" in ways else "200"),
                        NAVIGATE_STATUSES)
        if status is None or ("http" in ways and status == 200):
            return json_error(400, "status must be a 3xx the lab serves when via names http, "
                              "else 200 or a 3xx (then it has no Location)",
                              statuses=list(NAVIGATE_STATUSES), example="/navigate?via=http")
        head = (f'<meta http-equiv="refresh" content="0; url={landing("meta")}">'
                if "meta" in ways else "")
        script = (f'<script>location.replace("{landing("script")}")</script>'
                  if "script" in ways else "")
        body = f'<p id="shown">This is the body of the {status} answer.</p>{script}'
        answer = _html(html_page(f"Navigate via {', '.join(ways) or 'nothing'}", body, head),
                       status)
        if "http" in ways:
            answer.headers["Location"] = landing("http")
        if "header" in ways:
            answer.headers["Refresh"] = f"0; url={landing('header')}"
        return answer

    return pages
