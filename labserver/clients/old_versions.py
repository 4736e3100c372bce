"""Old releases of real libraries, each in a virtual environment of its own, as clients.

A security fix is easiest to believe when the same experiment runs against the release
before it and the release with it. Each :class:`OldRelease` is installed once, with
exact pins, into a virtual environment in the lab's cache folder (one per Python
version, since a release may need a shim on a newer Python), and sent requests through
a small driver script run by that environment's interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..children import run_child
from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, ClientUnavailable, Outcome

CACHE_HOME = Path(os.environ.get("REDIRECT_LAB_CACHE",
                                 Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                 / "redirect-lab"))
"""Where the old releases' environments are kept (``REDIRECT_LAB_CACHE`` overrides)."""

DRIVER = Path(__file__).with_name("old_versions_driver.py")
"""The script each old environment runs: one request, its outcome as JSON."""

INSTALL_SECONDS = 300.0

_REQUESTS_2018 = ("chardet==3.0.4", "idna==2.7", "certifi==2026.10.19.post1")
_REQUESTS_2023 = ("charset-normalizer==3.5.3", "idna==3.20", "certifi==2026.10.19.post1")
CGI_SHIM = "legacy-cgi==2.6.4"
"""Python 3.13 removed ``cgi``, which requests imported until 2.28; ``legacy-cgi`` is the
standard library's module, kept on PyPI, so the old release runs unchanged."""


@dataclass(frozen=True)
class OldRelease:
    """One release of a library, with the exact packages its environment gets."""

    library: str
    version: str
    pins: tuple[str, ...] = ()
    """Everything else the environment needs, pinned (installed without resolving)."""
    imports_cgi: bool = False
    """The release imports ``cgi``: on Python 3.13 and later it gets :data:`CGI_SHIM`."""

    @property
    def name(self) -> str:
        return f"{self.library} {self.version}"

    @property
    def packages(self) -> tuple[str, ...]:
        """What the environment gets: the release, its pins, and the shim it needs on
        this Python."""
        shim = (CGI_SHIM,) if self.imports_cgi and sys.version_info >= (3, 13) else ()
        return (f"{self.library}=={self.version}", *self.pins, *shim)

    @property
    def folder(self) -> Path:
        python = f"py{sys.version_info.major}.{sys.version_info.minor}"
        return CACHE_HOME / "old-releases" / f"{self.library}-{self.version}-{python}"

    @property
    def python(self) -> Path:
        return self.folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    @property
    def ready(self) -> bool:
        return (self.folder / "installed.txt").is_file()

    def install(self) -> None:
        """Create the environment and install the release into it, once, after one line
        saying so (a learner sees why the cell waits); raise ClientUnavailable saying why
        when that is not possible (no network, say)."""
        if self.ready:
            return
        packages = list(self.packages)
        print(f"Installing {self.name} into an environment of its own, once "
              f"({' '.join(packages)}: under 1 MiB); later runs reuse it ...",
              flush=True)
        steps = [[sys.executable, "-m", "venv", "--clear", "--without-pip", str(self.folder)],
                 [sys.executable, "-m", "pip", "--python", str(self.python), "install",
                  "--quiet", "--disable-pip-version-check", "--no-deps", *packages]]
        for step in steps:
            try:
                done = run_child(step, capture_output=True, text=True, timeout=INSTALL_SECONDS)
            except (OSError, subprocess.TimeoutExpired) as failed:
                raise ClientUnavailable(f"cannot install {self.name}: {failed}") from None
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
                raise ClientUnavailable(f"cannot install {self.name} ({' '.join(packages)}): "
                                        f"{last}")
        (self.folder / "installed.txt").write_text("\n".join(packages) + "\n")


OLD_RELEASES: dict[str, OldRelease] = {release.name: release for release in (
    OldRelease("requests", "2.19.1", ("urllib3==1.26.20", *_REQUESTS_2018), imports_cgi=True),
    OldRelease("requests", "2.20.0", ("urllib3==1.26.20", *_REQUESTS_2018), imports_cgi=True),
    OldRelease("requests", "2.30.0", ("urllib3==1.26.20", *_REQUESTS_2023)),
    OldRelease("requests", "2.31.0", ("urllib3==1.26.20", *_REQUESTS_2023)),
    OldRelease("urllib3", "1.26.16"),
    OldRelease("urllib3", "1.26.18"),
)}
"""Every release a lesson replays, by name (``requests 2.19.1``)."""


def install_old_releases() -> None:
    """Install every release of :data:`OLD_RELEASES` that is not cached yet."""
    for release in OLD_RELEASES.values():
        release.install()


def old_releases_unavailable() -> str | None:
    """Why the old releases cannot run here (installing what is missing first), or None."""
    try:
        install_old_releases()
    except ClientUnavailable as missing:
        return str(missing)
    return None


class OldReleaseClient(Client):
    """An old release of requests or urllib3, sending from its own environment, set up
    as the current one is in the lab (no proxy from the environment; the lab CA)."""

    rule = "as the release's own source says; the lesson cites the fix"

    def __init__(self, release: OldRelease, *, tls: LabCertificates | None = None,
                 proxy: str | None = None) -> None:
        release.install()
        self.release = release
        self.name = release.name
        self._ca_file = tls.ca_file if tls else None
        self._proxy = proxy

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        job = {"library": self.release.library, "method": method, "url": url,
               "body": None if body is None else body.decode("latin-1"),
               "headers": headers or {}, "ca_file": self._ca_file, "proxy": self._proxy,
               "timeout": TIMEOUT_SECONDS}
        try:
            done = run_child([str(self.release.python), str(DRIVER), json.dumps(job)],
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS * 3)
            answer = json.loads(done.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as failed:
            return Outcome(status=None, error=type(failed).__name__, detail=str(failed))
        return Outcome(status=answer.get("status"), error=answer.get("error"),
                       detail=answer.get("detail"))
