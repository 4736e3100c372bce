"""Browser engines as the lab observes them: fetch() and its redirect modes, form posts,
navigations, Origin, Referer and CORS across hops.
"""

from .experiments.browsers import (
    CORS_REQUESTS,
    cors_through_redirects,
    fetch_in_mode,
    origins_across_hops,
    redirect_modes,
    referers_across_hops,
)
from .experiments.matrix import run_form_posts
from .experiments.navigation import navigations, page_redirects

__all__ = [
    "CORS_REQUESTS", "cors_through_redirects", "fetch_in_mode", "navigations",
    "origins_across_hops", "page_redirects", "redirect_modes", "referers_across_hops",
    "run_form_posts",
]
