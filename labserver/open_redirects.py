"""Open redirects: where a redirect to an untrusted target leads, for the lab and for a
browser.
"""

from .experiments.probes import browser_reading, judge_targets, lab_answers
from .experiments.probes import follow as where_it_lands
from .server import safe_target

__all__ = [
    "browser_reading", "judge_targets", "lab_answers", "safe_target", "where_it_lands",
]
