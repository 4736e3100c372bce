"""Credentials across redirects: four lab servers, two origins each way.

A redirect can carry your ``Authorization`` header and cookies to a host you never
meant to trust. To see which clients let that happen, the lab runs four servers on
loopback, each its own origin (scheme, host and port):

* ``lab`` (http) and ``other`` (http, another port): same-origin and cross-origin;
* ``lab-tls`` (https, with a certificate from a throwaway CA): https → http downgrade
  to ``lab``, and http → https upgrade from ``lab``.
"""

from __future__ import annotations

from types import TracebackType

import pandas as pd

from .clients import Client
from .experiments import Experiment, run_experiment, run_matrix, tidy
from .server import LabServer
from .tls import LabCertificates

CREDENTIALS = {"Authorization": "Bearer lab-secret-token", "Cookie": "session=lab-secret"}
"""Sent with every request of a credentials experiment: made-up secrets, loopback only."""

SCENARIOS: dict[str, tuple[str, str]] = {
    "same-origin": ("lab", "lab"),
    "cross-origin": ("lab", "other"),
    "https-downgrade": ("lab-tls", "lab"),
    "https-upgrade": ("lab", "lab-tls"),
}
"""Each scenario: the server that answers the redirect, and the one it points at."""


class CredentialLab:
    """The four servers of the credentials lesson, started together, each trusting the others
    as redirect targets. Use it as a context manager."""

    def __init__(self) -> None:
        self.certificates = LabCertificates()
        self.servers = {
            "lab": LabServer(name="lab"),
            "other": LabServer(name="other"),
            "lab-tls": LabServer(name="lab-tls", tls=self.certificates),
        }

    def start(self) -> CredentialLab:
        """Start the servers, each allowed to redirect to all of them."""
        for server in self.servers.values():
            server.start()
        for server in self.servers.values():
            server.allow_redirects_to(*self.servers.values())
        return self

    def stop(self) -> None:
        """Stop the servers and delete the throwaway CA."""
        for server in self.servers.values():
            server.stop()
        self.certificates.close()

    def __enter__(self) -> CredentialLab:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def describe(self) -> pd.DataFrame:
        """The servers as a learner needs to see them: name, scheme, and which are one origin."""
        lab = self.servers["lab"]
        return pd.DataFrame([{
            "server": s.name, "URL": f"{s.scheme}://{s.host}:<its own port>",
            "same origin as lab": s.origin == lab.origin,
        } for s in self.servers.values()]).set_index("server")

    def pair(self, scenario: str) -> tuple[LabServer, LabServer]:
        """The redirecting server and the target server of ``scenario``."""
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; choose one of: "
                             f"{', '.join(SCENARIOS)}")
        start, target = SCENARIOS[scenario]
        return self.servers[start], self.servers[target]


def run_credentials(lab: CredentialLab, client: Client, *, code: int = 302) -> pd.DataFrame:
    """A GET carrying Authorization and Cookie through a ``code`` redirect, per scenario."""
    rows = []
    for scenario in SCENARIOS:
        start, target = lab.pair(scenario)
        experiment = Experiment(code, "GET", headers=tuple(CREDENTIALS.items()))
        with target.journal.watch() as arrived:
            row = run_experiment(start, client, experiment, to=target)
        final = next((h for h in arrived if h.path == experiment.target), None)
        rows.append({"scenario": scenario, **row,
                     "cookie_arrived": bool(final and "Cookie" in final.headers)})
    frame = tidy(rows)
    return frame.assign(scenario=[r["scenario"] for r in rows],
                        cookie_arrived=[r["cookie_arrived"] for r in rows])


def run_scenario_matrix(lab: CredentialLab, client: Client, scenario: str) -> pd.DataFrame:
    """The 35 experiments of ``scenario``, every request carrying Authorization."""
    start, target = lab.pair(scenario)
    return run_matrix(start, client, to=target,
                      headers={"Authorization": CREDENTIALS["Authorization"]})
