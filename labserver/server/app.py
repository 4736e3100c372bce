"""The lab's Flask app: a redirecting endpoint, an echo, and the journal's window.

Every route answers every method a lesson sends, and every mistake a learner can
make in a URL gets a JSON answer that says what would have been valid.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Collection, Iterable
from html import escape
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request

from ..vocabulary import (
    CODES,
    CORS_ANSWERS,
    DEFAULT_TARGET,
    JAR_COOKIE,
    JAR_PATH,
    MAX_CHAIN,
    METHODS,
    REFERRER_POLICIES,
)
from .entry import merged_headers
from .journal import Journal
from .oddities import oddities_blueprint
from .pages import html_page, pages_blueprint
from .params import one_of, whole_number
from .patterns import api_move_blueprint, operations_blueprint
from .responses import caching_headers, json_error, redirect_to
from .targets import UnsafeTarget, netloc, safe_target

MAX_BODY_BYTES = 1024 * 1024
"""Bodies above 1 MiB get 413: no lesson needs more, and it bounds memory per request."""


ENDPOINTS: dict[str, str] = {
    "/redirect/<code>?to=<local path>&cache=<how>": (
        f"answers <code> (one of {', '.join(map(str, CODES))}) with Location <local path>"
        f" (default {DEFAULT_TARGET}), for any method; cache: none, max-age=N or expires=N"
        " (default no-store); referrer_policy: a Referrer-Policy for the redirect to send;"
        " cors: allow (default), none (no Access-Control-Allow-Origin) or"
        " redirect-preflight (a CORS preflight gets the redirect too); set_cookie=yes: the"
        f" redirect stores {JAR_COOKIE} (Path={JAR_PATH}) in a client's cookie jar"
    ),
    "/echo": "describes the request that arrived: method, path, query, headers, body",
    "/echo/<anything>": "the same, under another path (the jar cookie's is /echo/jar)",
    "/journal?since=<seq>": "every request the server received, in order (after <seq>)",
    "/api/v1/<path>": "307 to /api/v2/<path>: an API that moved, keeping method and body",
    "/api/v2/users, /api/v2/users/<id>": "a tiny in-memory users API (GET, POST, PUT, PATCH,"
                                         " DELETE)",
    "/chain/<n>?code=302": f"a chain of n redirects (1 to {MAX_CHAIN}) ending at /echo",
    "/loop?code=302": "a redirect to itself, for ever",
    "/no-location/<code>": "a 3xx with no Location header",
    "/two-locations": "a 302 with two Location headers",
    "/location/<code>?bytes=": "a 3xx whose Location is exactly these percent-decoded bytes "
                               "(raw UTF-8, invalid UTF-8, empty, any scheme)",
    "/open-redirect?next=<URL>": "DELIBERATELY VULNERABLE: a 302 to any URL, unchecked",
    "/orders": "Post/Redirect/Get: a form whose POST answers 303 with its receipt",
    "/service/<path>": "a service that may be up, in maintenance (307) or failed over (307)",
    "/balance/<path>": "307 to the next instance in turn (load balancing by redirect)",
    "/canonical/<path>": "308 to the canonical host name (localhost)",
    "/docs/": "declared with a trailing slash: /docs gets Werkzeug's 308",
    "/secure/<path>": "308 from http to the lab's https server, which sends HSTS",
    "/page": "a blank page, for running fetch() in a browser on the lab's origin",
    "/form/<code>?method=post": "an HTML form that POSTs (or GETs) to /redirect/<code>, for a "
                                "real browser",
    "/link?to=<local path>": "a page with one link, for a browser to follow",
    "/navigate?via=http,header,meta,script&status=302": (
        "a page that sends the browser on by HTTP Location, a Refresh header, a meta refresh "
        "or a script (any of them together; each leads to /page?by=<way>)"),
    "/": "this index",
}

_NOT_JOURNALED = frozenset({"/journal", "/favicon.ico"})
"""Reading the journal, and the icon a browser asks for by itself, are not experiment hops:
exactly these paths, with GET (or HEAD); ``/journalism`` or ``POST /journal`` are."""


def _body_text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def _read_body_within_limit(environ: dict[str, Any]) -> bytes:
    """The request body, or 413 if it is over :data:`MAX_BODY_BYTES`.

    A body with a Content-Length over the limit is refused by Werkzeug before it is read.
    A chunked body has no length up front, and Werkzeug would silently cut it at the
    limit; so it is read here, one byte past the limit, and refused if that byte exists.
    """
    if not environ.get("wsgi.input_terminated"):
        return request.get_data(cache=True)
    try:
        body = environ["wsgi.input"].read(MAX_BODY_BYTES + 1)
    except (OSError, ValueError) as broken:  # the client gave up between chunks
        raise ClientDisconnected() from broken
    if len(body) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)  # the views read it again from here
    return request.get_data(cache=True)


class JournalMiddleware:
    """Journal each request with the answer as it is sent: status and Location are taken
    from ``start_response``, after Werkzeug has finished the headers, so an answer that
    could not be sent is never recorded as one that was."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], journal: Journal,
                 stopped: Callable[[], bool]) -> None:
        self.wsgi_app = wsgi_app
        self.journal = journal
        self.stopped = stopped

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        started, clock = time.time(), time.perf_counter()
        # Read before the app runs: middleware inside it (Werkzeug's ProxyFix) may rewrite
        # the scheme, and the journal records where the request really arrived.
        origin = f"{environ['wsgi.url_scheme']}://{_own_netloc(environ)}"

        def journaling_start_response(status: str, headers: list[tuple[str, str]],
                                      exc_info: Any = None) -> Any:
            skipped = (environ.get("PATH_INFO", "") in _NOT_JOURNALED
                       and environ.get("REQUEST_METHOD") in ("GET", "HEAD"))
            if not skipped and not self.stopped():
                self._record(environ, status, headers, origin, started,
                             time.perf_counter() - clock)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, journaling_start_response)

    def _record(self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]],
                origin: str, started: float, elapsed: float) -> None:
        arrived = Request(environ)
        body = environ.get("labserver.body")
        lines = environ.get("labserver.header_lines") or tuple(arrived.headers.items())
        merged = merged_headers(lines)
        code, _, reason = status.partition(" ")
        self.journal.record(
            method=arrived.method,
            path=arrived.path,
            query=arrived.query_string.decode("latin-1"),
            status=int(code),
            location=next((v for k, v in headers if k.lower() == "location"), None),
            body_length=None if body is None else len(body),
            body_sha256=None if body is None else hashlib.sha256(body).hexdigest(),
            content_type=merged.get("Content-Type"),
            headers=merged,
            header_lines=tuple(lines),
            origin=origin,
            http_version=environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            reason=reason,
            response_headers=tuple(headers),
            started=started,
            elapsed=elapsed,
            connection=environ.get("labserver.connection", 0),
        )


def _own_netloc(environ: dict[str, Any]) -> str:
    """The server's own host and port, from the socket it listens on (never from Host)."""
    return netloc(environ["SERVER_NAME"], environ["SERVER_PORT"])


def _cors_answer() -> str:
    """``?cors=`` of a lab redirect (see :data:`CORS_ANSWERS`); other routes allow."""
    return request.args.get("cors", "allow") if request.path.startswith("/redirect/") else "allow"


def _is_preflight() -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers


def create_app(journal: Journal, allowed_origins: Collection[str] = ()) -> Flask:
    """Build the app around ``journal``, which records every request it answers.

    ``allowed_origins`` (see :func:`labserver.targets.origin_of`) are the other origins
    ``?to=`` may name, such as a second lab server; the caller may add to it later.
    """
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.config["LAB_STOPPED"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented order
    app.wsgi_app = JournalMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, journal, lambda: bool(app.config["LAB_STOPPED"]))

    app.register_blueprint(api_move_blueprint())
    app.register_blueprint(oddities_blueprint())
    app.register_blueprint(operations_blueprint())
    app.register_blueprint(pages_blueprint(allowed_origins))

    @app.before_request
    def read_body() -> None:
        # Read the body once, up front, so the journal sees it whatever the route does.
        request.environ["labserver.body"] = _read_body_within_limit(request.environ)

    @app.before_request
    def answer_preflight() -> Response | None:
        # A browser asks before a cross-origin request that is not "simple" (a PUT, or
        # one with Authorization or a JSON Content-Type): allow whatever it asks for, so
        # the experiment ends in what the redirect did, not in a CORS error. Fetch never
        # follows a redirect of a preflight, so the preflight is answered, not redirected.
        if not _is_preflight() or _cors_answer() == "redirect-preflight":
            return None
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = request.headers[
            "Access-Control-Request-Method"]
        asked = request.headers.get("Access-Control-Request-Headers")
        if asked:
            response.headers["Access-Control-Allow-Headers"] = asked
        response.headers["Access-Control-Max-Age"] = "0"  # ask again in every experiment
        return response

    @app.after_request
    def allow_any_origin(response: Response) -> Response:
        # A browser's fetch() may read the lab's answers from any lab origin, so a
        # cross-origin experiment ends in what arrived, not in a CORS error.
        if _cors_answer() != "none":
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @app.after_request
    def anchor_location(response: Response) -> Response:
        # Werkzeug's trailing-slash redirect builds its Location from the Host header
        # (or an absolute-form request line), which the client chose. A lab redirect
        # names the server's own origin instead, so no Host can send a client elsewhere.
        location = response.headers.get("Location")
        if not location or not isinstance(request.routing_exception, RequestRedirect):
            return response
        try:
            parts = urlsplit(location)
        except ValueError:
            return response
        own = _own_netloc(request.environ)
        response.headers["Location"] = parts._replace(netloc=own).geturl()
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

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError) -> Response:
        return json_error(400, "the request body is nested too deeply to read")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        # A bug in the lab must not print a traceback into a learner's cell: answer JSON
        # that names it (the tests treat any 500 as a failure).
        return json_error(500, f"the lab server hit a bug ({type(exc).__name__}); "
                          "please report it with the URL you sent")

    @app.route("/redirect/<code>", methods=METHODS, provide_automatic_options=False)
    def redirect(code: str) -> Response:
        status = one_of(code, CODES)
        if status is None:
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
        policy = request.args.get("referrer_policy")
        if policy is not None and policy not in REFERRER_POLICIES:
            return json_error(400, f"referrer_policy must be one of {', '.join(REFERRER_POLICIES)}",
                              example="/redirect/302?referrer_policy=origin")
        if _cors_answer() not in CORS_ANSWERS:
            return json_error(400, f"cors must be one of {', '.join(CORS_ANSWERS)}",
                              example="/redirect/302?cors=none")
        set_cookie = request.args.get("set_cookie")
        if set_cookie not in (None, "yes"):
            return json_error(400, "set_cookie must be yes (or left out)",
                              example="/redirect/302?set_cookie=yes")
        answer = redirect_to(status, location, caching)
        if policy:
            answer.headers["Referrer-Policy"] = policy
        if set_cookie:
            answer.headers["Set-Cookie"] = f"{JAR_COOKIE}; Path={JAR_PATH}"
        return answer

    @app.route("/echo", methods=METHODS, provide_automatic_options=False)
    @app.route("/echo/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def echo(rest: str = "") -> Response:
        body = request.environ.get("labserver.body") or b""
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

    @app.route("/journal", methods=("GET",))
    def journal_view() -> Response:
        since = whole_number(request.args.get("since", "0"))
        if since is None:
            return json_error(400, "since must be a whole number, the seq of an entry",
                              example="/journal?since=0")
        return jsonify({
            "last_seq": journal.mark(),
            "entries": [e.as_dict() for e in journal.since(since)],
        })

    @app.route("/", methods=("GET", "HEAD"))
    def index() -> Response:
        rows = "".join(f"<li><code>{escape(path)}</code>: {escape(what)}</li>"
                       for path, what in ENDPOINTS.items())
        return Response(html_page("Redirect Lab server", f"<p>Endpoints:</p><ul>{rows}</ul>"),
                        mimetype="text/html")

    return app
