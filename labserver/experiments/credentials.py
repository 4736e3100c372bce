"""Credentials across redirects: four lab servers, two origins each way.

A redirect can carry your ``Authorization`` header and cookies to a host you never
meant to trust. To see which clients let that happen, the lab runs four servers on
loopback, each its own origin (scheme, host and port):

* ``lab`` (http) and ``other`` (http, another port): same-origin and cross-origin;
* ``lab-tls`` (https, with a certificate from a throwaway CA): https → http downgrade
  to ``lab``, and http → https upgrade from ``lab``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import pandas as pd

from ..clients import Client
from ..server.lab import LabServer
from ..server.tls import LabCertificates
from .matrix import Experiment, observe_experiment, run_matrix
from .observe import COLUMNS

CREDENTIALS = {"Authorization": "Bearer lab-secret-token", "Cookie": "session=lab-secret"}
"""Sent with every request of a credentials experiment: made-up secrets, loopback only."""

SCENARIOS: dict[str, tuple[str, str]] = {
    "same-origin": ("lab", "lab"),
    "cross-origin": ("lab", "other"),
    "https-downgrade": ("lab-tls", "lab"),
    "https-upgrade": ("lab", "lab-tls"),
}
"""Each scenario: the server that answers the redirect, and the one it points at."""


DEFAULT_PORT_SCENARIOS: dict[str, tuple[str, str]] = {
    "https-upgrade, ports 80 → 443": ("lab", "lab-tls"),
    "https-downgrade, ports 443 → 80": ("lab-tls", "lab"),
}
"""The one redirect some clients exempt (same host, http on port 80 to https on port 443),
and its mirror image, which none may."""


def _hold_default_ports() -> IO[bytes] | None:
    """Wait until no other process of this lab holds ports 80 and 443, then hold them.

    Two test workers (pytest -n) may both want the default ports; a lock file makes the
    second wait instead of failing. (On systems without fcntl, nothing is locked.)
    """
    try:
        import fcntl
    except ImportError:
        return None
    handle = open(Path(tempfile.gettempdir(), "redirect-lab-ports-80-443.lock"), "ab")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


class CredentialLab:
    """The servers of the credentials lesson, started together, each trusting the others
    as redirect targets. Use it as a context manager.

    By default: ``lab`` and ``other`` (http) and ``lab-tls`` (https), on ports the OS
    picks. With ``default_ports=True``: ``lab`` on port 80 and ``lab-tls`` on port 443,
    for the scenarios where that matters (see :mod:`labserver.experiments.default_ports`).
    """

    def __init__(self, *, default_ports: bool = False) -> None:
        self.certificates = LabCertificates()
        self._ports_lock: IO[bytes] | None = None
        if default_ports:
            self.scenarios = DEFAULT_PORT_SCENARIOS
            self.servers = {
                "lab": LabServer(name="lab", port=80),
                "lab-tls": LabServer(name="lab-tls", port=443, tls=self.certificates),
            }
        else:
            self.scenarios = SCENARIOS
            self.servers = {
                "lab": LabServer(name="lab"),
                "other": LabServer(name="other"),
                "lab-tls": LabServer(name="lab-tls", tls=self.certificates),
            }

    def start(self) -> CredentialLab:
        """Start the servers, each allowed to redirect to all of them."""
        if self.scenarios is DEFAULT_PORT_SCENARIOS:
            self._ports_lock = _hold_default_ports()
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
        if self._ports_lock is not None:
            self._ports_lock.close()  # closing the file releases the lock
            self._ports_lock = None

    def __enter__(self) -> CredentialLab:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def describe(self) -> pd.DataFrame:
        """The servers as a learner needs to see them: name, scheme, and which are one origin."""
        lab = self.servers["lab"]
        return pd.DataFrame([{
            "server": s.name, "scheme": s.scheme, "host": s.host,
            "port": str(s.port) if s.port in (80, 443) else "its own, picked by the OS",
            "same origin as lab": s.origin == lab.origin,
        } for s in self.servers.values()]).set_index("server")

    def pair(self, scenario: str) -> tuple[LabServer, LabServer]:
        """The redirecting server and the target server of ``scenario``."""
        if scenario not in self.scenarios:
            raise ValueError(f"unknown scenario {scenario!r}; choose one of: "
                             f"{', '.join(self.scenarios)}")
        start, target = self.scenarios[scenario]
        return self.servers[start], self.servers[target]


def run_credentials(lab: CredentialLab, client: Client, *, code: int = 302,
                    scenarios: Sequence[str] | None = None) -> pd.DataFrame:
    """A GET carrying Authorization and Cookie through a ``code`` redirect, per scenario
    (all of the lab's unless ``scenarios`` names some)."""
    rows = []
    experiment = Experiment(code, "GET", headers=tuple(CREDENTIALS.items()))
    for scenario in scenarios or tuple(lab.scenarios):
        start, target = lab.pair(scenario)
        seen = observe_experiment(start, client, experiment, to=target)
        rows.append({**seen.row(code), "scenario": scenario,
                     "cookie_arrived": seen.header_arrived("Cookie")})
    return pd.DataFrame(rows, columns=[*COLUMNS, "scenario", "cookie_arrived"]
                        ).astype({"final_status": "Int64"})


def run_scenario_matrix(lab: CredentialLab, client: Client, scenario: str) -> pd.DataFrame:
    """The 35 experiments of ``scenario``, every request carrying Authorization."""
    start, target = lab.pair(scenario)
    return run_matrix(start, client, to=target,
                      headers={"Authorization": CREDENTIALS["Authorization"]})
