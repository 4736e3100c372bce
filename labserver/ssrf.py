"""SSRF through a redirect: a fetcher that checks only the first URL, and fixes that check
every hop.
"""

from .experiments.ssrf import (
    METADATA_PATH,
    CheckAfterwards,
    EveryHopHook,
    FirstUrlOnly,
    FollowByHand,
    SsrfLab,
    refuse_internal,
    ssrf_attempts,
)

__all__ = [
    "CheckAfterwards", "EveryHopHook", "FirstUrlOnly", "FollowByHand", "METADATA_PATH",
    "SsrfLab", "refuse_internal", "ssrf_attempts",
]
