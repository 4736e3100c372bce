"""An app behind a TLS-terminating proxy: the "always use https" rule that loops.

The proxy speaks https with the browser and plain http with the app. An app that
insists on https, and judges by the scheme of the request *it* received, sees http on
every request and redirects to https for ever. The proxy can say what the scheme was
(``X-Forwarded-Proto``), and Werkzeug's ``ProxyFix`` makes the app believe it: the fix,
and a hole when anyone but the proxy can reach the app.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as AnyResponse

from .app import JournalMiddleware
from .journal import Journal


def force_https_app(journal: Journal, *, trust_forwarded: bool = False) -> Flask:
    """A Flask app whose pages answer only over https: a request it sees as http gets a
    301 to the same URL with ``https``. With ``trust_forwarded`` it is wrapped in
    ``ProxyFix(x_proto=1)``, so one proxy's ``X-Forwarded-Proto`` sets the scheme.

    The journal sits outside ``ProxyFix``: it records the request as it arrived.
    """
    app = Flask(__name__)
    app.config["LAB_STOPPED"] = False

    @app.before_request
    def insist_on_https() -> AnyResponse | None:
        if request.scheme != "https":
            return redirect(request.url.replace("http://", "https://", 1), 301)
        return None

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def page(path: str) -> Response:
        return jsonify(path="/" + path, scheme_seen=request.scheme)

    inner = ProxyFix(app.wsgi_app, x_proto=1) if trust_forwarded else app.wsgi_app
    app.wsgi_app = JournalMiddleware(  # type: ignore[method-assign]
        inner, journal, lambda: bool(app.config["LAB_STOPPED"]))
    return app
