"""Frameworks under test: other projects' servers, started by the lab on loopback."""

from .base import Framework, FrameworkUnavailable, MissingFramework, Route
from .processes import NGINX_SITE, ExpressApp, NextApp, NginxApp, NginxChain, NginxProxy
from .python_apps import DjangoApp, FastAPIApp, FlaskApp

FRAMEWORKS: dict[str, type[Framework]] = {
    "Flask": FlaskApp, "FastAPI": FastAPIApp, "Django": DjangoApp, "Express": ExpressApp,
    "Next.js": NextApp, "nginx": NginxApp,
}
"""Every framework the lab can run, by the name its tables use."""

__all__ = ["FRAMEWORKS", "NGINX_SITE", "DjangoApp", "ExpressApp", "FastAPIApp", "FlaskApp",
           "Framework", "FrameworkUnavailable", "MissingFramework", "NextApp", "NginxApp",
           "NginxChain", "NginxProxy", "Route"]
