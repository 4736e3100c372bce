"""The method × code matrix: one experiment per (client, code, method), one tidy row each.

Every row is an :class:`~labserver.experiments.observe.Observation` read the same way,
so every client is judged by the same observer.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd

from ..clients import (
    CLIENTS,
    BrowserClient,
    CallClient,
    Client,
    ClientUnavailable,
    CurlClient,
    MissingBrowser,
    Outcome,
    loopback_httpx,
    loopback_session,
    make_client,
)
from ..server.lab import LabServer
from ..server.tls import LabCertificates
from ..vocabulary import BODY, BODY_METHODS, CODES, DEFAULT_TARGET, METHODS, TIMEOUT_SECONDS
from .observe import COLUMNS, Observation, Request, observe


@dataclass(frozen=True)
class Experiment:
    """One request through one redirect."""

    code: int
    method: str
    target: str = DEFAULT_TARGET
    headers: tuple[tuple[str, str], ...] = ()
    """Request headers sent besides the body's, such as Authorization."""
    options: str = ""
    """More of the redirect's query string, such as ``set_cookie=yes``."""

    @property
    def body(self) -> bytes | None:
        return BODY if self.method in BODY_METHODS else None

    @property
    def path(self) -> str:
        return self._path()

    def _path(self, to: LabServer | None = None) -> str:
        query = [] if to is None and self.target == DEFAULT_TARGET else [
            f"to={'' if to is None else to.url}{self.target}"]
        query += [self.options] if self.options else []
        return f"/redirect/{self.code}" + ("?" + "&".join(query) if query else "")

    def request(self, to: LabServer | None = None) -> Request:
        """The request to send; with ``to``, the redirect points at that other server."""
        return Request(self.method, self._path(to), self.body, self.headers, self.target)


def observe_experiment(server: LabServer, client: Client, experiment: Experiment, *,
                       to: LabServer | None = None) -> Observation:
    """Send the experiment's request through ``client`` to ``server``.

    With ``to``, the redirect points at that other lab server (which ``server`` must
    allow, see :meth:`LabServer.allow_redirects_to`) and both journals are read.
    """
    other = None if to is None or to is server else to
    servers = (server,) if other is None else (server, other)
    return observe(client, experiment.request(other), servers)


def run_experiment(server: LabServer, client: Client, experiment: Experiment, *,
                   to: LabServer | None = None) -> dict[str, Any]:
    """:func:`observe_experiment`, as its row of the tidy table."""
    return observe_experiment(server, client, experiment, to=to).row(experiment.code)


def tidy(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of :meth:`Observation.row` as the lessons' tidy frame."""
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


def each_method(server: LabServer, client: Client, path: str,
                methods: tuple[str, ...] = METHODS) -> dict[str, Observation]:
    """Send every method to ``path`` on ``server`` (the lessons' JSON body with each
    method that carries one) and observe each: a chain's exercise, method by method."""
    return {method: observe(client, Request(method, path,
                                            BODY if method in BODY_METHODS else None),
                            (server,))
            for method in methods}


Runner = Callable[..., pd.DataFrame]
"""What :func:`run_clients` runs for each client: ``runner(target, client, **options)`` →
rows."""


def run_clients(target: Any, names: tuple[str, ...] | None = None,
                clients: dict[str, Client] | None = None, *,
                runner: Runner | None = None, tls: LabCertificates | None = None,
                **options: Any) -> tuple[pd.DataFrame, dict[str, str]]:
    """Run ``runner(target, client, **options)`` (by default the 35 experiments of
    :func:`run_matrix` on the lab server ``target``) for each client named, in one tidy
    frame: ``run_clients(server, runner=landings, paths={...})`` passes ``paths`` on.

    ``clients`` supplies adapters already started (a browser, say, started once per
    lesson); the others are made here, trusting ``tls`` if given, and closed. A client
    whose program is missing is left out and returned in the second value with the
    reason, never silently dropped, and never at the cost of the other clients' rows.
    """
    runner = runner or run_matrix
    given = clients or {}
    frames, skipped = [], {}
    for name in names or tuple(CLIENTS):
        try:
            if name in given:
                frames.append(runner(target, given[name], **options))
                continue
            with make_client(name, tls=tls) as client:
                frames.append(runner(target, client, **options))
        except ClientUnavailable as missing:
            skipped[name] = str(missing)
    frame = pd.concat(frames, ignore_index=True) if frames else tidy([])
    return frame, skipped


# -- following by default ------------------------------------------------------------

def _default_calls() -> dict[str, Callable[[str], object]]:
    """One first request per client, spelled as its documentation shows it."""
    def httpx_client_get(url: str) -> None:
        with loopback_httpx() as client:
            client.get(url)

    def requests_call(method: str, **kwargs: Any) -> Callable[[str], None]:
        def call(url: str) -> None:
            with loopback_session() as session:
                getattr(session, method)(url, timeout=TIMEOUT_SECONDS, **kwargs)
        return call

    def urlopen(url: str) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=TIMEOUT_SECONDS) as response:
            response.read()

    calls: dict[str, Callable[[str], object]] = {
        "httpx.get(url)": lambda url: httpx.get(url, trust_env=False),
        "httpx.Client().get(url)": httpx_client_get,
        "requests.get(url)": requests_call("get"),
        "requests.post(url, data=...)": requests_call("post", data=BODY),
        "requests.head(url)": requests_call("head"),
        "urllib.request.urlopen(url)": urlopen,
    }
    if CurlClient.unavailable_reason() is None:
        calls["curl URL"] = lambda url: CurlClient("curl without -L").send("GET", url)
    return calls


def follows_by_default(server: LabServer) -> pd.DataFrame:
    """Does each client follow a 302 when you ask for nothing? Seen from the journal."""
    rows = []
    for call, action in _default_calls().items():
        def send(_method: str, url: str, *_: object,
                 act: Callable[[str], object] = action) -> Outcome:
            act(url)  # the call as documented; the journal, not its answer, says what happened
            return Outcome(status=None)
        seen = observe(CallClient(call, send), Request("GET", "/redirect/302"), (server,))
        rows.append({"call": call, "follows": seen.reached is not None,
                     "hops": seen.describe()})
    return pd.DataFrame(rows).set_index("call")


# -- a real form, in a real browser --------------------------------------------------

FORM_CODES: tuple[int, ...] = (302, 303, 307, 308)


def run_form_posts(server: LabServer, browser: BrowserClient | MissingBrowser, *,
                   codes: tuple[int, ...] = FORM_CODES) -> pd.DataFrame:
    """A real HTML form POST through each redirect code: one tidy row per code.

    The browser shows the lab's form first (not a hop); pressing its button is the
    request observed. The form's body is compared hop to hop like every other body.
    """
    rows = []
    for code in codes:
        browser.open(f"{server.url}/form/{code}")
        press = CallClient(f"{browser.name} form", lambda *_: browser.submit_form())
        seen = observe(press, Request("POST", f"/form/{code}", body=b"form"), (server,))
        rows.append(seen.row(code))
    return tidy(rows)

