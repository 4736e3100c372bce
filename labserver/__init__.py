"""Redirect Lab's instrument: a loopback HTTP server that journals every hop.

Start the server, send a request through one of its redirects with any client,
and read from the journal what actually arrived::

    import labserver
    server = labserver.start()
    table = labserver.run_matrix(server, labserver.HttpxClient())
"""

from . import caching, exercises, experiments, frameworks, patterns, probes, reference
from .app import CODES, ENDPOINTS, MAX_BODY_BYTES, METHODS, create_app
from .browser import ChromiumClient, MissingBrowser, find_browser, open_browser, run_form_posts
from .citations import CITATIONS, Citation, citations_table, cite, further_reading
from .claims import ClaimFailed, claim, recap
from .clients import (
    CLIENTS,
    CURL_VARIANTS,
    Client,
    ClientUnavailable,
    CurlClient,
    HttpxAsyncClient,
    HttpxClient,
    Outcome,
    RequestsClient,
    UrllibClient,
    make_client,
    rule_of,
)
from .credentials import CREDENTIALS, SCENARIOS, CredentialLab, run_credentials, run_scenario_matrix
from .display import (
    PALETTE,
    StyledTable,
    conformance,
    hops_frame,
    leak_label,
    leaks,
    matrix,
    outcomes,
    per_method,
    sequence_diagram,
    stable_headers,
)
from .environment import check_environment, client_versions
from .experiments import (
    BODY,
    BODY_METHODS,
    Experiment,
    describe_hops,
    experiment_row,
    follows_by_default,
    run_clients,
    run_experiment,
    run_matrix,
    tidy,
)
from .journal import Entry, Journal
from .server import LabServer, LabServerError, start, stop
from .spec import Expectation, compare, differences, expect, expectations
from .targets import UnsafeTarget, origin_of, safe_target
from .versions import PYTHON_DEPENDENT, check_python_dependent, python_rules_table, split_by_python

__all__ = [
    "CITATIONS",
    "Citation",
    "ClaimFailed",
    "LabServerError",
    "PYTHON_DEPENDENT",
    "check_python_dependent",
    "cite",
    "citations_table",
    "claim",
    "further_reading",
    "recap",
    "python_rules_table",
    "split_by_python",
    "BODY",
    "BODY_METHODS",
    "CLIENTS",
    "CODES",
    "CREDENTIALS",
    "CredentialLab",
    "CURL_VARIANTS",
    "ChromiumClient",
    "Client",
    "ClientUnavailable",
    "CurlClient",
    "ENDPOINTS",
    "Entry",
    "Expectation",
    "Experiment",
    "HttpxAsyncClient",
    "HttpxClient",
    "Journal",
    "LabServer",
    "MissingBrowser",
    "MAX_BODY_BYTES",
    "PALETTE",
    "METHODS",
    "Outcome",
    "RequestsClient",
    "SCENARIOS",
    "StyledTable",
    "UnsafeTarget",
    "UrllibClient",
    "check_environment",
    "client_versions",
    "compare",
    "conformance",
    "create_app",
    "describe_hops",
    "differences",
    "expect",
    "expectations",
    "experiment_row",
    "find_browser",
    "follows_by_default",
    "hops_frame",
    "leak_label",
    "leaks",
    "make_client",
    "open_browser",
    "matrix",
    "outcomes",
    "per_method",
    "sequence_diagram",
    "probes",
    "caching",
    "exercises",
    "experiments",
    "frameworks",
    "patterns",
    "reference",
    "rule_of",
    "run_clients",
    "run_credentials",
    "run_experiment",
    "run_form_posts",
    "run_matrix",
    "run_scenario_matrix",
    "safe_target",
    "origin_of",
    "stable_headers",
    "start",
    "stop",
    "tidy",
]
