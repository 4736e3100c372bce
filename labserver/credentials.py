"""Credentials across origins: Authorization, cookies and a header of your own through
redirects that change port, host or scheme.
"""

from .experiments.credentials import (
    CREDENTIALS,
    SCENARIOS,
    CredentialLab,
    run_credentials,
    run_scenario_matrix,
)
from .experiments.default_ports import run_on_default_ports
from .teaching.display import leak_label, leaks

__all__ = [
    "CREDENTIALS", "CredentialLab", "SCENARIOS", "leak_label", "leaks", "run_credentials",
    "run_on_default_ports", "run_scenario_matrix",
]
