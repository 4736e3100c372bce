"""What frameworks send: Flask, FastAPI, Django, Express, Next.js and nginx on loopback, and a
redirect of your own to fix.
"""

from .experiments.frameworks import answer, framework_redirects, start_frameworks, stop_frameworks
from .teaching.exercises import check_redirect_app

__all__ = [
    "answer", "check_redirect_app", "framework_redirects", "start_frameworks", "stop_frameworks",
]
