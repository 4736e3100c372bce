"""Experiments: send a request through a redirect and read from the journal what arrived.

One experiment is one (client, code, method). Its row says what was sent and, from
the server's journal, what arrived at each hop, so every client is judged by the
same observer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .app import CODES, DEFAULT_TARGET, METHODS
from .clients import Client
from .journal import Entry
from .server import LabServer

BODY = b'{"lesson": "redirects", "answer": 42}'
"""The body every experiment sends: small, recognisable, and JSON like most API calls."""

BODY_HEADERS = {"Content-Type": "application/json"}

BODY_METHODS: tuple[str, ...] = ("POST", "PUT", "PATCH")
"""Methods sent with a body: those whose content has defined meaning (RFC 9110 §9.3).
GET, HEAD, DELETE and OPTIONS go without one, as clients normally send them."""

_BODY_DIGEST = hashlib.sha256(BODY).hexdigest()

COLUMNS = ["client", "code", "method", "body_sent", "hops", "hop_count", "final_method",
           "final_status", "body_arrived", "content_type_arrived", "outcome", "error"]


@dataclass(frozen=True)
class Experiment:
    """One request through one redirect."""

    code: int
    method: str
    target: str = DEFAULT_TARGET

    @property
    def body(self) -> bytes | None:
        return BODY if self.method in BODY_METHODS else None

    @property
    def path(self) -> str:
        if self.target == DEFAULT_TARGET:
            return f"/redirect/{self.code}"
        return f"/redirect/{self.code}?to={self.target}"


def describe_hops(hops: list[Entry]) -> str:
    """``POST /redirect/307 → 307 | POST /echo → 200``: the journal in one line."""
    return " | ".join(f"{h.method} {h.target} → {h.status}" for h in hops)


def _reached_target(hops: list[Entry], target: str) -> Entry | None:
    target_path = target.split("?", 1)[0]
    return next((h for h in hops[1:] if h.path == target_path), None)


def run_experiment(server: LabServer, client: Client, experiment: Experiment) -> dict[str, Any]:
    """Send the experiment's request through ``client``; return its row of the tidy table."""
    body = experiment.body
    headers = BODY_HEADERS if body is not None else None
    with server.journal.watch() as hops:
        result = client.send(experiment.method, server.url + experiment.path,
                             body=body, headers=headers)
    final = _reached_target(hops, experiment.target)
    if result.error is not None:
        outcome = "error"
    elif final is not None:
        outcome = "followed"
    else:
        outcome = "refused"
    return {
        "client": client.name,
        "code": experiment.code,
        "method": experiment.method,
        "body_sent": body is not None,
        "hops": describe_hops(hops),
        "hop_count": len(hops),
        "final_method": final.method if final else "",
        "final_status": result.status,
        "body_arrived": bool(final and body is not None and final.body_sha256 == _BODY_DIGEST),
        "content_type_arrived": bool(final and final.content_type),
        "outcome": outcome,
        "error": result.error or "",
    }


def run_matrix(server: LabServer, client: Client, *, codes: tuple[int, ...] = CODES,
               methods: tuple[str, ...] = METHODS) -> pd.DataFrame:
    """Every code × every method through ``client``: one tidy row per experiment."""
    rows = [run_experiment(server, client, Experiment(code, method))
            for code in codes for method in methods]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"final_status": "Int64"})
