"""Redirect Lab's instrument: a loopback HTTP server that journals every hop.

Start the server, send a request through one of its redirects with any client,
and read from the journal what actually arrived::

    import labserver
    server = labserver.start()
    seen = labserver.observe(labserver.HttpxClient(),
                             labserver.Request("POST", "/redirect/307", labserver.BODY), (server,))
    seen.final_method, seen.body_arrived

This module is the core most episodes use: the server and its journal, the clients,
:func:`observe` and the runners built on it, the graders, and the tables and diagrams.
Each topic's helpers live in a public module named for the topic, which an episode
imports by name (``from labserver import caching``): ``behind_proxy``, ``bodies``,
``caching``, ``cost``, ``credentials``, ``curl_spellings``, ``environment``,
``in_browsers``, ``loops_and_limits``, ``old_bugs``, ``open_redirects``, ``patterns``,
``playground``, ``reference``, ``ssrf``, ``standards``, ``tracing`` and
``web_frameworks``. The layers beneath
them are described in ``docs/architecture.md``; lessons use nothing else (tested).
"""

from .citations import cite, further_reading
from .clients import (
    CLIENTS,
    Client,
    CurlClient,
    HttpxClient,
    RequestsClient,
    UrllibClient,
    make_client,
    open_browser,
    open_browsers,
    rule_of,
)
from .experiments.matrix import each_method, follows_by_default, run_clients, run_matrix
from .experiments.observe import Observation, Request, describe_hops, observe
from .experiments.spec import compare as against_standards
from .server import Entry, Journal, LabCertificates, LabServer, start, stop
from .teaching.claims import claim, recap
from .teaching.display import (
    body_label,
    conformance,
    departures,
    hops_frame,
    per_method,
    sequence_diagram,
    stable_headers,
)
from .teaching.display import matrix as method_matrix
from .teaching.display import outcomes as outcome_matrix
from .teaching.exercises import grade, grade_arrivals, grade_column, solution
from .vocabulary import BODY, CODES, METHODS

__all__ = [
    "BODY", "CLIENTS", "CODES", "Client", "CurlClient", "Entry", "HttpxClient", "Journal",
    "LabCertificates", "LabServer", "METHODS", "Observation", "Request", "RequestsClient",
    "UrllibClient", "against_standards", "body_label", "cite", "claim", "conformance",
    "departures", "describe_hops", "each_method", "follows_by_default", "further_reading",
    "grade", "grade_arrivals", "grade_column", "hops_frame", "make_client", "method_matrix",
    "observe", "open_browser", "open_browsers", "outcome_matrix", "per_method", "recap",
    "rule_of", "run_clients", "run_matrix", "sequence_diagram", "solution",
    "stable_headers", "start", "stop",
]
