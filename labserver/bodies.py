"""What becomes of a request's body and its headers on a redirect: the body headers after a
switch to GET, and bodies a client cannot send twice.
"""

from .experiments.probes import BODY_HEADERS_SENT, body_headers_after_get, unreplayable_bodies
from .teaching.display import replays

__all__ = [
    "BODY_HEADERS_SENT", "body_headers_after_get", "replays", "unreplayable_bodies",
]
