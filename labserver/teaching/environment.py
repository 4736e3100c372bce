"""Is this machine ready for the lessons, and which client versions do they measure?"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx
import pandas as pd

from ..clients import ChromiumClient, CurlClient, MissingBrowser
from ..experiments.credentials import default_ports_unavailable
from ..server.lab import LabServer

LESSON_PACKAGES = ("jupyterlab", "httpx", "flask", "werkzeug", "pandas", "nbval")

CURL_FOLLOW_SINCE = (8, 16)
"""curl 8.16 added ``--follow``, which keeps a method set with ``-X`` only after 307 and
308; the lessons' curl rows (``-L``, as most people still type it) come from an older curl."""


def check_environment(server: LabServer) -> pd.DataFrame:
    """Each package the lessons use with its installed version, and whether the lab answers."""
    rows = []
    for name in LESSON_PACKAGES:
        try:
            rows.append({"check": name, "result": version(name), "ok": True})
        except PackageNotFoundError:
            rows.append({"check": name, "result": "missing: pip install -r requirements.txt",
                         "ok": False})
    try:
        status = httpx.get(server.url + "/echo", timeout=5).status_code
        rows.append({"check": "lab server on loopback", "result": f"answers {status}",
                     "ok": status == 200})
    except httpx.HTTPError as exc:
        rows.append({"check": "lab server on loopback", "result": type(exc).__name__,
                     "ok": False})
    return pd.DataFrame(rows).set_index("check")


def _curl_version() -> str:
    if shutil.which("curl") is None:
        return "not installed"
    first = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    return first.split()[1] if first else "unknown"


def client_versions(browser: ChromiumClient | MissingBrowser | None = None) -> pd.DataFrame:
    """The version of every client a lesson measures.

    Redirect rules change between versions (urllib keeps HEAD on a redirect only since
    CPython gh-99730, in Python 3.13), so a lesson's table says which versions it shows.
    """
    browser_version = ("not started" if browser is None
                       else "not installed" if isinstance(browser, MissingBrowser)
                       else browser.version)
    rows = {
        "httpx": version("httpx"),
        "requests": version("requests"),
        "urllib (Python)": platform.python_version(),
        "curl": _curl_version(),
        "chromium": browser_version,
    }
    return pd.Series(rows, name="version").rename_axis("client").to_frame()


LESSON_FILES = "[0-9][0-9]_*.ipynb"
"""How a lesson's file is named: ``NN_short_name.ipynb``."""


def lessons(folder: Path) -> list[Path]:
    """The lessons in ``folder`` (``notebooks/``), in their order: the one list the tests,
    the notebook hooks and the benchmarks share."""
    return sorted(folder.glob(LESSON_FILES))


def missing_needs(notebook: Path) -> list[str]:
    """What a lesson needs (its metadata ``redirect_lab.needs``) that this machine lacks,
    each as a sentence saying what to install."""

    reasons = {"curl": CurlClient.unavailable_reason,
               "chromium": ChromiumClient.unavailable_reason,
               "ports-80-443": default_ports_unavailable}
    needs = json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get(
        "redirect_lab", {}).get("needs", [])
    return [reason for need in needs if (reason := reasons[need]())]


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
            f"curl is {curl}: the curl rows are left out (see lesson 00).")
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
