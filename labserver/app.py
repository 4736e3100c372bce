"""The lab's Flask app: a redirecting endpoint, an echo, and the journal's window.

Every route answers every method a lesson sends, and every mistake a learner can
make in a URL gets a JSON answer that says what would have been valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from html import escape

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .journal import Journal
from .oddities import MAX_CHAIN, oddities_blueprint
from .patterns import api_move_blueprint, operations_blueprint
from .responses import caching_headers, json_error, redirect_to
from .targets import UnsafeTarget, safe_target

CODES: tuple[int, ...] = (301, 302, 303, 307, 308)
"""The redirect codes the lab serves, in the order the lessons teach them."""

METHODS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""Every method the experiments send."""

MAX_BODY_BYTES = 1024 * 1024
"""Bodies above 1 MiB get 413: no lesson needs more, and it bounds memory per request."""

DEFAULT_TARGET = "/echo"

ENDPOINTS: dict[str, str] = {
    "/redirect/<code>?to=<local path>&cache=<how>": (
        f"answers <code> (one of {', '.join(map(str, CODES))}) with Location <local path>"
        f" (default {DEFAULT_TARGET}), for any method; cache: none, max-age=N or expires=N"
        " (default no-store)"
    ),
    "/echo": "describes the request that arrived: method, path, query, headers, body",
    "/journal?since=<seq>": "every request the server received, in order (after <seq>)",
    "/api/v1/<path>": "307 to /api/v2/<path>: an API that moved, keeping method and body",
    "/api/v2/users, /api/v2/users/<id>": "a tiny in-memory users API (GET, POST, PUT, PATCH,"
                                         " DELETE)",
    "/chain/<n>?code=302": f"a chain of n redirects (1 to {MAX_CHAIN}) ending at /echo",
    "/loop?code=302": "a redirect to itself, for ever",
    "/no-location/<code>": "a 3xx with no Location header",
    "/two-locations": "a 302 with two Location headers",
    "/open-redirect?next=<URL>": "DELIBERATELY VULNERABLE: a 302 to any URL, unchecked",
    "/orders": "Post/Redirect/Get: a form whose POST answers 303 with its receipt",
    "/service/<path>": "a service that may be up, in maintenance (307) or failed over (307)",
    "/balance/<path>": "307 to the next instance in turn (load balancing by redirect)",
    "/canonical/<path>": "308 to the canonical host name (localhost)",
    "/docs/": "declared with a trailing slash: /docs gets Werkzeug's 308",
    "/secure/<path>": "308 from http to the lab's https server, which sends HSTS",
    "/page": "a blank page, for running fetch() in a browser on the lab's origin",
    "/form/<code>": "an HTML form that POSTs to /redirect/<code>, for a real browser",
    "/": "this index",
}

_NOT_JOURNALED = ("/journal", "/favicon.ico")
"""Reading the journal, and the icon a browser asks for by itself, are not experiment hops."""


FORM_FIELDS = {"lesson": "redirects", "answer": "42"}
"""What the lab's HTML form sends: a classic form body, urlencoded."""


def _html(title: str, body: str) -> str:
    # The empty icon keeps a browser from asking for /favicon.ico in mid-experiment.
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="icon" href="data:,"></head><body><h1>{title}</h1>{body}</body></html>')


def _body_text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def create_app(journal: Journal, allowed_origins: Collection[str] = ()) -> Flask:
    """Build the app around ``journal``, which records every request it answers.

    ``allowed_origins`` (see :func:`labserver.targets.origin_of`) are the other origins
    ``?to=`` may name, such as a second lab server; the caller may add to it later.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # keep fields in the order they are documented

    app.register_blueprint(api_move_blueprint())
    app.register_blueprint(oddities_blueprint())
    app.register_blueprint(operations_blueprint())

    @app.before_request
    def read_body() -> None:
        # Read the body once, up front, so the journal sees it whatever the route does.
        g.body = None
        g.body = request.get_data(cache=True)

    @app.after_request
    def write_journal(response: Response) -> Response:
        if not request.path.startswith(_NOT_JOURNALED):
            body = g.get("body")
            journal.record(
                method=request.method,
                path=request.path,
                query=request.query_string.decode("latin-1"),
                status=response.status_code,
                location=response.headers.get("Location"),
                body_length=None if body is None else len(body),
                body_sha256=None if body is None else hashlib.sha256(body).hexdigest(),
                content_type=request.headers.get("Content-Type"),
                headers=dict(request.headers.items()),
            )
        return response

    @app.after_request
    def allow_any_origin(response: Response) -> Response:
        # A browser's fetch() may read the lab's answers from any lab origin, so a
        # cross-origin experiment ends in what arrived, not in a CORS error.
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> Response:
        return json_error(413, "the request body is too large", limit_bytes=MAX_BODY_BYTES)

    @app.errorhandler(404)
    def not_found(exc: HTTPException) -> Response:
        return json_error(404, f"there is no {request.path} here", endpoints=ENDPOINTS)

    @app.errorhandler(405)
    def wrong_method(exc: HTTPException) -> Response:
        return json_error(405, f"{request.method} is not served here", methods=list(METHODS))

    @app.errorhandler(HTTPException)
    def other_http_error(exc: HTTPException) -> Response:
        return json_error(exc.code or 400, exc.description or exc.name)

    @app.route("/redirect/<code>", methods=METHODS, provide_automatic_options=False)
    def redirect(code: str) -> Response:
        if not code.isdigit() or int(code) not in CODES:
            return json_error(404, f"/redirect/{code} is not a redirect the lab serves",
                              codes=list(CODES))
        target = request.args.get("to", DEFAULT_TARGET)
        try:
            location = safe_target(target, allowed_origins)
        except UnsafeTarget as refusal:
            return json_error(400, f"refused to redirect to {target!r}: {refusal}",
                              allowed="a local path such as /echo or /echo?x=1, or a URL of "
                                      f"an allowed origin ({', '.join(allowed_origins) or 'none'})")
        try:
            caching = caching_headers(request.args.get("cache"))
        except ValueError as problem:
            return json_error(400, str(problem), example="/redirect/308?cache=none")
        return redirect_to(int(code), location, caching)

    @app.route("/echo", methods=METHODS, provide_automatic_options=False)
    def echo() -> Response:
        body = g.body or b""
        return jsonify({
            "method": request.method,
            "path": request.path,
            "query": request.query_string.decode("latin-1"),
            "headers": dict(request.headers.items()),
            "body": {"length": len(body), "text": _body_text(body)},
        })

    @app.route("/favicon.ico", methods=("GET",))
    def favicon() -> Response:
        return Response(status=204, headers={"Cache-Control": "max-age=86400"})

    @app.route("/page", methods=("GET",))
    def page() -> Response:
        return Response(_html("Redirect Lab page", "<p>The lab runs fetch() from here.</p>"),
                        mimetype="text/html")

    @app.route("/form/<code>", methods=("GET",))
    def form(code: str) -> Response:
        if not code.isdigit() or int(code) not in CODES:
            return json_error(404, f"/form/{code} is not a redirect the lab serves",
                              codes=list(CODES))
        fields = "".join(f'<input name="{name}" value="{value}">'
                         for name, value in FORM_FIELDS.items())
        body = (f'<form method="post" action="/redirect/{code}">{fields}'
                f'<button type="submit">Send the form through a {code}</button></form>')
        return Response(_html(f"Form POST through {code}", body), mimetype="text/html")

    @app.route("/journal", methods=("GET",))
    def journal_view() -> Response:
        since = request.args.get("since", "0")
        if not since.isdigit():
            return json_error(400, "since must be a whole number, the seq of an entry",
                              example="/journal?since=0")
        return jsonify({
            "last_seq": journal.mark(),
            "entries": [e.as_dict() for e in journal.since(int(since))],
        })

    @app.route("/", methods=("GET", "HEAD"))
    def index() -> Response:
        rows = "".join(f"<li><code>{escape(path)}</code>: {escape(what)}</li>"
                       for path, what in ENDPOINTS.items())
        return Response(_html("Redirect Lab server", f"<p>Endpoints:</p><ul>{rows}</ul>"),
                        mimetype="text/html")

    return app
