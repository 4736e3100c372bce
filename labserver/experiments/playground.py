"""The playground's core: a learner's own experiment, composed from a few controls.

A :class:`PlaygroundState` says what to send (method, body, headers), through which
redirects (one to three hops, each with its code and where it leads) and with which
clients. :func:`experiment` turns it into the lab's usual :class:`Request` and servers;
:func:`run` observes it through every client with :func:`observe`, as every lesson
does; :func:`reproduce` writes the same experiment as a Python snippet, a curl command
line and a ``fetch()`` call. Nothing here draws: the panel and its tables are in
:mod:`labserver.teaching.playground`.

The servers are those of the credentials lesson (:class:`CredentialLab`): ``lab`` and
``other`` (http, two ports of 127.0.0.1), ``other-host`` (127.0.0.2, lab's port) and
``lab-tls`` (https), so a hop can stay, change port, host or scheme.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..citations import cite
from ..clients import (
    BROWSERS,
    CLIENTS,
    CallClient,
    Client,
    ClientUnavailable,
    CurlClient,
    MissingBrowser,
    Outcome,
    loopback_httpx,
    loopback_session,
    make_client,
    open_browser,
)
from ..clients.curl import curl_command
from ..server.har import har_log
from ..server.journal import Entry
from ..server.lab import LabServer
from ..server.tls import LabCertificates
from ..vocabulary import BODY, CODES, DEFAULT_TARGET, METHODS, TIMEOUT_SECONDS
from .credentials import SECOND_HOST, CredentialLab
from .observe import Observation, Request, observe
from .spec import AS_SPECIFIED, NOT_FOLLOWED, expect

DESTINATIONS: tuple[str, ...] = ("same origin", "another port", "another host",
                                 "http → https", "https → http")
"""Where a hop's redirect may lead, from the server that answers it."""

_NEXT: dict[str, dict[str, str]] = {
    "same origin": {"lab": "lab", "other": "other", "other-host": "other-host",
                    "lab-tls": "lab-tls"},
    "another port": {"lab": "other", "other": "lab"},
    "another host": {"lab": "other-host", "other-host": "lab"},
    "http → https": {"lab": "lab-tls", "other": "lab-tls", "other-host": "lab-tls"},
    "https → http": {"lab-tls": "lab"},
}
"""For each destination, the server a redirect from each server leads to (a missing
server is a combination the lab cannot build: there is one https server)."""

FORM_BODY = b"lesson=redirects&answer=42"
"""The form body: the JSON body's fields, as an HTML form sends them."""

BODIES: dict[str, tuple[bytes | None, str]] = {
    "none": (None, ""),
    "JSON": (BODY, "application/json"),
    "form": (FORM_BODY, "application/x-www-form-urlencoded"),
    "stream": (BODY, "application/json"),
}
"""Each body kind: its bytes and the Content-Type it is sent with unless one is given.
A stream is the JSON body handed to the client as a generator, read only once."""

STREAM_CLIENTS: tuple[str, ...] = ("httpx", "requests", "curl")
"""The clients the lab can hand a stream body to (curl reads it from standard input)."""

MAX_HEADER_VALUE = 1024
"""The longest header value the playground sends: real credentials are far shorter, and
a longer one tests the server's limits, not a redirect."""

SERVER_VARIABLES = {"lab": "LAB", "other": "OTHER", "other-host": "OTHER_HOST",
                    "lab-tls": "LAB_TLS"}
"""The name of each server's base URL in the curl line and the ``fetch()`` call."""


class PlaygroundError(ValueError):
    """A control set to something the playground cannot send; the message says what."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: one plain sentence.
        return [f"PlaygroundError: {self}"]


@dataclass(frozen=True)
class Hop:
    """One redirect: its code, and where it leads from the server that answers it."""

    code: int = 302
    to: str = "same origin"


@dataclass(frozen=True)
class PlaygroundState:
    """Every control of the playground: what to send, through which redirects, with whom.

    The chain starts on ``lab`` (http), or on ``lab-tls`` when the first hop goes
    https → http. ``content_type`` empty sends the body's own (none without a body);
    the other headers are sent only when given. ``diagram`` names the client whose
    sequence diagram is drawn (the first client when empty).
    """

    hops: tuple[Hop, ...] = (Hop(),)
    method: str = "GET"
    body: str = "none"
    content_type: str = ""
    authorization: str = ""
    cookie: str = ""
    custom_name: str = ""
    custom_value: str = ""
    clients: tuple[str, ...] = ("httpx", "requests")
    diagram: str = ""

    @property
    def diagram_client(self) -> str:
        return self.diagram or (self.clients[0] if self.clients else "")

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The headers sent with the first request, Content-Type first (when there is a body)."""
        content_type = self.content_type or BODIES[self.body][1]  # one given is always sent
        sent = [("Content-Type", content_type)] if content_type else []
        sent += [(name, value) for name, value in (("Authorization", self.authorization),
                                                   ("Cookie", self.cookie),
                                                   (self.custom_name, self.custom_value))
                 if name and value]
        return tuple(sent)


def _check_value(what: str, value: str) -> None:
    if any(c in value for c in "\r\n"):
        raise PlaygroundError(f"{what} holds a line break (CR or LF): a header ends at a line "
                              "break, so the rest would be read as another header; remove it")
    if "\x00" in value:
        raise PlaygroundError(f"{what} holds a NUL character, which no header may carry; "
                              "remove it")
    if any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in value):
        raise PlaygroundError(f"{what} holds a control character, which no header may carry; "
                              "remove it")
    if len(value) > MAX_HEADER_VALUE:
        raise PlaygroundError(f"{what} is {len(value)} characters long; the playground sends "
                              f"at most {MAX_HEADER_VALUE}")
    if not value.isascii():
        raise PlaygroundError(f"{what} holds characters outside ASCII, which clients encode "
                              "differently (or refuse); write it in ASCII")


_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
"""The characters of a header name (RFC 9110 §5.6.2, ``tchar``)."""


def chain(state: PlaygroundState) -> tuple[str, ...]:
    """The server each request of the chain goes to, first to last (the target last)."""
    first = state.hops[0].to if state.hops else ""
    names = ["lab-tls" if first == "https → http" else "lab"]
    for n, hop in enumerate(state.hops, start=1):
        if hop.to not in DESTINATIONS:
            raise PlaygroundError(f"hop {n} goes to {hop.to!r}; choose one of: "
                                  f"{', '.join(DESTINATIONS)}")
        following = _NEXT[hop.to].get(names[-1])
        if following is None:
            raise PlaygroundError(f"hop {n} cannot go {hop.to} from {names[-1]}: the lab has "
                                  f"no such server there; choose one of: "
                                  f"{', '.join(d for d in DESTINATIONS if names[-1] in _NEXT[d])}")
        names.append(following)
    return tuple(names)


def validate(state: PlaygroundState) -> None:
    """Raise :class:`PlaygroundError` with one sentence for the first control the
    playground cannot send; return quietly when every control is sendable."""
    if not 1 <= len(state.hops) <= 3:
        raise PlaygroundError(f"an experiment has one to three hops, not {len(state.hops)}")
    for n, hop in enumerate(state.hops, start=1):
        if hop.code not in CODES:
            raise PlaygroundError(f"hop {n}'s code is {hop.code}; the lab redirects with "
                                  f"{', '.join(map(str, CODES))}")
    chain(state)
    if state.method not in METHODS:
        raise PlaygroundError(f"the method is {state.method!r}; choose one of: "
                              f"{', '.join(METHODS)}")
    if state.body not in BODIES:
        raise PlaygroundError(f"the body is {state.body!r}; choose one of: {', '.join(BODIES)}")
    if state.method == "HEAD" and state.body != "none":
        raise PlaygroundError("a HEAD request carries no body; choose the body none, or "
                              "another method")
    for what, value in (("the Content-Type value", state.content_type),
                        ("the Authorization value", state.authorization),
                        ("the Cookie value", state.cookie),
                        ("your header's value", state.custom_value),
                        ("your header's name", state.custom_name)):
        _check_value(what, value)
    if state.custom_value and not state.custom_name:
        raise PlaygroundError("your header has a value but no name; give it a name such as "
                              "X-Request-Id")
    if state.custom_name and not set(state.custom_name) <= _TOKEN:
        raise PlaygroundError(f"your header's name {state.custom_name!r} holds characters a "
                              "header name may not (letters, digits and !#$%&'*+-.^_`|~ only)")
    if state.custom_name.lower() in ("content-type", "authorization", "cookie", "host",
                                     "content-length", "transfer-encoding"):
        raise PlaygroundError(f"{state.custom_name} has its own control (or is the client's "
                              "to set); name your own header, such as X-Request-Id")
    if not state.clients:
        raise PlaygroundError("choose at least one client")
    unknown = [name for name in state.clients if name not in CLIENTS]
    if unknown:
        raise PlaygroundError(f"unknown client {unknown[0]!r}; choose from: {', '.join(CLIENTS)}")
    if state.diagram and state.diagram not in state.clients:
        raise PlaygroundError(f"the diagram's client {state.diagram!r} is not among the "
                              "clients run")


# -- the lab ------------------------------------------------------------------------

_LAB: list[CredentialLab] = []


def lab() -> CredentialLab:
    """The playground's servers, started once per process (as ``labserver.start()``)."""
    if not _LAB:
        _LAB.append(CredentialLab().start())
    return _LAB[0]


def stop_lab() -> None:
    """Stop the playground's servers, if they run."""
    while _LAB:
        _LAB.pop().stop()


def _servers(state: PlaygroundState, where: CredentialLab) -> tuple[LabServer, ...]:
    names = chain(state)
    missing = [name for name in names if name not in where.servers]
    if missing:
        reason = where.skipped.get("cross-host", f"the lab has no server {missing[0]}")
        raise PlaygroundError(f"this experiment needs {SECOND_HOST}, and {reason}")
    return tuple(where.servers[name] for name in dict.fromkeys(names))


def _path(state: PlaygroundState, url_of: dict[str, str]) -> str:
    """The first server's path: each redirect's ``?to=`` names the next one, the target
    last; a hop that stays on its origin names a path, as the lessons write chains."""
    names = chain(state)
    path = DEFAULT_TARGET
    for n in range(len(state.hops), 0, -1):
        here, there = names[n - 1], names[n]
        to = path if here == there else url_of[there] + path
        path = f"/redirect/{state.hops[n - 1].code}?to={to}"
    return path


def experiment(state: PlaygroundState,
               where: CredentialLab | None = None) -> tuple[Request, tuple[LabServer, ...]]:
    """The :class:`Request` and servers (the first server first) that :func:`observe`
    is given for ``state``: what a learner would write by hand."""
    validate(state)
    where = where or lab()
    servers = _servers(state, where)
    path = _path(state, {s.name: s.url for s in where.servers.values()})
    return Request(state.method, path, BODIES[state.body][0], state.headers()), servers


# -- running it ---------------------------------------------------------------------

class StreamClient(CallClient):
    """A client that hands its body over as a one-shot stream, as its users do:
    ``httpx`` ``content=`` a generator, ``requests`` ``data=`` a generator, ``curl -T -``."""

    def __init__(self, name: str, *, tls: LabCertificates | None = None) -> None:
        if name not in STREAM_CLIENTS:
            raise ClientUnavailable(f"the lab sends a stream body only through "
                                    f"{', '.join(STREAM_CLIENTS)}")
        self._tls = tls
        super().__init__(name, getattr(self, "_" + name))

    def _httpx(self, method: str, url: str, body: bytes | None,
               headers: dict[str, str] | None) -> Outcome:
        import httpx

        verify: Any = self._tls.client_context() if self._tls else True
        with loopback_httpx(follow_redirects=True, verify=verify) as http:
            try:
                return Outcome(http.request(method, url, content=_once(body),
                                            headers=headers).status_code)
            except (httpx.HTTPError, httpx.StreamError) as exc:
                return Outcome(None, type(exc).__name__, str(exc))

    def _requests(self, method: str, url: str, body: bytes | None,
                  headers: dict[str, str] | None) -> Outcome:
        import requests

        with loopback_session() as session:
            try:
                return Outcome(session.request(
                    method, url, data=_once(body), headers=headers, timeout=TIMEOUT_SECONDS,
                    verify=self._tls.ca_file if self._tls else True).status_code)
            except requests.RequestException as exc:
                return Outcome(None, type(exc).__name__, str(exc))

    def _curl(self, method: str, url: str, body: bytes | None,
              headers: dict[str, str] | None) -> Outcome:
        return CurlClient("curl -T", tls=self._tls).send(method, url, body=body,
                                                         headers=headers,
                                                         upload_from_stdin=True)


def _once(body: bytes | None) -> Iterator[bytes]:
    yield body or b""


def stream_client(name: str, *, tls: LabCertificates | None = None) -> Client:
    """:class:`StreamClient` ``name`` (one of :data:`STREAM_CLIENTS`)."""
    return StreamClient(name, tls=tls)


def _client(name: str, state: PlaygroundState, tls: LabCertificates) -> tuple[Client, bool]:
    """The client called ``name`` for ``state``, and whether to close it after (a browser
    is kept for the next run, as ``open_browser`` keeps it)."""
    if state.body == "stream":
        return stream_client(name, tls=tls), True
    if name in BROWSERS:
        browser = open_browser(name, tls=tls)
        if isinstance(browser, MissingBrowser):
            raise ClientUnavailable(browser.reason)
        return browser, False
    return make_client(name, tls=tls), True


@dataclass(frozen=True)
class PlaygroundRun:
    """What every client did with one experiment."""

    state: PlaygroundState
    request: Request
    servers: tuple[LabServer, ...]
    observations: dict[str, Observation]
    skipped: dict[str, str] = field(default_factory=dict)
    """Clients that could not run here, with the reason."""

    def observation(self, client: str) -> Observation:
        try:
            return self.observations[client]
        except KeyError:
            raise PlaygroundError(f"{client} did not run: "
                                  f"{self.skipped.get(client, 'it was not chosen')}") from None

    def to_har(self) -> dict[str, Any]:
        """Every client's hops in one HAR 1.2 archive (the exporter behind
        :meth:`Journal.to_har`), client after client."""
        return har_log(hop for seen in self.observations.values() for hop in seen.hops)


def run(state: PlaygroundState, where: CredentialLab | None = None) -> PlaygroundRun:
    """Observe the experiment of ``state`` through each of its clients, in turn."""
    where = where or lab()
    request, servers = experiment(state, where)
    observations, skipped = {}, {}
    for name in state.clients:
        reason = CLIENTS[name].unavailable_reason()
        if reason:
            skipped[name] = reason
            continue
        try:
            client, close = _client(name, state, where.certificates)
        except ClientUnavailable as missing:
            skipped[name] = str(missing)
            continue
        try:
            observations[name] = observe(client, request, servers)
        finally:
            if close:
                client.close()
    return PlaygroundRun(state, request, servers, observations, skipped)


# -- verdicts -------------------------------------------------------------------------

_CODE_KEYS = {code: f"rfc9110-{code}" for code in CODES}


def _origin_changed(before: Entry, after: Entry) -> bool:
    return before.server != after.server  # each lab server is its own origin


def hop_verdicts(seen: Observation) -> list[dict[str, str | int]]:
    """For each redirect ``seen`` met: what the next request did, judged against RFC 9110
    and Fetch, each naming the rule (with its section, from :mod:`labserver.citations`)."""
    rows: list[dict[str, str | int]] = []
    fetch = cite("fetch-redirect").short
    for n, before in enumerate(seen.hops, start=1):
        if before.is_preflight or before.status not in CODES:
            continue
        # the request the redirect led to (a browser's CORS preflight asks first)
        after = next((h for h in seen.hops[n:] if not h.is_preflight), None)
        rule = expect(before.status, before.method)
        observed = after.method if after else ""
        verdict = rule.rfc_verdict(observed)
        body = ""
        if after is not None and before.body_length and observed == before.method:
            body = ("body kept" if after.body_sha256 == before.body_sha256
                    else "body dropped: neither standard lets a kept method lose its body")
        authorization = ""
        if after is not None and "Authorization" in before.headers and _origin_changed(
                before, after):
            authorization = ("Authorization leaked: Fetch removes it when the origin changes"
                             if "Authorization" in after.headers else
                             "Authorization stripped, as Fetch does when the origin changes")
        rows.append({
            "client": seen.client, "hop": n, "code": before.status,
            "sent": before.method, "next": observed or NOT_FOLLOWED,
            "RFC 9110": verdict if verdict in (AS_SPECIFIED, NOT_FOLLOWED)
            else f"{verdict} ({rule.rfc_method} expected)",
            "RFC 9110 rule": f"{cite(_CODE_KEYS[before.status]).short}: {rule.rfc_rule}",
            "Fetch": ("as Fetch says" if observed == rule.fetch_method
                      else f"Fetch sends {rule.fetch_method}" if observed
                      else NOT_FOLLOWED),
            "Fetch rule": f"{fetch}: {rule.fetch_rule}",
            "body": body, "Authorization": authorization,
        })
    return rows


# -- reproducing it -------------------------------------------------------------------

@dataclass(frozen=True)
class Reproduction:
    """The same experiment three ways. The URLs are written with the servers' names
    (``lab.servers['other'].url`` in Python, ``$OTHER`` in the shell and ``fetch()``), so
    the text is the same on every run; :func:`shell_variables` gives their values."""

    python: str
    curl: str
    fetch: str

    def _repr_markdown_(self) -> str:
        return "\n".join([f"```python\n{self.python}\n```", f"```sh\n{self.curl}\n```",
                          f"```js\n{self.fetch}\n```"])


def shell_variables(where: CredentialLab | None = None) -> dict[str, str]:
    """The variables the curl line and ``fetch()`` call read: each server's base URL, and
    ``LAB_CA``, the certificate authority the https server's certificate comes from."""
    where = where or lab()
    return {**{SERVER_VARIABLES[name]: server.url for name, server in where.servers.items()},
            "LAB_CA": str(where.certificates.ca_file)}


def _python(state: PlaygroundState, client: str) -> str:
    names = list(dict.fromkeys(chain(state)))
    path = _path(state, {name: f"{{lab.servers[{name!r}].url}}" for name in names})
    body = BODIES[state.body][0]
    make = ("playground.stream_client" if state.body == "stream" else "labserver.make_client")
    lines = ["import labserver", "from labserver import playground", "",
             "lab = playground.lab()  # the playground's servers: lab, other, other-host, "
             "lab-tls",
             f"client = {make}({client!r}, tls=lab.certificates)",
             "seen = labserver.observe(client, labserver.Request(",
             f"    {state.method!r}, f{path!r},",
             f"    {body!r}, {state.headers()!r}),",
             f"    ({''.join(f'lab.servers[{n!r}], ' for n in names)}))",
             "client.close()",
             "labserver.hops_frame(seen.hops, seen.servers)"]
    return "\n".join(lines)


def _url_in_variables(state: PlaygroundState) -> str:
    names = chain(state)
    variables = {name: "${" + SERVER_VARIABLES[name] + "}" for name in names}
    return variables[names[0]] + _path(state, variables)


_URL, _CA = "\x00url", "\x00ca"


def _curl(state: PlaygroundState) -> str:
    body = BODIES[state.body][0]
    stream = state.body == "stream"
    ca = _CA if "lab-tls" in chain(state) else None
    args = curl_command("curl -T" if stream else "curl", state.method, _URL, body,
                        dict(state.headers()), "-", ca)
    words = [f'"{_url_in_variables(state)}"' if a == _URL else '"$LAB_CA"' if a == _CA
             else shlex.quote(a) for a in args]
    line = " ".join(words)
    if stream:
        line = f"printf %s {shlex.quote((body or b'').decode())} | {line}"
    return line


def _fetch(state: PlaygroundState) -> str:
    body = BODIES[state.body][0]
    options = [f"  method: {json.dumps(state.method)},"]
    if state.headers():
        options.append(f"  headers: {json.dumps(dict(state.headers()))},")
    if state.body == "stream":
        options += [f"  body: new Blob([{json.dumps((body or b'').decode())}]).stream(),",
                    '  duplex: "half",  // a stream: Fetch cannot send it twice']
    elif body is not None:
        options.append(f"  body: {json.dumps(body.decode())},")
    options.append('  redirect: "follow",')
    if state.cookie:
        options.append("  // a browser leaves out a Cookie set by hand (a forbidden header "
                       "name); Node.js sends it")
    return "\n".join([f"const response = await fetch(`{_url_in_variables(state)}`, {{",
                      *options, "});", "console.log(response.status, response.url);"])


def reproduce(state: PlaygroundState, client: str = "") -> Reproduction:
    """``state``'s experiment as a Python snippet for ``client`` (the diagram's client by
    default) through :func:`labserver.observe`, a curl command line and a ``fetch()`` call."""
    validate(state)
    client = client or state.diagram_client
    if state.body == "stream" and client not in STREAM_CLIENTS:
        client = STREAM_CLIENTS[0]  # the others cannot be handed a stream here
    return Reproduction(_python(state, client), _curl(state), _fetch(state))
