"""What this machine has: the programs and versions the lessons use, and the results that
depend on the Python that runs them.
"""

from .teaching.environment import (
    check_environment,
    client_versions,
    optional_programs,
    version_warnings,
)
from .teaching.versions import (
    PYTHON_DEPENDENT,
    check_python_dependent,
    python_rules_table,
    split_by_python,
)

__all__ = [
    "PYTHON_DEPENDENT", "check_environment", "check_python_dependent", "client_versions",
    "optional_programs", "python_rules_table", "split_by_python", "version_warnings",
]
