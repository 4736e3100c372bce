"""Redirect Lab's instrument: a loopback HTTP server that journals every hop.

Start the server, send a request through one of its redirects with any client,
and read from the journal what actually arrived::

    import labserver
    server = labserver.start()
    table = labserver.run_matrix(server, labserver.HttpxClient())
"""

from .app import CODES, ENDPOINTS, MAX_BODY_BYTES, METHODS, create_app
from .clients import CLIENTS, Client, HttpxClient, Outcome, make_client
from .display import StyledTable, conformance, hops_frame, matrix, per_method, stable_headers
from .environment import check_environment
from .experiments import BODY, BODY_METHODS, Experiment, describe_hops, run_experiment, run_matrix
from .journal import Entry, Journal
from .server import LabServer, start, stop
from .spec import Expectation, compare, differences, expect, expectations
from .targets import UnsafeTarget, safe_local_target

__all__ = [
    "BODY", "BODY_METHODS", "CLIENTS", "CODES", "Client", "ENDPOINTS", "Entry", "Expectation",
    "Experiment",
    "HttpxClient", "Journal", "LabServer", "MAX_BODY_BYTES", "METHODS", "Outcome",
    "StyledTable", "UnsafeTarget", "check_environment", "compare", "conformance", "create_app",
    "describe_hops", "differences", "expect", "expectations", "hops_frame", "make_client",
    "matrix", "per_method", "run_experiment", "run_matrix", "safe_local_target",
    "stable_headers", "start", "stop",
]
