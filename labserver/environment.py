"""Is this machine ready for the lessons? One table a learner can read at a glance."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import httpx
import pandas as pd

from .server import LabServer

LESSON_PACKAGES = ("jupyterlab", "httpx", "flask", "werkzeug", "pandas", "nbval")


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
