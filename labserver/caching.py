"""Redirects in a cache: which answers a cache may reuse, asked twice through hishel and both
browser engines.
"""

from .experiments.caching import CACHE_SPECS, cache_reuse
from .teaching.display import reuse_grid

__all__ = [
    "CACHE_SPECS", "cache_reuse", "reuse_grid",
]
