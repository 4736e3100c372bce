"""Is this machine ready for the lessons, and which client versions do they measure?"""

from __future__ import annotations

import json
import platform
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

import httpx
import pandas as pd

from ..clients import (
    BrowserClient,
    ChromiumClient,
    CurlClient,
    FirefoxClient,
    MissingBrowser,
    NodeFetchClient,
    WgetClient,
    find_browser,
    find_firefox,
)
from ..clients.node import node_package_version
from ..clients.old_versions import OLD_RELEASES, old_releases_unavailable
from ..clients.optional import OPTIONAL, pinned
from ..experiments.default_ports import default_ports_unavailable, where_default_ports
from ..experiments.trace import har_schema_unavailable
from ..frameworks import DjangoApp, ExpressApp, FastAPIApp, NextApp, NginxApp
from ..server.lab import LabServer

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"
"""The learner's install. The check lists exactly the packages it pins, so it never calls
"missing" what ``pip install -r requirements.txt`` would not install (the developers'
tools, nbval and pytest, come with ``requirements-dev.txt`` and are not checked here)."""

NEEDED_BY = {
    "jupyterlab": "to open the episodes",
    "httpx": "every episode", "flask": "every episode", "werkzeug": "every episode",
    "pandas": "every episode", "requests": "every episode (labserver imports it)",
    "hishel": "every episode (labserver imports it)",
    "trustme": "every episode (labserver imports it)",
    "ada-url": "every episode (labserver imports it)",
    "aiohttp": "every episode (labserver imports it)",
    "fastjsonschema": "episode 16b (the HAR check)",
}
"""The packages of :data:`REQUIREMENTS` the check shows one by one, and who needs each;
the others share one row. Playwright is checked again with the browser it drives; Django
and FastAPI, which episode 14 installs on first need, with the other programs."""


def learner_packages(requirements: Path = REQUIREMENTS) -> list[str]:
    """The packages a learner's install pins, in its order; outside a clone (no
    ``requirements.txt``), those the installed ``labserver`` requires."""
    if requirements.is_file():
        return list(pinned(requirements))
    return [re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0]
            for line in requires("labserver") or [] if "extra ==" not in line]


def _installed(name: str) -> str:
    """The version installed here, or "" for none."""
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def _package_rows(names: list[str]) -> list[dict[str, object]]:
    """One row for each package :data:`NEEDED_BY` names, one for all the others."""
    fix = "pip install -r requirements.txt"
    rows: list[dict[str, object]] = []
    for name in (name for name in names if name in NEEDED_BY):
        found = _installed(name)
        rows.append({"check": name, "result": found or "missing", "ok": bool(found),
                     "needed by": NEEDED_BY[name], "to fix": "" if found else fix})
    others = [name for name in names if name not in NEEDED_BY]
    missing = [name for name in others if not _installed(name)]
    if others:
        rows.append({"check": f"the other {len(others)} packages of requirements.txt",
                     "result": "missing: " + ", ".join(missing) if missing else "installed",
                     "ok": not missing, "needed by": "every episode (JupyterLab's kernel, "
                     "labserver's imports)", "to fix": fix if missing else ""})
    return rows


REPOSITORY_LESSONS = Path(__file__).resolve().parents[2] / "notebooks"
"""Where the executed lessons live in a clone (``labserver`` is installed editable)."""

@dataclass(frozen=True)
class Need:
    """Something a lesson can declare it needs (its metadata ``redirect_lab.needs``)."""

    label: str
    """What the environment check calls it."""
    missing: Callable[[], str | None]
    """The sentence saying what to do when this machine lacks it, or None."""
    found: Callable[[], str]
    """What the check shows when it is there (a version, say)."""
    optional: str | None = None
    """The optional program it is (:data:`labserver.clients.optional.OPTIONAL`): installed
    by the episode that first needs it, so the check asks whether it is here without
    installing it."""


NEED_CHECKS: dict[str, Need] = {
    "curl": Need("curl", lambda: CurlClient.unavailable_reason(), lambda: _curl_version()),
    "chromium": Need("Playwright and a Chromium-family browser",
                     lambda: ChromiumClient.unavailable_reason(),
                     lambda: _version_of(find_browser())),
    "firefox": Need("Node.js, puppeteer-core and Firefox",
                    lambda: FirefoxClient.unavailable_reason(),
                    lambda: _version_of(find_firefox())),
    "wget": Need("wget", lambda: WgetClient.unavailable_reason(),
                 lambda: _version_of(shutil.which("wget"))),
    "node": Need("Node.js (its own fetch())", lambda: NodeFetchClient.unavailable_reason(),
                 lambda: _version_of(shutil.which("node"))),
    "express": Need("Node.js and Express (a framework of episode 14)",
                    lambda: ExpressApp.unavailable_reason(),
                    lambda: f"Express {ExpressApp().version()}"),
    "nextjs": Need("Node.js and Next.js (a framework of episode 14)",
                   lambda: NextApp.unavailable_reason(),
                   lambda: f"Next.js {NextApp().version()}", optional="nextjs"),
    "python-frameworks": Need("Django and FastAPI (frameworks of episode 14)",
                              lambda: FastAPIApp.unavailable_reason(),
                              lambda: f"Django {DjangoApp().version()}, FastAPI "
                                      f"{FastAPIApp().version()}",
                              optional="python-frameworks"),
    "nginx": Need("nginx (a framework of episode 14)", lambda: NginxApp.unavailable_reason(),
                  lambda: f"nginx {NginxApp().version()}"),
    "har-schema": Need("the HAR 1.2 schema (npm's har-schema, with the Node helpers)",
                       lambda: har_schema_unavailable(),
                       lambda: f"har-schema {node_package_version('har-schema')}"),
    "old-releases": Need("old releases of requests and urllib3, each in its own environment "
                         "(installed once into the lab's cache)",
                         lambda: old_releases_unavailable(), lambda: ", ".join(OLD_RELEASES),
                         optional="old-releases"),
    "ports-80-443": Need("ports 80 and 443 on loopback", lambda: default_ports_unavailable(),
                         lambda: where_default_ports()),
}


DEBIAN_PACKAGES: dict[str, tuple[str, ...]] = {
    "curl": ("curl",), "wget": ("wget",), "chromium": ("chromium",),
    "firefox": ("firefox-esr", "nodejs", "npm"), "node": ("nodejs",),
    "express": ("nodejs", "npm"), "nextjs": ("nodejs", "npm"), "har-schema": ("nodejs", "npm"),
    "nginx": ("nginx",), "python-frameworks": (), "old-releases": (), "ports-80-443": (),
}
"""The Debian packages that give each need (the Node packages then come from their lock
files through ``python -m labserver setup``). Django, FastAPI and the old releases come
from PyPI, and ports 80 and 443 from the kernel. CI and the classroom image install
exactly these (tested)."""


def _lessons(numbers: list[str]) -> str:
    """``episode 14``, ``episodes 08, 11``, or ``no episode``."""
    if not numbers:
        return "no episode"
    return ("episode " if len(numbers) == 1 else "episodes ") + ", ".join(numbers)


def _version_of(path: str | None) -> str:
    """A browser's version as its ``--version`` prints it, from its path."""
    if path is None:
        return "not found"
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return f"found, but --version failed: {problem}"
    first = re.match(r"\D*\d+(?:\.\d+)+", done.stdout.strip())  # "Chromium 156.0.8078.114"
    return first.group() if first else "found"


def check_environment(server: LabServer, folder: Path = REPOSITORY_LESSONS) -> pd.DataFrame:
    """Everything the lessons use, whether this machine has it, which lessons need it, and
    how to install what is missing: so a workshop finds out here, not at episode 08."""
    rows = _package_rows(learner_packages())
    needs = {lesson.name.split("_", 1)[0]: needs_of(lesson) for lesson in lessons(folder)}
    for name, need in NEED_CHECKS.items():
        numbers = [number for number, declared in needs.items() if name in declared]
        row = _not_installed_yet(need) or _checked(need)
        rows.append({"check": need.label, **row, "needed by": _lessons(numbers)})
    try:
        status = httpx.get(server.url + "/echo", timeout=5).status_code
        answer, ok = f"answers {status}", status == 200
    except httpx.HTTPError as exc:
        answer, ok = type(exc).__name__, False
    rows.append({"check": "lab server on loopback", "result": answer, "ok": ok,
                 "needed by": "every episode", "to fix": "" if ok else "see the README"})
    return pd.DataFrame(rows).set_index("check")


def _checked(need: Need) -> dict[str, object]:
    reason = need.missing()
    return {"result": "missing" if reason else need.found(), "ok": reason is None,
            "to fix": reason or ""}


def _not_installed_yet(need: Need) -> dict[str, object] | None:
    """An optional program's row while it is not installed: asked without installing it
    (the episode that needs it will), and ok unless it could not be installed here."""
    if need.optional is None or OPTIONAL[need.optional].installed():
        return None
    program = OPTIONAL[need.optional]
    cannot = program.cannot_install()
    return {"result": "not installed yet", "ok": cannot is None,
            "to fix": cannot or f"{program.needed_by} installs it when it first needs it "
                                f"({program.size}); or now: python -m labserver setup"}


SETUP_COMMAND = "python -m labserver setup"
"""The one command that installs every optional program ahead of the episodes."""


def optional_programs() -> object:
    """Which optional programs this machine has not installed yet, and how they come
    (Markdown): printed from what is here, so the sentence is true on every machine."""
    from IPython.display import Markdown

    missing = [program for program in OPTIONAL.values() if not program.installed()]
    if not missing:
        text = ("Every optional program is installed here: "
                + "; ".join(f"{p.label} ({p.needed_by})" for p in OPTIONAL.values())
                + ". Where one is missing, the episode that needs it installs it the first "
                  "time, after one line saying so; `" + SETUP_COMMAND + "` installs them "
                  "all ahead, for a classroom or offline use.")
    else:
        text = ("Not installed yet: "
                + "; ".join(f"{p.label} for {p.needed_by} ({p.size})" for p in missing)
                + ". The episode that needs one installs it the first time it does, after "
                  "one line saying so, and keeps it. To get them all now, for a classroom "
                  "or offline use, run `" + SETUP_COMMAND + "`.")
    return Markdown(text)  # type: ignore[no-untyped-call]


CURL_FOLLOW_SINCE = (8, 16)
"""curl 8.16 added ``--follow``, which keeps a method set with ``-X`` only after 307 and
308; the lessons' curl rows (``-L``, as most people still type it) come from an older curl."""


def _curl_version() -> str:
    if shutil.which("curl") is None:
        return "not installed"
    first = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    return first.split()[1] if first else "unknown"


def client_versions(*browsers: BrowserClient | MissingBrowser) -> pd.DataFrame:
    """The version of every client a lesson measures, with each browser it started.

    Redirect rules change between versions (urllib keeps HEAD on a redirect only since
    CPython gh-99730, in Python 3.13), so a lesson's table says which versions it shows.
    Without a browser the table says "not started" for Chromium.
    """
    rows = {
        "httpx": version("httpx"),
        "requests": version("requests"),
        "urllib (Python)": platform.python_version(),
        "curl": _curl_version(),
    }
    for browser in browsers or (None,):
        name = "chromium" if browser is None else browser.name
        rows[name] = ("not started" if browser is None
                      else "not installed" if isinstance(browser, MissingBrowser)
                      else browser.version)
    return pd.Series(rows, name="version").rename_axis("client").to_frame()


LESSON_FILES = re.compile(r"(\d\d[a-z]?|R\d)_\w+\.ipynb")
"""How a notebook of the course is named: ``08_clients_compared.ipynb`` (a core episode),
``08a_bodies_and_body_headers.ipynb`` (a deep dive of 08), ``R1_…`` (a reference page)."""


def lessons(folder: Path) -> list[Path]:
    """The notebooks in ``folder`` (``notebooks/``), in the course's order: the one list the
    tests, the notebook hooks and the benchmarks share."""
    return sorted(p for p in folder.glob("*.ipynb") if LESSON_FILES.fullmatch(p.name))


def missing_needs(notebook: Path) -> list[str]:
    """What a lesson needs (its metadata ``redirect_lab.needs``) that this machine lacks,
    each as a sentence saying what to install."""

    return [reason for need in needs_of(notebook) if (reason := NEED_CHECKS[need].missing())]


def needs_of(notebook: Path) -> list[str]:
    """What a lesson declares it needs besides Python (``redirect_lab.needs``)."""
    needs: list[str] = json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get(
        "redirect_lab", {}).get("needs", [])
    return needs


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def version_warnings() -> object:
    """Where a tool's version changes a lesson's story, say so (Markdown).

    The stored outputs were made with a curl older than 8.16; a learner with a newer one
    sees the same ``-L`` rows, but has ``--follow`` too, which behaves differently with
    ``-X``. Python needs no warning: results that depend on it are checked per version.
    """
    from IPython.display import Markdown

    curl = _curl_version()
    if curl in ("not installed", "unknown"):
        return Markdown(  # type: ignore[no-untyped-call]
            f"curl is {curl}: the curl rows are left out (see 00 · Start here).")
    if _version_tuple(curl) >= CURL_FOLLOW_SINCE:
        return Markdown(  # type: ignore[no-untyped-call]
                        f"⚠ Your curl ({curl}) is 8.16 or newer: it also has `--follow`, which "
                        "keeps a method set with `-X` only after 307 and 308. The stored "
                        "outputs came from a curl before 8.16; the `-L` rows below are "
                        "what both versions do.")
    return Markdown(  # type: ignore[no-untyped-call]
                    "Your curl is older than 8.16, like the one that made the stored "
                    "outputs: `-L` is its only way to follow (8.16 added `--follow`, which "
                    "keeps a method set with `-X` only after 307 and 308).")
