"""Trace your own redirects through the lab's recording proxy, and take them home as HAR."""

from .clients import PROXY_CLIENTS
from .experiments.trace import TRACE_CLIENTS, har_problems, har_summary, trace
from .server import RecordingProxy

__all__ = [
    "PROXY_CLIENTS", "RecordingProxy", "TRACE_CLIENTS", "har_problems", "har_summary", "trace",
]
