"""Experiments: send a request through a redirect and read from the journal what arrived.

One experiment is one (client, code, method). Its row says what was sent and, from
the server's journal, what arrived at each hop, so every client is judged by the
same observer.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd
import requests

from .app import CODES, DEFAULT_TARGET, METHODS
from .clients import (
    CLIENTS,
    TIMEOUT_SECONDS,
    Client,
    ClientUnavailable,
    CurlClient,
    Outcome,
    make_client,
)
from .journal import Entry
from .server import LabServer
from .tls import LabCertificates

BODY = b'{"lesson": "redirects", "answer": 42}'
"""The body every experiment sends: small, recognisable, and JSON like most API calls."""

BODY_HEADERS = {"Content-Type": "application/json"}

BODY_METHODS: tuple[str, ...] = ("POST", "PUT", "PATCH")
"""Methods sent with a body: those whose content has defined meaning (POST and PUT in
RFC 9110 §9.3, PATCH in RFC 5789). GET, HEAD, DELETE and OPTIONS go without one, as
clients normally send them."""

COLUMNS = ["client", "code", "method", "body_sent", "hops", "hop_count", "final_method",
           "final_status", "body_arrived", "content_type_arrived", "authorization_arrived",
           "outcome", "error"]


@dataclass(frozen=True)
class Experiment:
    """One request through one redirect."""

    code: int
    method: str
    target: str = DEFAULT_TARGET
    headers: tuple[tuple[str, str], ...] = ()
    """Request headers sent besides the body's, such as Authorization."""

    @property
    def body(self) -> bytes | None:
        return BODY if self.method in BODY_METHODS else None

    @property
    def path(self) -> str:
        if self.target == DEFAULT_TARGET:
            return f"/redirect/{self.code}"
        return f"/redirect/{self.code}?to={self.target}"


def aliased(text: str, servers: tuple[LabServer, ...]) -> str:
    """``text`` with each server's URL (which carries the port the OS picked) written as
    ``scheme://name``, so tables read the same on every run."""
    for server in servers:
        text = text.replace(server.url, f"{server.scheme}://{server.name}")
    return text


def describe_hops(hops: list[Entry], servers: tuple[LabServer, ...] = ()) -> str:
    """``POST /redirect/307 → 307 | POST /echo → 200``: the journal in one line.

    With ``servers``, each hop names the server it reached, and their URLs are aliased.
    """
    def show(hop: Entry) -> str:
        method = "OPTIONS (preflight)" if hop.is_preflight else hop.method
        text = aliased(f"{method} {hop.target} → {hop.status}", servers)
        return f"{hop.server}: {text}" if servers else text
    return " | ".join(show(h) for h in hops)


def _reached_target(hops: list[Entry], target: str) -> Entry | None:
    """The request that reached ``target`` after the redirect. A browser's CORS preflight
    to the target is the browser asking permission, not the request that arrived."""
    target_path = target.split("?", 1)[0]
    return next((h for h in hops[1:] if h.path == target_path and not h.is_preflight), None)


def experiment_row(client_name: str, experiment: Experiment, hops: list[Entry],
                   result: Outcome, servers: tuple[LabServer, ...] = ()) -> dict[str, Any]:
    """One row of the tidy table, judged from the journal's ``hops``.

    The body "arrived" when the request that reached the target carried exactly the
    bytes the first hop carried: the server compares what it saw, not what was meant.
    """
    final = _reached_target(hops, experiment.target)
    first = next((h for h in hops if not h.is_preflight), None)
    if result.error is not None:
        outcome = "error"
    elif final is not None:
        outcome = "followed"
    else:
        outcome = "refused"
    body_sent = experiment.body is not None
    return {
        "client": client_name,
        "code": experiment.code,
        "method": experiment.method,
        "body_sent": body_sent,
        "hops": describe_hops(hops, servers),
        "hop_count": len(hops),
        "final_method": final.method if final else "",
        "final_status": result.status,
        "body_arrived": bool(body_sent and final and first and first.body_length
                             and final.body_sha256 == first.body_sha256),
        "content_type_arrived": bool(final and final.content_type),
        "authorization_arrived": bool(final and "Authorization" in final.headers),
        "outcome": outcome,
        "error": result.error or "",
    }


def settle_after(result: Outcome, servers: tuple[LabServer, ...]) -> None:
    """After a client error, wait for the servers to finish any request it left half-sent,
    so that request is journaled in this experiment and not the next."""
    if result.error is not None:
        for server in servers:
            server.settle()


@contextmanager
def watch_all(servers: tuple[LabServer, ...]) -> Iterator[list[Entry]]:
    """Like :meth:`Journal.watch`, across servers: their hops in the order they arrived."""
    with ExitStack() as stack:
        watched = [stack.enter_context(s.journal.watch()) for s in servers]
        hops: list[Entry] = []
        try:
            yield hops
        finally:
            stack.close()
            hops.extend(sorted((h for journal_hops in watched for h in journal_hops),
                               key=lambda h: h.arrival))


def run_experiment(server: LabServer, client: Client, experiment: Experiment, *,
                   to: LabServer | None = None) -> dict[str, Any]:
    """Send the experiment's request through ``client``; return its row of the tidy table.

    With ``to``, the redirect points at that other lab server (which ``server`` must
    allow, see :meth:`LabServer.allow_redirects_to`) and both journals are read.
    """
    body = experiment.body
    headers = {**(BODY_HEADERS if body is not None else {}), **dict(experiment.headers)}
    servers = (server,) if to is None or to is server else (server, to)
    path = experiment.path if len(servers) == 1 else (
        f"/redirect/{experiment.code}?to={to.url}{experiment.target}")  # type: ignore[union-attr]
    client.prepare(server.url)
    with watch_all(servers) as hops:
        result = client.send(experiment.method, server.url + path, body=body,
                             headers=headers or None)
        settle_after(result, servers)
    return experiment_row(client.name, experiment, hops, result,
                          servers if len(servers) > 1 else ())


def tidy(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of :func:`experiment_row` as the lessons' tidy frame."""
    return pd.DataFrame(rows, columns=COLUMNS).astype({"final_status": "Int64"})


def run_matrix(server: LabServer, client: Client, *, codes: tuple[int, ...] = CODES,
               methods: tuple[str, ...] = METHODS, to: LabServer | None = None,
               headers: dict[str, str] | None = None) -> pd.DataFrame:
    """Every code × every method through ``client``: one tidy row per experiment.

    ``to`` sends each redirect to another lab server; ``headers`` go with every request.
    """
    extra = tuple((headers or {}).items())
    return tidy([run_experiment(server, client, Experiment(code, method, headers=extra), to=to)
                 for code in codes for method in methods])


def run_clients(target: Any, names: tuple[str, ...] | None = None,
                clients: dict[str, Client] | None = None, *,
                runner: Callable[[Any, Client], pd.DataFrame] | None = None,
                tls: LabCertificates | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run ``runner(target, client)`` (by default the 35 experiments of :func:`run_matrix`
    on the lab server ``target``) for each client named, in one tidy frame.

    ``clients`` supplies adapters already started (a browser, say, started once per
    lesson); the others are made here, trusting ``tls`` if given, and closed. A client
    whose program is missing is left out and returned in the second value with the
    reason, never silently dropped.
    """
    runner = runner or run_matrix
    clients = clients or {}
    frames, skipped = [], {}
    for name in names or tuple(CLIENTS):
        if name in clients:
            frames.append(runner(target, clients[name]))
            continue
        try:
            client = make_client(name, tls=tls)
        except ClientUnavailable as missing:
            skipped[name] = str(missing)
            continue
        with client:
            frames.append(runner(target, client))
    frame = pd.concat(frames, ignore_index=True) if frames else tidy([])
    return frame, skipped


def _requests_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no environment proxies: the lab stays on loopback
    return session


def _default_calls(url: str) -> dict[str, Callable[[], object]]:
    """One first request per client, spelled as its documentation shows it."""
    def httpx_client_get() -> None:
        with httpx.Client(trust_env=False) as client:
            client.get(url)

    def requests_call(method: str, **kwargs: Any) -> Callable[[], None]:
        def call() -> None:
            with _requests_session() as session:
                getattr(session, method)(url, timeout=TIMEOUT_SECONDS, **kwargs)
        return call

    def urlopen() -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=TIMEOUT_SECONDS) as response:
            response.read()

    calls: dict[str, Callable[[], object]] = {
        "httpx.get(url)": lambda: httpx.get(url, trust_env=False),
        "httpx.Client().get(url)": httpx_client_get,
        "requests.get(url)": requests_call("get"),
        "requests.post(url, data=...)": requests_call("post", data=BODY),
        "requests.head(url)": requests_call("head"),
        "urllib.request.urlopen(url)": urlopen,
    }
    if CurlClient.unavailable_reason() is None:
        calls["curl URL"] = lambda: CurlClient("curl without -L").send("GET", url)
    return calls


def follows_by_default(server: LabServer) -> pd.DataFrame:
    """Does each client follow a 302 when you ask for nothing? Seen from the journal."""
    rows = []
    for call, action in _default_calls(server.url + "/redirect/302").items():
        with server.journal.watch() as hops:
            action()
        rows.append({"call": call, "follows": _reached_target(hops, DEFAULT_TARGET) is not None,
                     "hops": describe_hops(hops)})
    return pd.DataFrame(rows).set_index("call")
