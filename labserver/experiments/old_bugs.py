"""Old bugs, replayed: the same experiment against the release before a fix and the
release with it, each in its own environment, read from the lab servers' journals.

Each :class:`OldBug` names its CVE, the two releases, where the redirect goes, and the
one thing the journal must show for the leak (a header at the second server, or a body
after a switch to GET).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..clients.old_versions import (
    CGI_SHIM,
    OLD_RELEASES,
    OldReleaseClient,
    install_old_releases,
)
from ..server.lab import LabServer
from ..server.proxy import RecordingProxy
from .credentials import CredentialLab
from .observe import Observation, Request, describe_hops, observe

PROXY_USER = "lab-user:proxy-secret"
"""The credential of the proxy in the Proxy-Authorization replay (made up): the lesson
shows it as it arrived at the server, so it is the same on every run."""


@dataclass(frozen=True)
class OldBug:
    """One fixed bug: what it leaked, through which redirect, in which releases."""

    cve: str
    leak: str
    """What crossed, in the lesson's words."""
    before: str
    after: str
    """The release just before the fix and the release with it (keys of OLD_RELEASES)."""
    start: str
    """The lab server the request is sent to first."""
    redirect_to: str
    """The lab server the redirect points at (the same one for a 303 on the same server)."""
    code: int
    secret: str
    """What must not cross: a header's name, or ``body`` (the POST's body on the GET)."""
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    through_proxy: bool = False
    """Sent through a loopback proxy (with credentials in its URL) that only tunnels https."""
    citation: str = ""

    def arrived(self, seen: Observation) -> str:
        """What the server after the redirect received of the secret, in the journal's
        words: the header as it arrived, or the method and the body's size."""
        final = seen.reached
        if final is None:
            return "(not reached)"
        if self.secret == "body":
            return f"{final.method} with a {final.body_length}-byte body" if final.body_length \
                else f"{final.method} without a body"
        value = final.headers.get(self.secret.title())
        return f"{self.secret}: {value}" if value is not None else f"no {self.secret}"

    def leaked(self, seen: Observation) -> bool:
        """Whether the journal shows the secret at the request after the redirect."""
        final = seen.reached
        if final is None:
            return False
        if self.secret == "body":
            return final.method == "GET" and bool(final.body_length)
        return seen.header_arrived(self.secret)

OLD_BUGS = (
    OldBug("CVE-2018-18074", "Authorization kept on an https → http redirect to the same host",
           "requests 2.19.1", "requests 2.20.0", "lab-tls", "lab", 302, "Authorization",
           headers=(("Authorization", "Bearer lab-token"),), citation="cve-2018-18074"),
    OldBug("CVE-2023-32681", "Proxy-Authorization sent inside the tunnel to the https server",
           "requests 2.30.0", "requests 2.31.0", "lab", "lab-tls", 302, "Proxy-Authorization",
           through_proxy=True,
           citation="cve-2023-32681"),
    OldBug("CVE-2023-43804", "Cookie kept on a redirect to another origin",
           "urllib3 1.26.16", "urllib3 1.26.18", "lab", "other", 302, "Cookie",
           headers=(("Cookie", "session=lab-cookie"),), citation="cve-2023-43804"),
    OldBug("CVE-2023-45803", "the body kept on the GET after a 303",
           "urllib3 1.26.16", "urllib3 1.26.18", "lab", "lab", 303, "body", method="POST",
           body=b"password=lab-secret", citation="cve-2023-45803"),
)


def _path(bug: OldBug, servers: dict[str, LabServer]) -> str:
    target = servers[bug.redirect_to]
    to = "" if target is servers[bug.start] else f"?to={target.url}/echo"
    return f"/redirect/{bug.code}{to}"


def replay(bug: OldBug, lab: CredentialLab, proxy: RecordingProxy | None = None
           ) -> list[dict[str, object]]:
    """Run ``bug``'s experiment with the release before the fix and the one with it."""
    servers = lab.servers
    start = servers[bug.start]
    order = (start,) if servers[bug.redirect_to] is start else (start, servers[bug.redirect_to])
    proxy_url = None
    if bug.through_proxy:
        if proxy is None:
            raise ValueError(f"{bug.cve} is replayed through a proxy; pass one")
        proxy_url = proxy.url  # its credential is PROXY_USER (see replay_old_bugs)
    rows = []
    for release in dict.fromkeys((bug.before, bug.after)):
        client = OldReleaseClient(OLD_RELEASES[release], tls=lab.certificates, proxy=proxy_url)
        seen = observe(client, Request(bug.method, _path(bug, servers), bug.body, bug.headers,
                                       target="/echo"), order)
        rows.append({"CVE": bug.cve, "leak": bug.leak, "release": release,
                     "fixed": release == bug.after, "leaked": bug.leaked(seen),
                     "after the redirect": bug.arrived(seen),
                     "hops": describe_hops(seen.hops, order), "ended": seen.result.error
                     or str(seen.result.status)})
    return rows


def replay_old_bugs(lab: CredentialLab, bugs: tuple[OldBug, ...] = OLD_BUGS) -> pd.DataFrame:
    """Every bug of ``bugs``, before and after its fix: one row per release."""
    rows: list[dict[str, object]] = []
    with RecordingProxy(tls=lab.certificates, intercept=False,
                        credential=PROXY_USER) as proxy:
        for bug in bugs:
            rows += replay(bug, lab, proxy)
    return pd.DataFrame(rows).set_index(["CVE", "release"])


DIRECTIONS = {
    "http → https": ("lab", "lab-tls"),
    "https → http": ("lab-tls", "lab"),
    "https → https": ("lab-tls", "lab-tls"),
    "http → http": ("lab", "lab"),
}
"""Where a redirect goes, as (first server, redirect target) of a :class:`CredentialLab`."""


def proxy_leak_by_direction(lab: CredentialLab, release: str = "requests 2.30.0"
                            ) -> pd.DataFrame:
    """CVE-2023-32681's experiment in every direction, with ``release``: where the
    ``Proxy-Authorization`` of the proxy URL reached the server after the redirect."""
    bug = next(b for b in OLD_BUGS if b.cve == "CVE-2023-32681")
    rows = []
    with RecordingProxy(tls=lab.certificates, intercept=False,
                        credential=PROXY_USER) as proxy:
        for direction, (start, to) in DIRECTIONS.items():
            variant = replace(bug, start=start, redirect_to=to, before=release, after=release)
            row = replay(variant, lab, proxy)[0]
            rows.append({"direction": direction, "leaked": row["leaked"],
                         "after the redirect": row["after the redirect"], "hops": row["hops"]})
    return pd.DataFrame(rows).set_index("direction")


def old_releases_table() -> pd.DataFrame:
    """Every old release the lab replays, with the exact packages its environment gets
    (the shim a newer Python needs included), installing any not cached yet."""
    install_old_releases()
    return pd.DataFrame([{"release": r.name, "pinned with it": " ".join(r.pins),
                          "on Python 3.13 and later, also": CGI_SHIM if r.imports_cgi else ""}
                         for r in OLD_RELEASES.values()]).set_index("release")
