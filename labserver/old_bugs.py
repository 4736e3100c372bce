"""Old bugs, replayed: each CVE against the release before the fix and the release with it."""

from .clients import OLD_RELEASES
from .experiments.old_bugs import (
    OLD_BUGS,
    old_releases_table,
    proxy_leak_by_direction,
    replay_old_bugs,
)

__all__ = [
    "OLD_BUGS", "OLD_RELEASES", "old_releases_table", "proxy_leak_by_direction",
    "replay_old_bugs",
]
