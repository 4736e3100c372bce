"""Credentials across redirects: four lab servers, each its own origin.

A redirect can carry your ``Authorization`` header and cookies to a host you never
meant to trust. To see which clients let that happen, the lab runs four servers on
loopback, each its own origin (scheme, host and port):

* ``lab`` (http on 127.0.0.1) and ``other`` (the same host, another port): same-origin
  and cross-port;
* ``other-host`` (http on 127.0.0.2, **the same port as lab**): cross-host, where only
  the host differs. Linux routes all of 127.0.0.0/8 to loopback; where only 127.0.0.1
  exists (macOS) the scenario is skipped with the reason;
* ``lab-tls`` (https, with a certificate from a throwaway CA): https → http downgrade
  to ``lab``, and http → https upgrade from ``lab``.

Clients compare different parts of the origin (scheme, host, port) before they forward
a credential, and a cookie jar ignores the port altogether: the two cross-origin
scenarios are where those rules part.
"""

from __future__ import annotations

import errno
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import pandas as pd

from ..clients import Client
from ..server.lab import LabServer
from ..server.tls import LabCertificates
from ..vocabulary import JAR_COOKIE, JAR_PATH
from .matrix import Experiment, observe_experiment, run_matrix
from .observe import COLUMNS

CREDENTIALS = {"Authorization": "Bearer lab-secret-token", "Cookie": "session=lab-secret",
               "X-API-Key": "lab-secret-key"}
"""Sent with every request of a credentials experiment: made-up secrets, loopback only."""

SECOND_HOST = "127.0.0.2"
"""Another loopback address: a host that differs from 127.0.0.1 and nothing else."""

SCENARIOS: dict[str, tuple[str, str]] = {
    "same-origin": ("lab", "lab"),
    "cross-port": ("lab", "other"),
    "cross-host": ("lab", "other-host"),
    "https-downgrade": ("lab-tls", "lab"),
    "https-upgrade": ("lab", "lab-tls"),
}
"""Each scenario: the server that answers the redirect, and the one it points at."""

ARRIVED = {"authorization_arrived": ("Authorization", CREDENTIALS["Authorization"]),
           "cookie_arrived": ("Cookie", CREDENTIALS["Cookie"]),
           "api_key_arrived": ("X-API-Key", CREDENTIALS["X-API-Key"]),
           "jar_cookie_arrived": ("Cookie", JAR_COOKIE)}
"""Each column of :func:`run_credentials`: the header and the secret it looks for at the
target (a ``Cookie`` header may carry the hand-set cookie, the jar's, or both)."""


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
    With ``certificates`` (say :meth:`LabCertificates.shared`, which browsers already
    trust) its https server uses them, and they outlive it; otherwise it makes its own.
    """

    def __init__(self, *, default_ports: bool = False,
                 certificates: LabCertificates | None = None) -> None:
        self._own_certificates = certificates is None
        self.certificates = certificates or LabCertificates()
        self._ports_lock: IO[bytes] | None = None
        self.skipped: dict[str, str] = {}
        """Scenarios this machine cannot run, with the reason."""
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
        if self.scenarios is SCENARIOS:
            self._start_second_host()
        for server in self.servers.values():
            server.allow_redirects_to(*self.servers.values())
        return self

    def _start_second_host(self) -> None:
        """``other-host``: lab's port on :data:`SECOND_HOST`, so that only the host differs.

        The port is free on 127.0.0.1 only because lab holds it; on 127.0.0.2 another
        program may hold it, so lab moves to a new port and tries again.
        """
        for _ in range(5):
            server = LabServer(SECOND_HOST, self.servers["lab"].port, name="other-host")
            try:
                server.start()
            except OSError as problem:
                if problem.errno == errno.EADDRINUSE or "in use" in str(problem):
                    self.servers["lab"].stop()
                    self.servers["lab"] = LabServer(name="lab").start()
                    continue
                self.scenarios = {k: v for k, v in SCENARIOS.items() if k != "cross-host"}
                self.skipped["cross-host"] = (
                    f"this machine has no loopback address {SECOND_HOST} (only 127.0.0.1, "
                    f"as on macOS; `sudo ifconfig lo0 alias {SECOND_HOST}` adds it): {problem}")
                return
            self.servers["other-host"] = server
            return
        raise RuntimeError(f"no port was free on both 127.0.0.1 and {SECOND_HOST}")

    def stop(self) -> None:
        """Stop the servers and delete the throwaway CA (unless it was handed in)."""
        for server in self.servers.values():
            server.stop()
        if self._own_certificates:
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
            "port": (str(s.port) if s.port in (80, 443) else "lab's" if s.port == lab.port
                     else "its own, picked by the OS"),
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
    """A GET carrying :data:`CREDENTIALS` through a ``code`` redirect that also stores
    a cookie in the client's jar, per scenario (all of the lab's unless ``scenarios``
    names some): which secrets reached the target (the columns of :data:`ARRIVED`)."""
    rows = []
    experiment = Experiment(code, "GET", target=JAR_PATH, headers=tuple(CREDENTIALS.items()),
                            options="set_cookie=yes")
    for scenario in scenarios or tuple(lab.scenarios):
        start, target = lab.pair(scenario)
        seen = observe_experiment(start, client, experiment, to=target)
        rows.append({**seen.row(code), "scenario": scenario,
                     **{column: seen.value_arrived(*header)
                        for column, header in ARRIVED.items()}})
    return pd.DataFrame(rows, columns=[*COLUMNS, "scenario",
                                       *(column for column in ARRIVED if column not in COLUMNS)]
                        ).astype({"final_status": "Int64"})


def run_scenario_matrix(lab: CredentialLab, client: Client, scenario: str) -> pd.DataFrame:
    """The 35 experiments of ``scenario``, every request carrying Authorization."""
    start, target = lab.pair(scenario)
    return run_matrix(start, client, to=target,
                      headers={"Authorization": CREDENTIALS["Authorization"]})
