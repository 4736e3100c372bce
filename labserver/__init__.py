"""Redirect Lab's instrument: a loopback HTTP server that journals every hop.

Start the server, send a request through one of its redirects with any client,
and read from the journal what actually arrived::

    import labserver
    server = labserver.start()
    seen = labserver.observe(labserver.HttpxClient(), labserver.Request("POST", "/redirect/307",
                             labserver.BODY), (server,))
    seen.final_method, seen.body_arrived

The package has four layers, each importing only the ones below it: ``server`` (the
app, the journal, the target gate, TLS), ``clients`` (one module per kind of client,
one registry), ``experiments`` (:func:`observe` and what is built on it) and
``teaching`` (tables, diagrams, exercises, the reference). ``vocabulary`` and
``citations`` sit beneath them all. These names are the lab's public API: lessons use
nothing else (tested).
"""

# -- the words everyone shares, and the sources everything cites -----------------------
from .citations import CITATIONS as CITATIONS
from .citations import Citation as Citation
from .citations import citations_table as citations_table
from .citations import cite as cite
from .citations import further_reading as further_reading

# -- clients ---------------------------------------------------------------------------
from .clients import BROWSERS as BROWSERS
from .clients import CLIENTS as CLIENTS
from .clients import CURL_VARIANTS as CURL_VARIANTS
from .clients import OLD_RELEASES as OLD_RELEASES
from .clients import PROXY_CLIENTS as PROXY_CLIENTS
from .clients import REDIRECT_MODES as REDIRECT_MODES
from .clients import AiohttpClient as AiohttpClient
from .clients import BrowserClient as BrowserClient
from .clients import CallClient as CallClient
from .clients import ChromiumClient as ChromiumClient
from .clients import Client as Client
from .clients import ClientUnavailable as ClientUnavailable
from .clients import CurlClient as CurlClient
from .clients import FetchResponse as FetchResponse
from .clients import FirefoxClient as FirefoxClient
from .clients import HttpxAsyncClient as HttpxAsyncClient
from .clients import HttpxClient as HttpxClient
from .clients import MissingBrowser as MissingBrowser
from .clients import NodeFetchClient as NodeFetchClient
from .clients import OldRelease as OldRelease
from .clients import OldReleaseClient as OldReleaseClient
from .clients import Outcome as Outcome
from .clients import RequestsClient as RequestsClient
from .clients import Showing as Showing
from .clients import Urllib3Client as Urllib3Client
from .clients import UrllibClient as UrllibClient
from .clients import WgetClient as WgetClient
from .clients import find_browser as find_browser
from .clients import make_client as make_client
from .clients import open_browser as open_browser
from .clients import open_browsers as open_browsers
from .clients import rule_of as rule_of

# -- experiments -----------------------------------------------------------------------
from .experiments.browsers import CORS_REQUESTS as CORS_REQUESTS
from .experiments.browsers import cors_through_redirects as cors_through_redirects
from .experiments.browsers import fetch_from as fetch_from
from .experiments.browsers import fetch_in_mode as fetch_in_mode
from .experiments.browsers import origins_across_hops as origins_across_hops
from .experiments.browsers import redirect_modes as redirect_modes
from .experiments.browsers import referers_across_hops as referers_across_hops
from .experiments.caching import CACHE_SPECS as CACHE_SPECS
from .experiments.caching import cache_reuse as cache_reuse
from .experiments.cost import COST_CLIENTS as COST_CLIENTS
from .experiments.cost import LabCounter as LabCounter
from .experiments.cost import NginxCounter as NginxCounter
from .experiments.cost import across_origins as across_origins
from .experiments.cost import hop_costs as hop_costs
from .experiments.cost import lab_chain as lab_chain
from .experiments.cost import nginx_chain as nginx_chain
from .experiments.credentials import CREDENTIALS as CREDENTIALS
from .experiments.credentials import SCENARIOS as SCENARIOS
from .experiments.credentials import CredentialLab as CredentialLab
from .experiments.credentials import run_credentials as run_credentials
from .experiments.credentials import run_scenario_matrix as run_scenario_matrix
from .experiments.default_ports import run_on_default_ports as run_on_default_ports
from .experiments.frameworks import framework_redirects as framework_redirects
from .experiments.frameworks import start_frameworks as start_frameworks
from .experiments.frameworks import stop_frameworks as stop_frameworks
from .experiments.matrix import Experiment as Experiment
from .experiments.matrix import each_method as each_method
from .experiments.matrix import follows_by_default as follows_by_default
from .experiments.matrix import observe_experiment as observe_experiment
from .experiments.matrix import run_clients as run_clients
from .experiments.matrix import run_experiment as run_experiment
from .experiments.matrix import run_form_posts as run_form_posts
from .experiments.matrix import run_matrix as run_matrix
from .experiments.matrix import tidy as tidy
from .experiments.navigation import navigations as navigations
from .experiments.navigation import page_redirects as page_redirects
from .experiments.observe import Observation as Observation
from .experiments.observe import Request as Request
from .experiments.observe import describe_hops as describe_hops
from .experiments.observe import observe as observe
from .experiments.observe import watch_all as watch_all
from .experiments.old_bugs import OLD_BUGS as OLD_BUGS
from .experiments.old_bugs import OldBug as OldBug
from .experiments.old_bugs import old_releases_table as old_releases_table
from .experiments.old_bugs import proxy_leak_by_direction as proxy_leak_by_direction
from .experiments.old_bugs import replay_old_bugs as replay_old_bugs
from .experiments.probes import BODY_HEADERS_SENT as BODY_HEADERS_SENT
from .experiments.probes import ODD_LOCATIONS as ODD_LOCATIONS
from .experiments.probes import api_move as api_move
from .experiments.probes import body_headers_after_get as body_headers_after_get
from .experiments.probes import browser_reading as browser_reading
from .experiments.probes import curl_verbose as curl_verbose
from .experiments.probes import follow as follow
from .experiments.probes import judge_targets as judge_targets
from .experiments.probes import lab_answers as lab_answers
from .experiments.probes import landings as landings
from .experiments.probes import odd_locations as odd_locations
from .experiments.probes import redirect_limits as redirect_limits
from .experiments.probes import unreplayable_bodies as unreplayable_bodies
from .experiments.proxy_loops import LOOP_CLIENTS as LOOP_CLIENTS
from .experiments.proxy_loops import SETUPS as SETUPS
from .experiments.proxy_loops import ProxyLab as ProxyLab
from .experiments.proxy_loops import address_bar as address_bar
from .experiments.proxy_loops import proxy_loops as proxy_loops
from .experiments.proxy_loops import spoofed_scheme as spoofed_scheme
from .experiments.spec import Expectation as Expectation
from .experiments.spec import compare as compare
from .experiments.spec import differences as differences
from .experiments.spec import expect as expect
from .experiments.spec import expectations as expectations
from .experiments.ssrf import FETCHERS as FETCHERS
from .experiments.ssrf import METADATA_PATH as METADATA_PATH
from .experiments.ssrf import CheckAfterwards as CheckAfterwards
from .experiments.ssrf import EveryHopHook as EveryHopHook
from .experiments.ssrf import Fetcher as Fetcher
from .experiments.ssrf import FirstUrlOnly as FirstUrlOnly
from .experiments.ssrf import FollowByHand as FollowByHand
from .experiments.ssrf import InternalAddress as InternalAddress
from .experiments.ssrf import SsrfLab as SsrfLab
from .experiments.ssrf import refuse_internal as refuse_internal
from .experiments.ssrf import ssrf_attempts as ssrf_attempts
from .experiments.trace import TRACE_CLIENTS as TRACE_CLIENTS
from .experiments.trace import Trace as Trace
from .experiments.trace import har_problems as har_problems
from .experiments.trace import har_summary as har_summary
from .experiments.trace import trace as trace
from .frameworks import FRAMEWORKS as FRAMEWORKS
from .frameworks import Framework as Framework
from .frameworks import NginxChain as NginxChain

# -- the server side -------------------------------------------------------------------
from .server import ENDPOINTS as ENDPOINTS
from .server import MAX_BODY_BYTES as MAX_BODY_BYTES
from .server import Entry as Entry
from .server import Journal as Journal
from .server import LabCertificates as LabCertificates
from .server import LabServer as LabServer
from .server import LabServerError as LabServerError
from .server import RecordingProxy as RecordingProxy
from .server import UnsafeTarget as UnsafeTarget
from .server import create_app as create_app
from .server import origin_of as origin_of
from .server import safe_target as safe_target
from .server import start as start
from .server import stop as stop
from .server.behind_proxy import force_https_app as force_https_app
from .server.patterns import SERVICE_MODES as SERVICE_MODES

# -- teaching --------------------------------------------------------------------------
from .teaching.cheatsheet import CheatSheet as CheatSheet
from .teaching.cheatsheet import cheat_sheet as cheat_sheet
from .teaching.claims import ClaimFailed as ClaimFailed
from .teaching.claims import claim as claim
from .teaching.claims import recap as recap
from .teaching.display import PALETTE as PALETTE
from .teaching.display import StyledTable as StyledTable
from .teaching.display import body_label as body_label
from .teaching.display import conformance as conformance
from .teaching.display import departures as departures
from .teaching.display import hops_frame as hops_frame
from .teaching.display import leak_label as leak_label
from .teaching.display import leaks as leaks
from .teaching.display import matrix as matrix
from .teaching.display import outcomes as outcomes
from .teaching.display import per_method as per_method
from .teaching.display import replays as replays
from .teaching.display import reuse_grid as reuse_grid
from .teaching.display import sequence_diagram as sequence_diagram
from .teaching.display import stable_headers as stable_headers
from .teaching.display import standards as standards
from .teaching.environment import check_environment as check_environment
from .teaching.environment import client_versions as client_versions
from .teaching.environment import version_warnings as version_warnings
from .teaching.exercises import check_redirect_app as check_redirect_app
from .teaching.exercises import grade as grade
from .teaching.exercises import grade_arrivals as grade_arrivals
from .teaching.exercises import grade_column as grade_column
from .teaching.exercises import grade_matrix as grade_matrix
from .teaching.exercises import grade_methods as grade_methods
from .teaching.exercises import grade_situations as grade_situations
from .teaching.exercises import solution as solution
from .teaching.plots import TimePlot as TimePlot
from .teaching.reference import check_reference as check_reference
from .teaching.reference import choose_redirect as choose_redirect
from .teaching.reference import decision_diagram as decision_diagram
from .teaching.reference import reference_table as reference_table
from .teaching.reference import situations_table as situations_table
from .teaching.versions import PYTHON_DEPENDENT as PYTHON_DEPENDENT
from .teaching.versions import check_python_dependent as check_python_dependent
from .teaching.versions import python_rules_table as python_rules_table
from .teaching.versions import split_by_python as split_by_python
from .vocabulary import BODY as BODY
from .vocabulary import BODY_METHODS as BODY_METHODS
from .vocabulary import CODES as CODES
from .vocabulary import DEFAULT_TARGET as DEFAULT_TARGET
from .vocabulary import METHODS as METHODS

__all__ = [
    # vocabulary and citations
    "BODY", "BODY_METHODS", "CITATIONS", "CODES", "Citation", "DEFAULT_TARGET", "METHODS",
    "citations_table", "cite", "further_reading",
    # the server side
    "ENDPOINTS", "Entry", "Journal", "LabServer", "LabServerError", "MAX_BODY_BYTES",
    "SERVICE_MODES", "UnsafeTarget", "create_app", "origin_of", "safe_target", "start",
    "stop", "RecordingProxy", "LabCertificates", "force_https_app",
    # clients
    "CLIENTS", "CURL_VARIANTS", "CallClient", "ChromiumClient", "Client",
    "ClientUnavailable", "CurlClient", "HttpxAsyncClient", "HttpxClient", "MissingBrowser",
    "Outcome", "RequestsClient", "UrllibClient", "find_browser", "make_client",
    "open_browser", "open_browsers", "rule_of",
    "BROWSERS", "BrowserClient", "FetchResponse", "FirefoxClient", "REDIRECT_MODES", "Showing",
    "AiohttpClient", "NodeFetchClient", "Urllib3Client", "WgetClient", "PROXY_CLIENTS",
    "OLD_RELEASES", "OldRelease", "OldReleaseClient",
    # experiments: observe, and what is built on it
    "Observation", "Request", "describe_hops", "observe", "watch_all",
    "Experiment", "follows_by_default", "observe_experiment", "run_clients",
    "run_experiment", "run_form_posts", "run_matrix", "each_method", "tidy",
    "BODY_HEADERS_SENT", "api_move", "body_headers_after_get", "browser_reading",
    "curl_verbose", "follow", "ODD_LOCATIONS", "odd_locations",
    "judge_targets", "lab_answers", "landings", "redirect_limits", "unreplayable_bodies",
    "CREDENTIALS", "SCENARIOS", "CredentialLab", "run_credentials", "run_scenario_matrix",
    "run_on_default_ports",
    "fetch_in_mode", "redirect_modes", "fetch_from", "CORS_REQUESTS", "cors_through_redirects",
    "origins_across_hops", "referers_across_hops", "navigations", "page_redirects",
    "CACHE_SPECS", "cache_reuse",
    "FRAMEWORKS", "Framework", "framework_redirects", "start_frameworks", "stop_frameworks",
    "FETCHERS", "METADATA_PATH", "CheckAfterwards", "EveryHopHook", "Fetcher", "FirstUrlOnly",
    "FollowByHand", "InternalAddress", "SsrfLab", "refuse_internal", "ssrf_attempts",
    "TRACE_CLIENTS", "Trace", "trace", "har_problems", "har_summary",
    "OLD_BUGS", "OldBug", "old_releases_table", "proxy_leak_by_direction", "replay_old_bugs",
    "COST_CLIENTS", "LabCounter", "NginxCounter", "NginxChain", "across_origins", "hop_costs",
    "lab_chain", "nginx_chain",
    "LOOP_CLIENTS", "SETUPS", "ProxyLab", "address_bar", "proxy_loops", "spoofed_scheme",
    "Expectation", "compare", "differences", "expect", "expectations",
    # teaching
    "ClaimFailed", "claim", "recap", "TimePlot", "PALETTE", "StyledTable", "body_label",
    "conformance",
    "departures", "hops_frame", "leak_label", "leaks", "matrix", "outcomes", "per_method",
    "replays", "reuse_grid", "sequence_diagram", "stable_headers", "standards",
    "check_environment", "client_versions",
    "version_warnings", "check_redirect_app", "grade", "grade_arrivals", "grade_column",
    "grade_matrix", "grade_methods", "grade_situations", "solution", "check_reference",
    "choose_redirect", "decision_diagram", "situations_table", "CheatSheet", "cheat_sheet",
    "reference_table", "PYTHON_DEPENDENT", "check_python_dependent", "python_rules_table",
    "split_by_python",
]
