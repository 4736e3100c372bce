"""The lab's Node.js helpers: where they live, whether they are installed, installing them.

Some clients exist only as Node packages (puppeteer-core, which drives the stock
Firefox). Their exact versions are pinned in ``labserver/node/package-lock.json`` and
installed from it with ``npm ci``, the way ``requirements.txt`` pins the Python side.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..children import run_child, start_child, stop_child
from ..vocabulary import TIMEOUT_SECONDS

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
"""``package.json``, its lock file and the scripts; ``node_modules`` is installed here."""

INSTALL_COMMAND = f"npm ci --prefix {NODE_DIR}"


def _packages(lock: Path) -> dict[str, dict[str, Any]]:
    packages: dict[str, dict[str, Any]] = json.loads(lock.read_text())["packages"]
    return {path: entry for path, entry in packages.items() if path}


def node_package_version(package: str) -> str:
    """The version of a Node package as installed from the lab's lock file."""
    manifest = NODE_DIR / "node_modules" / package / "package.json"
    return str(json.loads(manifest.read_text())["version"])


def node_helpers_installed() -> bool:
    """Whether ``node_modules`` holds exactly what the lock file pins.

    npm keeps a copy of the lock file of what it installed in
    ``node_modules/.package-lock.json``; the two agree until the lock file changes, except
    for the optional packages built for other systems (Next.js's compiler for macOS or
    Windows, say), which the lock file lists and this machine does not install.
    """
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return False
    have, pinned = _packages(installed), _packages(NODE_DIR / "package-lock.json")
    return (all(path in pinned and pinned[path].get("version") == entry.get("version")
                for path, entry in have.items())
            and all(path in have or entry.get("optional", False)
                    for path, entry in pinned.items()))


def install_node_helpers() -> str:
    """Install the Node helpers from the lock file if they are missing or stale.

    Returns one sentence saying what happened; without npm the browser lessons that need
    it are skipped, so that is said, not raised.
    """
    if node_helpers_installed():
        return f"Node helpers: up to date in {NODE_DIR / 'node_modules'}"
    npm = shutil.which("npm")
    if npm is None:
        return ("Node helpers: npm not found, so the Firefox lessons will be skipped "
                "(Debian/Ubuntu: apt-get install nodejs npm; others: nodejs.org)")
    done = run_child([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR)],
                     capture_output=True, text=True)
    if done.returncode != 0:
        return f"Node helpers: `{INSTALL_COMMAND}` failed:\n{done.stderr.strip()[-2000:]}"
    return f"Node helpers: installed from the lock file into {NODE_DIR / 'node_modules'}"


class NodeDriver:
    """One Node.js process running a lab script that answers one JSON line per command.

    Python owns the experiment; the process only holds what lives in Node (a browser, or
    Node's own ``fetch()``). Every command is ``{"op": ..., ...}`` and every answer
    ``{"ok": true, "value": ...}`` or ``{"ok": false, "error": "..."}``.
    """

    def __init__(self, script: str, *, what: str, env: dict[str, str] | None = None) -> None:
        self._what = what
        self._lock = threading.Lock()
        self._log = tempfile.TemporaryFile()
        # the script closes its browser and ends when its input closes, which happens too
        # when this process ends, however it ends (labserver.children sees to the rest)
        self._process = start_child(
            [shutil.which("node") or "node", str(NODE_DIR / script)], cwd=NODE_DIR,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env={**os.environ, **(env or {})}, ends_when_input_closes=True)

    def command(self, op: str, **args: Any) -> Any:
        """Send one command and wait for its one-line answer (RuntimeError on a failure)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            try:
                self._process.stdin.write(json.dumps({"op": op, **args}) + "\n")
                self._process.stdin.flush()
                line = self._process.stdout.readline()
            except BrokenPipeError:
                line = ""
        if not line:
            raise RuntimeError(f"the {self._what} driver stopped: {self._driver_log()}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(f"{self._what}: {answer['error']}")
        return answer["value"]

    def _driver_log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()[-2000:] or "(no message)"

    def stop(self) -> None:
        """End the process: end of input ends its loop (a browser it holds is closed)."""
        stop_child(self._process, seconds=TIMEOUT_SECONDS)
        self._log.close()
