"""The server side: the Flask app and its blueprints, the journal (and its HAR export),
the recording proxy, the target gate, TLS."""

from .app import ENDPOINTS, MAX_BODY_BYTES, create_app
from .journal import Entry, Journal, Observer
from .lab import LOOPBACK, LabServer, LabServerError, start, stop
from .proxy import RecordingProxy
from .targets import UnsafeTarget, origin_of, safe_target
from .tls import LabCertificates

__all__ = [
    "ENDPOINTS", "Entry", "Journal", "LOOPBACK", "LabCertificates", "LabServer",
    "LabServerError", "MAX_BODY_BYTES", "Observer", "RecordingProxy", "UnsafeTarget",
    "create_app", "origin_of", "safe_target", "start", "stop",
]
