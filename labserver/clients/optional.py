"""Optional programs: what only one episode uses, installed the first time it is needed.

A learner's install (``requirements.txt`` and ``python -m labserver lessons``) fetches
what most episodes use. Next.js (341 MiB of Node packages), Django and FastAPI (66 MiB of
Python packages) serve episode 14 alone, and the old releases deep dive 12b alone: each
is installed here on first need, after one line saying what, how big and that it is
once, or ahead of time by ``python -m labserver setup`` (a classroom, or offline).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

from ..children import run_child
from .node import NEXT_APP, NO_NPM, node_helpers_installed, npm_ci
from .old_versions import OLD_RELEASES, old_releases_unavailable

FRAMEWORK_PINS = Path(__file__).resolve().parent.parent / "frameworks" / \
    "requirements-frameworks.txt"
"""Django and FastAPI with exact versions (pyproject's extra ``frameworks`` names the
same); ``requirements-dev.txt`` installs them too, so the tests install nothing."""

PIP_SECONDS = 600.0


def pinned(pins: Path = FRAMEWORK_PINS) -> dict[str, str]:
    """The ``name==version`` lines of a pin file."""
    lines = (line.split("#", 1)[0].strip() for line in pins.read_text().splitlines())
    return dict(line.split("==", 1) for line in lines if "==" in line)


def _all_installed(names: list[str]) -> bool:
    for name in names:
        try:
            installed_version(name)
        except PackageNotFoundError:
            return False
    return True


def pip_install(pins: Path) -> str | None:
    """Install a pin file into this Python with pip: None once done, else why not."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-r", str(pins)]
    try:
        done = run_child(command, capture_output=True, text=True, timeout=PIP_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return f"pip could not install {pins.name}: {problem}"
    importlib.invalidate_caches()  # a running kernel imports what was just installed
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return f"pip could not install {pins.name} (no network?): {last}"
    return None


@dataclass(frozen=True)
class OptionalProgram:
    """Something only some episodes use, with how to tell it is here and to install it."""

    label: str
    """What the progress line and the environment check call it."""
    needed_by: str
    size: str
    """Roughly how big, measured (download, then on disk)."""
    installed: Callable[[], bool]
    install: Callable[[], str | None]
    """Install it: None once done, else why not, in one sentence."""
    cannot_install: Callable[[], str | None] = lambda: None
    """Why it cannot even be tried here (no npm, say), checked before the progress line."""

    def progress_line(self) -> str:
        return (f"Installing {self.label} for {self.needed_by}, once ({self.size}); "
                "later runs reuse it ...")


def _next_cannot_install() -> str | None:
    """npm installs Next.js, and Node.js runs it."""
    if shutil.which("node") is None:
        return "Node.js not found (Debian/Ubuntu: apt-get install nodejs npm; others: nodejs.org)"
    return NO_NPM if shutil.which("npm") is None else None


OPTIONAL: dict[str, OptionalProgram] = {
    "nextjs": OptionalProgram(
        "Next.js 16 with React", "episode 14",
        "about 85 MiB to download, 341 MiB on disk",
        lambda: node_helpers_installed(NEXT_APP), lambda: npm_ci(NEXT_APP),
        _next_cannot_install),
    "python-frameworks": OptionalProgram(
        "Django and FastAPI", "episode 14", "about 11 MiB to download, 66 MiB on disk",
        lambda: _all_installed(list(pinned())), lambda: pip_install(FRAMEWORK_PINS)),
    "old-releases": OptionalProgram(
        f"the {len(OLD_RELEASES)} old releases of requests and urllib3", "deep dive 12b",
        "about 1 MiB to download, 20 MiB on disk",
        lambda: all(release.ready for release in OLD_RELEASES.values()),
        old_releases_unavailable),
}
"""Every optional program, by the name the environment check and ``setup`` use."""


def ensure_optional(name: str) -> str | None:
    """None when ``name`` is installed, installing it first if it is missing; else why it
    cannot be, in one sentence (the caller skips what needs it and says so).

    Installed already, it prints nothing, so the stored outputs of an episode are the same
    on a machine that has everything; else one line before the install starts.
    """
    program = OPTIONAL[name]
    if program.installed():
        return None
    cannot = program.cannot_install()
    if cannot:
        return f"{program.label} is not installed, and cannot be here: {cannot}"
    print(program.progress_line(), flush=True)
    failed = program.install()
    if failed or not program.installed():
        return f"{program.label} could not be installed: {failed or 'see above'}"
    return None


def install_every_optional() -> list[str]:
    """What ``python -m labserver setup`` does beyond the core: every optional program,
    each said in one line."""
    said = []
    for name, program in OPTIONAL.items():
        was_here = program.installed()
        failed = ensure_optional(name)
        said.append(f"{program.label}: " + (failed if failed else "up to date" if was_here
                                              else "installed"))
    return said
