"""Probes: small experiments beyond the method matrix, each read from the journal.

Where did a redirect land, how many redirects does a client follow before it gives
up, which body headers survive a switch to GET, what happens to a body that cannot be
sent twice, and how clients resolve unusual Location headers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ada_url
import httpx
import pandas as pd

from ..clients import CallClient, Client, CurlClient, Outcome, loopback_httpx, loopback_session
from ..server.journal import Entry
from ..server.lab import LabServer
from ..server.targets import TRICKY_TARGETS, UnsafeTarget, safe_target, visible
from ..vocabulary import BODY, MAX_CHAIN, TIMEOUT_SECONDS
from .observe import Observation, Request, observe


def follow(server: LabServer, client: Client, path: str, *, method: str = "GET",
           others: tuple[LabServer, ...] = ()) -> dict[str, Any]:
    """Send ``method path`` through ``client``; say where the last request landed.

    ``others`` are further lab servers the redirect may lead to; their journals are
    read too, and the landing names the server.
    """
    seen = observe(client, Request(method, path), (server, *others))
    final = seen.last
    landed = f"{final.server}: {final.target}" if final and others else (
        final.target if final else "")
    return {"client": client.name, "request": f"{method} {path}",
            "landed": landed or "(stayed)", "status": seen.result.status,
            "error": seen.result.error or "", "hops": seen.describe()}


def landings(server: LabServer, client: Client, paths: dict[str, str]) -> pd.DataFrame:
    """:func:`follow` for each named case of ``paths``, one row per case."""
    return pd.DataFrame([{"case": case, **follow(server, client, path)}
                         for case, path in paths.items()])


# -- odd Location values --------------------------------------------------------------

ODD_LOCATIONS: dict[str, str] = {
    "empty": "/location/302?bytes=",
    "missing": "/no-location/302",
    "raw UTF-8: /echo?q=été": "/location/302?bytes=%2Fecho%3Fq%3D%C3%A9t%C3%A9",
    "invalid UTF-8: /echo?q=\\xE9": "/location/302?bytes=%2Fecho%3Fq%3D%E9",
    "a space: /echo?q=a b": "/location/302?bytes=%2Fecho%3Fq%3Da%20b",
    "only a fragment: #top": "/location/302?bytes=%23top",
    "data:,hi": "/location/302?bytes=data%3A%2Chi",
    "about:blank": "/location/302?bytes=about%3Ablank",
    "javascript:void(0)": "/location/302?bytes=javascript%3Avoid(0)",
    "a custom scheme: myapp://open": "/location/302?bytes=myapp%3A%2F%2Fopen",
}
"""Location values met in the wild, each sent byte for byte by ``/location/302``."""


def _what_happened(seen: Observation) -> str:
    """One phrase for a client's answer to an odd Location, read from the journal."""
    asked, error = len(seen.hops), seen.result.error
    if not seen.hops:
        return "sent nothing"
    ended = error or f"status {seen.result.status}"
    if seen.last is not None and seen.last.target == seen.hops[0].target:
        return f"looped to itself: {asked} requests, then {ended}"
    if error:
        return f"{error} after {asked} requests" if asked > 1 else f"refused: {error}"
    if seen.last is not None:
        return f"went to {visible(seen.last.target)}"
    return f"kept the {seen.hops[0].status}"


def odd_locations(server: LabServer, client: Client,
                  cases: dict[str, str] = ODD_LOCATIONS) -> pd.DataFrame:
    """What ``client`` does with each odd Location of ``cases``: where its next request
    went (the journal's bytes, as they arrived), or that it kept the 3xx, or its error."""
    rows = []
    for case, path in cases.items():
        seen = observe(client, Request("GET", path), (server,))
        rows.append({"case": case, "client": client.name, "result": _what_happened(seen),
                     "hops": seen.describe()})
    return pd.DataFrame(rows)


# -- moving an API -------------------------------------------------------------------

_NEW_USER = b'{"name": "Ada", "email": "ada@example.org"}'

def api_move(server: LabServer, client: httpx.Client, codes: tuple[int, ...]) -> pd.DataFrame:
    """Create a user through ``/api/v1/users`` while v1 answers with each of ``codes``:
    which method reached ``/api/v2/users``, and what the client was told."""
    rows = {}
    try:
        for code in codes:
            server.app.config["API_MOVE_CODE"] = code
            seen = observe(CallClient("httpx", lambda method, url, body, headers: Outcome(
                client.request(method, url, content=body, headers=headers).status_code)),
                Request("POST", "/api/v1/users", body=_NEW_USER), (server,))
            rows[code] = {"method at v2": seen.last.method if seen.last else "",
                          "status": seen.result.status, "hops": seen.describe()}
    finally:
        server.app.config["API_MOVE_CODE"] = 307
    return pd.DataFrame(rows).T.rename_axis("v1 answers")


# -- open redirects -----------------------------------------------------------------

def judge_targets(targets: dict[str, str] = TRICKY_TARGETS,
                  allowed_origins: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each target through the lab's validator: allowed or refused, and why."""
    rows = []
    for target, why_tricky in targets.items():
        try:
            safe_target(target, allowed_origins)
            verdict, reason = "allowed", "stays on this server"
        except UnsafeTarget as refusal:
            verdict, reason = "refused", str(refusal)
        rows.append({"target": visible(target), "what it is": why_tricky, "verdict": verdict,
                     "reason": reason})
    return pd.DataFrame(rows).set_index("target")


PAGE_HOST = "lab.example"
"""The host of the page a browser would be on; only a name here, nothing is sent to it."""


def _lands_on(target: str, page: str) -> str:
    """Where a browser on ``page`` goes for ``Location: target`` (WHATWG URL parsing)."""
    try:
        url = ada_url.URL(target, page)
    except ValueError:
        return "(not a URL)"
    if url.protocol not in ("http:", "https:"):
        return f"(a {url.protocol} URL)"
    return "this server" if url.hostname == PAGE_HOST else url.hostname


def browser_reading(targets: dict[str, str] = TRICKY_TARGETS) -> pd.DataFrame:
    """Where a browser would go for each target as a ``Location``, from an http and from
    an https page. Computed with ada-url, an implementation of the WHATWG URL standard
    (the parser Node.js uses), so no browser is needed and nothing leaves the machine."""
    pages = {"from an http page": f"http://{PAGE_HOST}/redirect/302",
             "from an https page": f"https://{PAGE_HOST}/redirect/302"}
    return pd.DataFrame([{"target": visible(target), **{where: _lands_on(target, page)
                                                 for where, page in pages.items()}}
                         for target in targets]).set_index("target")


def lab_answers(server: LabServer, targets: dict[str, str] = TRICKY_TARGETS) -> pd.DataFrame:
    """What the live lab server answers for ``/redirect/302?to=<target>``, per target."""
    rows = []
    with loopback_httpx() as http:
        for target in targets:
            response = http.get(server.url + "/redirect/302", params={"to": target})
            rows.append({"target": visible(target), "status": response.status_code,
                         "Location": response.headers.get("Location", "")})
    return pd.DataFrame(rows).set_index("target")


# -- loops and limits ---------------------------------------------------------------

def redirect_limits(server: LabServer, client: Client) -> pd.DataFrame:
    """How many redirects ``client`` follows on a long chain and on a loop, and how it stops."""
    rows = []
    for kind, path in (("chain", f"/chain/{MAX_CHAIN}"), ("loop", "/loop")):
        seen = observe(client, Request("GET", path), (server,))
        rows.append({"client": client.name, "redirects": kind, "followed": seen.followed,
                     "stopped with": seen.result.error or (
                         f"status {seen.result.status}" if seen.result.status else "")})
    return pd.DataFrame(rows)


# -- bodies -------------------------------------------------------------------------

BODY_HEADERS_SENT = {
    "Content-Type": "application/json",
    "Content-Language": "en",
    "Content-Location": "/drafts/42",
    "Content-Encoding": "identity",
}
"""Headers that describe the body, sent with a POST that a 303 turns into a GET."""


def body_headers_after_get(server: LabServer, client: Client, code: int = 303) -> pd.DataFrame:
    """Which body headers (and Content-Length) still arrive once ``code`` (303 by
    design, 301 and 302 in practice) made the POST a GET."""
    seen = observe(client, Request("POST", f"/redirect/{code}", BODY,
                                   tuple(BODY_HEADERS_SENT.items())), (server,))
    final = seen.last
    arrived = final.headers if final else {}
    row = {"client": client.name, "method at target": final.method if final else ""}
    for name in (*BODY_HEADERS_SENT, "Content-Length"):
        row[name] = "kept" if name in arrived else "removed"
    return pd.DataFrame([row])


def _chunks() -> Iterator[bytes]:
    yield BODY


def _one_shot(post: Callable[[str, Any], int]) -> Callable[[str], Callable[[str, Path], Outcome]]:
    """A probe sender for one Python client: ``post(url, body)`` returns the final status;
    the body is a generator or the open file, and whatever the client raises is reported."""
    def for_kind(kind: str) -> Callable[[str, Path], Outcome]:
        def send(url: str, file: Path) -> Outcome:
            with file.open("rb") as handle:
                try:
                    return Outcome(post(url, _chunks() if kind == "generator" else handle))
                except Exception as exc:  # noqa: BLE001 - the lesson reports whatever it raises
                    return Outcome(None, type(exc).__name__, str(exc))
        return send
    return for_kind


def _httpx_post(url: str, body: Any) -> int:
    with loopback_httpx(follow_redirects=True) as http:
        return http.post(url, content=body).status_code


def _requests_post(url: str, body: Any) -> int:
    with loopback_session() as session:
        return session.post(url, data=body, timeout=TIMEOUT_SECONDS).status_code


def _one_shot_curl(kind: str) -> Callable[[str, Path], Outcome]:
    """curl -T from the file, or from standard input (``-T -``), which it cannot rewind."""
    def send(url: str, file: Path) -> Outcome:
        curl = CurlClient("curl -T")
        if kind == "standard input":
            return curl.send("POST", url, body=BODY, upload_from_stdin=True)
        return curl.send("POST", url, body=file.read_bytes())
    return send


ONE_SHOT_BODIES: dict[str, dict[str, Callable[[str], Callable[[str, Path], Outcome]]]] = {
    "httpx": {"generator": _one_shot(_httpx_post), "open file": _one_shot(_httpx_post)},
    "requests": {"generator": _one_shot(_requests_post),
                 "open file": _one_shot(_requests_post)},
    "curl": {"standard input": _one_shot_curl, "file": _one_shot_curl},
}
"""Per client, the bodies that can be read only once (or must be rewound) and how to send
them as that client's users do: ``httpx.post(content=generator)``, ``requests.post(data=
open(...))``, ``curl -T -``..."""


NO_REQUEST = "no complete request"


def _bytes(hop: Entry | None) -> str:
    """What a hop received (method and body size), in words that do not depend on timing:
    a request the client abandoned half-way may or may not have reached the server before
    it gave up."""
    if hop is None or hop.body_length is None:
        return NO_REQUEST
    return f"{hop.method}, {hop.body_length} bytes"


def unreplayable_bodies(server: LabServer, code: int = 307) -> pd.DataFrame:
    """POST a body that cannot simply be read again through ``code``: who re-sends it?"""
    rows = []
    with tempfile.TemporaryDirectory(prefix="labbody") as folder:
        file = Path(folder, "body.json")
        file.write_bytes(BODY)
        for client_name, kinds in ONE_SHOT_BODIES.items():
            if client_name == "curl" and CurlClient.unavailable_reason():
                continue
            for kind, make in kinds.items():
                def send(_method: str, url: str, *_: object,
                         sender: Callable[[str, Path], Outcome] = make(kind)) -> Outcome:
                    return sender(url, file)
                one_shot = CallClient(client_name, send)
                seen = observe(one_shot, Request("POST", f"/redirect/{code}", BODY), (server,))
                rows.append({
                    "client": client_name, "body": kind,
                    "first hop got": _bytes(seen.hops[0] if seen.hops else None),
                    "target got": _bytes(seen.last),
                    "outcome": seen.result.error or f"status {seen.result.status}",
                })
    return pd.DataFrame(rows)


def curl_verbose(server: LabServer, variant: str, method: str, path: str,
                 body: bytes | None = None) -> str:
    """``curl -v`` through the lab, trimmed to the lines about each hop (see
    :meth:`CurlClient.verbose`), with the server's URL written ``scheme://name``."""
    lines = CurlClient(variant).verbose(method, server.url + path, body=body)
    return "\n".join(line.replace(server.url, f"{server.scheme}://{server.name}")
                     for line in lines)
