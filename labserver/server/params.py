"""Reading numbers out of URLs: only ASCII digits count.

``"²".isdigit()`` is true, yet ``int("²")`` raises, so a route that checks with
``isdigit()`` and converts with ``int()`` answers 500 to ``/redirect/²``. Every number
the lab reads from a path or a query goes through here instead.
"""

from __future__ import annotations

from collections.abc import Collection


def whole_number(text: str | None, low: int = 0, high: int | None = None) -> int | None:
    """``text`` as an int if it is ASCII digits only and within ``low``..``high``, else None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    value = int(text)
    if value < low or (high is not None and value > high):
        return None
    return value


def one_of(text: str | None, allowed: Collection[int]) -> int | None:
    """``text`` as one of the ``allowed`` numbers (a redirect code, say), else None."""
    value = whole_number(text)
    return value if value in allowed else None
