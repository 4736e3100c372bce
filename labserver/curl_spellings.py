"""curl as people type it: its spellings and its verbose trace."""

from .clients import CURL_VARIANTS
from .experiments.probes import curl_verbose

__all__ = [
    "CURL_VARIANTS", "curl_verbose",
]
