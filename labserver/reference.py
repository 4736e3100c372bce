"""The reference pages: the 3xx table, which redirect to return, the cheat sheet, the glossary
and the lab's endpoints.
"""

from .server import ENDPOINTS
from .teaching.cheatsheet import cheat_sheet
from .teaching.exercises import grade_situations
from .teaching.reference import (
    check_reference,
    choose_redirect,
    decision_diagram,
    glossary,
    reference_table,
    situations_table,
)

__all__ = [
    "ENDPOINTS", "cheat_sheet", "check_reference", "choose_redirect", "decision_diagram",
    "glossary", "grade_situations", "reference_table", "situations_table",
]
