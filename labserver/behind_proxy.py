"""Behind a reverse proxy: the https redirect loop, and who may claim the scheme."""

from .experiments.proxy_loops import (
    LOOP_CLIENTS,
    ProxyLab,
    address_bar,
    proxy_loops,
    spoofed_scheme,
)
from .server.behind_proxy import force_https_app

__all__ = [
    "LOOP_CLIENTS", "ProxyLab", "address_bar", "force_https_app", "proxy_loops",
    "spoofed_scheme",
]
