"""RFC 9110 and the Fetch standard as tables: what each expects, and where they differ."""

from .experiments.spec import differences
from .teaching.display import standards as standards_table

__all__ = [
    "differences", "standards_table",
]
