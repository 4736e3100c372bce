"""FastAPI (on Starlette) and Django, each served in a thread of this process, on loopback.

Flask comes with ``requirements.txt``; FastAPI and Django, which only episode 14 uses, are
installed the first time it needs them (:mod:`labserver.clients.optional`). They run in the
kernel like the lab server itself (uvicorn for FastAPI's ASGI app, Werkzeug's server for
Django's WSGI app), and start in milliseconds.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..clients.optional import ensure_optional
from ..server.lab import LOOPBACK
from .base import Framework, Route

_APPS = Path(__file__).with_name("apps")


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: object) -> None:
        """A framework's access log would print into a learner's cell: keep it quiet."""


class _WSGIThread(Framework):
    """A WSGI app served by Werkzeug's server in a daemon thread."""

    def __init__(self) -> None:
        super().__init__()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @abstractmethod
    def _wsgi_app(self) -> Any:
        """The WSGI app to serve, imported only when the framework starts."""

    def _serve(self, port: int) -> None:
        self._server = make_server(LOOPBACK, port, self._wsgi_app(), threaded=True,
                                   request_handler=_Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"framework-{self.name.lower()}", daemon=True)
        self._thread.start()

    def _shut(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()


class FlaskApp(_WSGIThread):
    """Flask's ``redirect()`` and the trailing-slash redirect of Werkzeug's router."""

    name = "Flask"
    routes = (
        Route('redirect("/new")', "GET", "/old", "flask-redirect"),
        Route('@app.route("/docs/"), then GET /docs', "GET", "/docs", "werkzeug-routing"),
        Route('@app.route("/docs/"), then POST /docs', "POST", "/docs", "werkzeug-routing"),
    )
    source = (_APPS / "flask_app.py").read_text()

    def version(self) -> str:
        return f"{installed_version('flask')} (Werkzeug {installed_version('werkzeug')})"

    def _wsgi_app(self) -> Any:
        from .apps.flask_app import app
        return app


class FastAPIApp(Framework):
    """FastAPI's ``RedirectResponse`` and its router's ``redirect_slashes``; both come from
    Starlette, so the row holds for a plain Starlette app too."""

    name = "FastAPI"
    routes = (
        Route('RedirectResponse("/new")', "GET", "/old", "starlette-redirect-response"),
        Route('@app.api_route("/items/", ...), then GET /items', "GET", "/items",
              "starlette-redirect-slashes"),
        Route('@app.api_route("/items/", ...), then POST /items', "POST", "/items",
              "starlette-redirect-slashes"),
        Route('RedirectResponse("/welcome") after a form POST', "POST", "/signup",
              "starlette-redirect-response"),
        Route('RedirectResponse("/welcome", status_code=303)', "POST", "/signup-fixed",
              "starlette-redirect-response"),
    )
    source = (_APPS / "fastapi_app.py").read_text()

    def __init__(self) -> None:
        super().__init__()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @classmethod
    def unavailable_reason(cls) -> str | None:
        return ensure_optional("python-frameworks")

    def version(self) -> str:
        return f"{installed_version('fastapi')} (Starlette {installed_version('starlette')})"

    def _serve(self, port: int) -> None:
        import uvicorn

        from .apps.fastapi_app import app
        config = uvicorn.Config(app, host=LOOPBACK, port=port, log_level="error",
                                lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="framework-fastapi",
                                        daemon=True)
        self._thread.start()

    def _shut(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()


class DjangoApp(_WSGIThread):
    """Django's ``redirect()``, ``RedirectView`` and ``APPEND_SLASH``, as in production
    (``DEBUG = False``)."""

    name = "Django"
    routes = (
        Route('redirect("/new")', "GET", "/old", "django-redirect"),
        Route('redirect("/new", permanent=True)', "GET", "/moved", "django-redirect"),
        Route('RedirectView.as_view(url="/new")', "GET", "/gone", "django-redirect-view"),
        Route('path("docs/", ...), then GET /docs (APPEND_SLASH)', "GET", "/docs",
              "django-append-slash"),
        Route('path("docs/", ...), then POST /docs (APPEND_SLASH)', "POST", "/docs",
              "django-append-slash"),
    )
    source = (_APPS / "django_app.py").read_text()

    @classmethod
    def unavailable_reason(cls) -> str | None:
        return ensure_optional("python-frameworks")

    def version(self) -> str:
        return installed_version("django")

    def _wsgi_app(self) -> Any:
        import django
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        from .apps import django_app
        if not settings.configured:  # Django's settings are per process: configure once
            settings.configure(**django_app.SETTINGS)
            django.setup()
        return get_wsgi_application()
