"""SSRF through a redirect: a server-side fetcher that checks the URL it is given, and
then follows a redirect to an address it would never have accepted.

A "link preview" or "import from URL" feature fetches whatever URL a user names. Such a
fetcher must refuse internal addresses (a cloud's metadata endpoint, 169.254.169.254,
hands out credentials to whoever asks from inside). Checking the URL once is not enough:
the attacker names a public URL that *redirects* inside. On loopback, three lab servers
play the parts: ``attacker`` (a public site the attacker controls), ``metadata`` (the
internal endpoint, with a made-up credential) and the fetcher runs in this kernel.

Every address here is on loopback, so "internal" cannot be told by address ranges as a
real check does (resolve the host, refuse private, loopback and link-local addresses);
the fetchers are given the internal origins to refuse instead, standing in for them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection
from types import TracebackType
from urllib.parse import urljoin

import httpx
import pandas as pd
from flask import Blueprint, Response, jsonify

from ..clients.base import Client, Outcome, loopback_httpx
from ..server.lab import LabServer
from ..server.targets import origin_of
from .observe import Request, aliased, observe

METADATA_PATH = "/latest/meta-data/iam/security-credentials/lab-role"
"""Where the stand-in metadata endpoint keeps its credential (the path AWS's instance
metadata service uses, with a made-up role name)."""

FAKE_CREDENTIAL = {"AccessKeyId": "LAB-FAKE-ACCESS-KEY", "SecretAccessKey": "lab-fake-secret"}
"""What the stand-in endpoint hands out: made up, and served only on loopback."""

MAX_HOPS = 5
"""How many redirects the fetchers that follow by hand accept."""


class InternalAddress(Exception):
    """The fetcher refused a URL that points inside."""


def refuse_internal(url: str, internal: Collection[str]) -> None:
    """Raise :class:`InternalAddress` if ``url``'s origin is one of ``internal``."""
    if origin_of(url) in internal:
        raise InternalAddress(f"refused: {url} is an internal address")


class Fetcher(Client):
    """A server-side feature that fetches a URL a user gave it, with its own check.

    It is a :class:`Client` so that :func:`observe` measures it like every other client:
    the journals show where its requests went, whatever it said it checked.
    """

    def __init__(self, internal: Collection[str]) -> None:
        self.internal = frozenset(internal)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        try:
            with loopback_httpx() as http:
                return Outcome(self.fetch(http, url).status_code)
        except InternalAddress as refused:
            return Outcome(None, "InternalAddress", str(refused))

    @abstractmethod
    def fetch(self, http: httpx.Client, url: str) -> httpx.Response:
        """Fetch ``url`` with ``http`` (not yet following redirects), checking as this
        fetcher checks; raise :class:`InternalAddress` to refuse."""


class FirstUrlOnly(Fetcher):
    """Checks the URL it was given, then lets the client follow wherever it is sent."""

    name = "checks the URL it was given"
    rule = "the check runs once, before the first request"

    def fetch(self, http: httpx.Client, url: str) -> httpx.Response:
        refuse_internal(url, self.internal)
        return http.get(url, follow_redirects=True)


class CheckAfterwards(Fetcher):
    """Follows, then looks at where it ended up: the request inside was already sent."""

    name = "checks where it ended up"
    rule = "the check runs on response.url, after every request"

    def fetch(self, http: httpx.Client, url: str) -> httpx.Response:
        refuse_internal(url, self.internal)
        answer = http.get(url, follow_redirects=True)
        refuse_internal(str(answer.url), self.internal)
        return answer


class EveryHopHook(Fetcher):
    """Checks every request the client is about to send, redirects included, with an
    httpx ``request`` event hook."""

    name = "checks every hop (httpx event hook)"
    rule = "httpx calls request hooks before sending each request, redirects included"

    def fetch(self, http: httpx.Client, url: str) -> httpx.Response:
        def check(request: httpx.Request) -> None:
            refuse_internal(str(request.url), self.internal)

        http.event_hooks = {"request": [check]}
        return http.get(url, follow_redirects=True)


class FollowByHand(Fetcher):
    """Does not let the client follow: reads each ``Location`` and checks it first."""

    name = "follows by hand, checking each Location"
    rule = f"redirects are followed by the fetcher, at most {MAX_HOPS}, each target checked"

    def fetch(self, http: httpx.Client, url: str) -> httpx.Response:
        for _ in range(MAX_HOPS + 1):
            refuse_internal(url, self.internal)
            answer = http.get(url, follow_redirects=False)
            if not answer.is_redirect:
                return answer
            url = urljoin(url, answer.headers["location"])
        raise InternalAddress(f"refused: more than {MAX_HOPS} redirects")


FETCHERS: tuple[type[Fetcher], ...] = (FirstUrlOnly, CheckAfterwards, EveryHopHook,
                                       FollowByHand)
"""The fetchers of episode 15, from the vulnerable one to the two fixes."""


def _metadata_endpoint() -> Blueprint:
    endpoint = Blueprint("metadata", __name__)

    @endpoint.route(METADATA_PATH)
    def credential() -> Response:
        return jsonify(FAKE_CREDENTIAL)

    return endpoint


class SsrfLab:
    """Two lab servers: ``attacker`` (public, redirects wherever it likes) and
    ``metadata`` (internal, hands out :data:`FAKE_CREDENTIAL`)."""

    def __init__(self) -> None:
        self.attacker = LabServer(name="attacker")
        self.metadata = LabServer(name="metadata")
        self.metadata.app.register_blueprint(_metadata_endpoint())

    @property
    def servers(self) -> tuple[LabServer, LabServer]:
        return self.attacker, self.metadata

    @property
    def internal(self) -> frozenset[str]:
        """The origins a fetcher must refuse (here, the metadata server's)."""
        return frozenset({self.metadata.origin})

    def urls(self) -> dict[str, tuple[LabServer, str]]:
        """What a user asks the fetcher for: a server and a path on it."""
        inside = self.metadata.url + METADATA_PATH
        return {
            "a public page": (self.attacker, "/echo"),
            "the metadata URL itself": (self.metadata, METADATA_PATH),
            "a public URL that answers 302 to the metadata URL":
                (self.attacker, f"/redirect/302?to={inside}"),
            "a public URL that answers 307 to the metadata URL":
                (self.attacker, f"/redirect/307?to={inside}"),
        }

    def start(self) -> SsrfLab:
        for server in self.servers:
            server.start()
        self.attacker.allow_redirects_to(self.metadata)
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def __enter__(self) -> SsrfLab:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def ssrf_attempts(lab: SsrfLab,
                  fetchers: Collection[type[Fetcher]] = FETCHERS) -> pd.DataFrame:
    """Each fetcher asked for each of :meth:`SsrfLab.urls`: where its requests went (the
    journals) and what it handed back."""
    rows, urls = [], lab.urls()
    for kind in fetchers:
        fetcher = kind(lab.internal)
        for asked, (server, path) in urls.items():
            others = tuple(s for s in lab.servers if s is not server)
            seen = observe(fetcher, Request("GET", path), (server, *others))
            inside = [hop for hop in seen.hops if hop.server == lab.metadata.name]
            rows.append({
                "fetcher": fetcher.name, "asked for": asked,
                "URL": aliased(server.url + path, lab.servers),
                "hops (journals)": seen.describe() or "(nothing sent)",
                "metadata server got a request": bool(inside),
                "credential handed out": any(hop.status == 200 for hop in inside),
                "fetcher answered": (f"{seen.result.error}" if seen.result.error
                                     else str(seen.result.status)),
            })
    return pd.DataFrame(rows).set_index(["fetcher", "asked for"])
