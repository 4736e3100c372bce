"""The default-port experiment (http on port 80 → https on 443), without administrator rights.

Ports below 1024 are privileged, so most learners could only read the lesson that needs
ports 80 and 443. On Linux an unprivileged user may create a user namespace with a
network stack of its own (``unshare --user --map-root-user --net``): inside it, the
learner is root of a private loopback, where 80 and 443 are free and nothing outside
can reach them. When this process cannot bind the ports, the experiment runs in a child
process there, every server and client inside it, and sends its table back. Either way
the table comes from the same code and the same journal.
"""

from __future__ import annotations

import errno
import json
import shutil
import socket
import struct
import subprocess
import sys
from collections.abc import Sequence
from io import StringIO

import pandas as pd

from ..children import run_child
from ..clients import BROWSERS, CLIENTS, open_browsers
from ..server.lab import LOOPBACK
from .credentials import DEFAULT_PORT_SCENARIOS, CredentialLab, run_credentials
from .matrix import run_clients

PRIVATE_NETWORK = ("unshare", "--user", "--map-root-user", "--net")
"""A new user namespace (this user mapped to root) with its own network, loopback only."""

TIMEOUT_SECONDS = 300


def _cannot_bind_here() -> str | None:
    """Why this process may not listen on 127.0.0.1 ports 80 and 443, or None.

    A question of permission, not of the moment: a port another lab process holds right
    now (a parallel test, say) is one this process may use once it is free, and
    :class:`CredentialLab` waits for it.
    """
    for port in (80, 443):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            try:
                probe.bind((LOOPBACK, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                return (f"cannot listen on 127.0.0.1:{port} ({exc.strerror}): binding ports "
                        "below 1024 needs administrator rights")
    return None


def _no_private_network() -> str | None:
    """Why no private network namespace can be made here, or None."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return "no private network namespace (Linux's unshare, from util-linux) either"
    try:
        done = subprocess.run([unshare, *PRIVATE_NETWORK[1:], "true"], capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return f"unshare failed: {problem}"
    if done.returncode:
        return ("this system does not let an ordinary user make a private network "
                f"namespace ({done.stderr.strip() or 'unshare exit ' + str(done.returncode)})")
    return None


def default_ports_unavailable() -> str | None:
    """Why the default-port experiment cannot run on this machine at all, or None."""
    here = _cannot_bind_here()
    if here is None:
        return None
    elsewhere = _no_private_network()
    return None if elsewhere is None else f"{here}, and {elsewhere}"


def where_default_ports() -> str:
    """Where :func:`run_on_default_ports` will run: the environment check shows it."""
    if _cannot_bind_here() is None:
        return "can be bound here"
    return "in a private network namespace (unshare), without administrator rights"


def run_on_default_ports(scenarios: Sequence[str] = tuple(DEFAULT_PORT_SCENARIOS),
                         names: Sequence[str] = tuple(CLIENTS), *,
                         isolate: bool | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """:func:`run_credentials` for ``scenarios`` on ports 80 and 443, for each client named.

    Runs in this process where the ports can be bound, else (or with ``isolate=True``)
    in a private network namespace. Returns the tidy frame and the clients skipped, with
    why; if neither place is possible every client is skipped with the reason.
    """
    if isolate is None:
        isolate = _cannot_bind_here() is not None
    if not isolate:
        return _run_here(scenarios, names)
    reason = _no_private_network()
    if reason:
        why = default_ports_unavailable() or reason  # the ports may be bindable, if not asked to
        return pd.DataFrame(), {name: why for name in names}
    command = [shutil.which("unshare") or "unshare", *PRIVATE_NETWORK[1:], sys.executable,
               "-m", "labserver", "default-ports", *(f"--scenario={s}" for s in scenarios),
               *(f"--client={n}" for n in names)]
    done = run_child(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if done.returncode:
        raise RuntimeError(f"the default-port experiment failed in its private network:\n"
                           f"{done.stderr.strip()}")
    return from_json(done.stdout)


def _run_here(scenarios: Sequence[str], names: Sequence[str]) -> tuple[pd.DataFrame,
                                                                          dict[str, str]]:
    with CredentialLab(default_ports=True) as lab:
        engines = [engine for engine in BROWSERS if engine in names]
        browsers = open_browsers(*engines, tls=lab.certificates) if engines else {}
        try:
            return run_clients(lab, tuple(names), clients=dict(browsers),
                               runner=run_credentials, tls=lab.certificates,
                               scenarios=tuple(scenarios))
        finally:
            for browser in browsers.values():
                browser.close()


def bring_loopback_up() -> None:
    """Inside a new network namespace loopback starts down: set it up (SIOCSIFFLAGS)."""
    import fcntl  # Linux only, as namespaces are

    get_flags, set_flags, up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(handle, get_flags, request)[:18])[1]
        fcntl.ioctl(handle, set_flags, struct.pack("16sH", b"lo", flags | up))


def to_json(frame: pd.DataFrame, skipped: dict[str, str]) -> str:
    """What the child process prints for :func:`from_json`."""
    return json.dumps({"frame": frame.to_json(orient="split"), "skipped": skipped})


def from_json(text: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame and skipped clients the child process printed, with the frame's types."""
    sent = json.loads(text)
    frame = pd.read_json(StringIO(sent["frame"]), orient="split")
    if "final_status" in frame:
        frame = frame.astype({"final_status": "Int64"})
    return frame, dict(sent["skipped"])
