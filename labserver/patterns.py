"""Redirect patterns a server uses: an API move, maintenance and failover, load balancing,
canonical host.
"""

from .experiments.observe import watch_all
from .experiments.probes import api_move
from .server.patterns import SERVICE_MODES

__all__ = [
    "SERVICE_MODES", "api_move", "watch_all",
]
