"""Trace any URL: the hops each client makes, seen by the lab's recording proxy.

In the lessons every hop reaches a lab server, whose journal is the observer. A
learner's own site keeps no journal for us, so :func:`trace` puts the recording proxy
between each client and the network and reads *its* journal: every request exactly as
the client sent it, and the answer it got. The same table, diagram and HAR come out as
for a lab experiment. (The lab's own tests trace only loopback servers.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..clients import PROXY_CLIENTS, ClientUnavailable, make_client
from ..clients.node import INSTALL_COMMAND, NODE_DIR
from ..server.har import har_log
from ..server.journal import Entry
from ..server.lab import LabServer
from ..server.proxy import RecordingProxy
from ..server.targets import origin_of
from ..server.tls import LabCertificates
from .observe import Observation, Request, aliased, arrival, describe_hops, observe

TRACE_CLIENTS = ("httpx", "requests", "urllib3", "curl")
"""Who :func:`trace` asks by default: every client here that takes a proxy
(:data:`labserver.clients.PROXY_CLIENTS` lists them)."""

TRACE_COLUMNS = ["client", "redirects", "arrived", "hops", "final_status", "error"]


@dataclass(frozen=True)
class Trace:
    """What each client did with one URL, hop by hop, as the recording proxy saw it."""

    url: str
    observations: tuple[Observation, ...]
    servers: tuple[LabServer, ...] = ()
    """Lab servers among the hops: tables name them instead of showing their ports."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Clients that could not run here, and why."""

    def hops(self, client: str) -> tuple[Entry, ...]:
        """The requests ``client`` sent, in order (for :func:`labserver.sequence_diagram`)."""
        for observation in self.observations:
            if observation.client == client:
                return observation.hops
        raise ValueError(f"{client!r} was not traced; these were: "
                         f"{', '.join(o.client for o in self.observations)}")

    def table(self) -> pd.DataFrame:
        """One row per client: how many redirects it followed, what arrived at the last
        hop (:func:`labserver.experiments.observe.arrival`), its hops, how it ended."""
        rows = [{"client": o.client, "redirects": o.followed, "arrived": _last_arrival(o),
                 "hops": describe_hops(o.hops, self.servers, named=True),
                 "final_status": o.result.status, "error": o.result.error or ""}
                for o in self.observations]
        return pd.DataFrame(rows, columns=TRACE_COLUMNS).set_index("client")

    def to_har(self) -> dict[str, Any]:
        """Every client's hops in one HAR 1.2 archive, client after client."""
        return har_log(hop for o in self.observations for hop in o.hops)


def _last_arrival(seen: Observation) -> str:
    """What arrived at the last hop: its method, and whether the first hop's body came too."""
    if not seen.hops:
        return seen.result.error or "nothing sent"
    first, last = seen.hops[0], seen.hops[-1]
    kept = bool(first.body_length) and last.body_sha256 == first.body_sha256
    return arrival(last.method, seen.request.body is not None, kept, "")


def _named(hop: Entry, servers: tuple[LabServer, ...]) -> Entry:
    """``hop`` with its server called by the lab server's name when it is one of them."""
    for server in servers:
        if origin_of(hop.origin) == server.origin:
            return replace(hop, server=server.name)
    return hop


def trace(url: str, clients: tuple[str, ...] | list[str] = TRACE_CLIENTS, *,
          method: str = "GET", headers: dict[str, str] | None = None,
          body: bytes | None = None, servers: tuple[LabServer, ...] = (),
          tls: LabCertificates | None = None) -> Trace:
    """Send ``method url`` with each of ``clients`` through a recording proxy on loopback,
    and return what each sent at every hop.

    ``servers`` are lab servers the URL may lead to, named in the results; ``tls`` their
    certificate authority, when one is https (the proxy then signs with it too). For
    any other https site, the proxy presents certificates from a CA it makes for this
    call, and the clients are told to trust that CA only for this call.
    """
    unknown = [name for name in clients if name not in PROXY_CLIENTS]
    if unknown:
        raise ValueError(f"trace() can send through its proxy only: {', '.join(PROXY_CLIENTS)}"
                         f" (not {', '.join(unknown)})")
    observations, skipped = [], {}
    request = Request(method, url, body, tuple((headers or {}).items()))
    with RecordingProxy(tls=tls) as proxy:
        for name in clients:
            try:
                client = make_client(name, tls=proxy.tls, proxy=proxy.url)
            except ClientUnavailable as missing:
                skipped[name] = str(missing)
                continue
            try:
                seen = observe(client, request, (proxy,), base="")
            finally:
                client.close()
            observations.append(replace(seen, hops=tuple(_named(h, servers) for h in seen.hops)))
    return Trace(url, tuple(observations), servers, skipped)


HAR_SCHEMA_DIR = NODE_DIR / "node_modules" / "har-schema" / "lib"
"""The JSON Schema of HAR 1.2 from npm's ``har-schema`` (pinned with the Node helpers)."""


def har_schema_unavailable() -> str | None:
    """Why :func:`har_problems` cannot check here, or None if it can."""
    if not (HAR_SCHEMA_DIR / "har.json").is_file():
        return f"the HAR schema is installed with the Node helpers: {INSTALL_COMMAND}"
    return None


def har_problems(har: dict[str, Any]) -> list[str]:
    """What makes ``har`` an invalid HAR 1.2 archive, checked against the ``har-schema``
    JSON Schema (the one npm's HAR validators use): the first problem found, or nothing
    when it is valid.

    fastjsonschema compiles the schema in 30 ms. jsonschema, used here before, builds
    rfc3987-syntax's IRI grammars when it is imported (0.9 s here), for a format the HAR
    schema never names."""
    reason = har_schema_unavailable()
    if reason:
        raise ClientUnavailable(reason)
    import fastjsonschema

    schemas = {path.name: json.loads(path.read_text()) for path in HAR_SCHEMA_DIR.glob("*.json")}

    def schema_named(uri: str) -> Any:  # the schema's $refs name its sibling files
        return schemas[uri.partition("#")[0]]

    check = fastjsonschema.compile(schemas["har.json"], handlers={"": schema_named})
    try:
        check(har)
    except fastjsonschema.JsonSchemaValueException as problem:
        return [problem.message]
    return []


def har_summary(har: dict[str, Any], servers: tuple[LabServer, ...] = ()) -> pd.DataFrame:
    """A HAR archive read back as a table, one row per entry: the lab server (or host) it
    reached, method, URL, status and ``redirectURL``, lab servers' URLs aliased."""
    rows = [{"entry": n, "server": entry.get("_labServer", ""),
             "method": entry["request"]["method"],
             "url": aliased(entry["request"]["url"], servers),
             "status": entry["response"]["status"],
             "redirectURL": aliased(entry["response"]["redirectURL"], servers)}
            for n, entry in enumerate(har["log"]["entries"], start=1)]
    return pd.DataFrame(rows, columns=["entry", "server", "method", "url", "status",
                                       "redirectURL"]).set_index("entry")
