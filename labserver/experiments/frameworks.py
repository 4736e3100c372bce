"""What frameworks send when you ask for a redirect: observed where the framework is
installed (Flask, Werkzeug), cited from the framework's documentation otherwise."""

from __future__ import annotations

from importlib.metadata import version

import pandas as pd
from flask import Flask, redirect
from werkzeug.wrappers import Response


def _flask_demo() -> Flask:
    demo = Flask("frameworks_demo")

    @demo.route("/old")
    def old() -> Response:
        return redirect("/new")  # no code given: Flask's default

    @demo.route("/docs/")
    def docs() -> str:  # defined with a trailing slash: Werkzeug redirects /docs
        return "docs"

    return demo


def observed_defaults() -> pd.DataFrame:
    """Flask's ``redirect()`` and Werkzeug's trailing-slash redirect, run here."""
    client = _flask_demo().test_client()
    flask_answer = client.get("/old")
    slash_answer = client.get("/docs")
    return pd.DataFrame([
        {"framework": f"Flask {version('flask')}", "what you write": 'redirect("/new")',
         "status sent": flask_answer.status_code,
         "Location": flask_answer.headers["Location"]},
        {"framework": f"Werkzeug {version('werkzeug')}",
         "what you write": '@app.route("/docs/") (strict_slashes), then GET /docs',
         "status sent": slash_answer.status_code,
         "Location": slash_answer.headers["Location"].removeprefix("http://localhost")},
    ]).set_index("framework")


CITED_DEFAULTS: list[dict[str, str]] = [
    {"framework": "Next.js 14-16", "what you write": "redirects(): permanent: false",
     "status sent": "307", "source": "nextjs.org/docs, next.config.js redirects"},
    {"framework": "Next.js 14-16", "what you write": "redirects(): permanent: true",
     "status sent": "308", "source": "nextjs.org/docs, next.config.js redirects"},
    {"framework": "Express 4-5", "what you write": "res.redirect(path)",
     "status sent": "302", "source": "expressjs.com API reference, res.redirect"},
    {"framework": "Django 4-5", "what you write": "HttpResponseRedirect / redirect(url)",
     "status sent": "302", "source": "docs.djangoproject.com, Request and response objects"},
    {"framework": "Django 4-5",
     "what you write": "HttpResponsePermanentRedirect / redirect(url, permanent=True)",
     "status sent": "301", "source": "docs.djangoproject.com, Request and response objects"},
    {"framework": "Django 4-5", "what you write": "RedirectView (permanent=False default)",
     "status sent": "302", "source": "docs.djangoproject.com, Generic views: RedirectView"},
    {"framework": "nginx 1.x", "what you write": "return 301 URL; / return 308 URL;",
     "status sent": "as written", "source": "nginx.org, ngx_http_rewrite_module: return"},
    {"framework": "nginx 1.x", "what you write": "rewrite ... redirect;",
     "status sent": "302", "source": "nginx.org, ngx_http_rewrite_module: rewrite"},
    {"framework": "nginx 1.x", "what you write": "rewrite ... permanent;",
     "status sent": "301", "source": "nginx.org, ngx_http_rewrite_module: rewrite"},
]
"""Defaults of frameworks that are not installed here, from their documentation."""


def cited_defaults() -> pd.DataFrame:
    return pd.DataFrame(CITED_DEFAULTS).set_index("framework")
