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

NEXT_APP = NODE_DIR / "next-app"
"""The Next.js app of episode 14, with a lock file of its own: Next.js and React are 341 MiB
that no other episode uses, so they are installed there on first need, not with the
helpers."""

INSTALL_COMMAND = f"npm ci --prefix {NODE_DIR}"


def _packages(lock: Path) -> dict[str, dict[str, Any]]:
    packages: dict[str, dict[str, Any]] = json.loads(lock.read_text())["packages"]
    return {path: entry for path, entry in packages.items() if path}


def node_package_version(package: str, where: Path | None = None) -> str:
    """The version of a Node package as installed from the lock file in ``where`` (the
    helpers' folder by default)."""
    manifest = (where or NODE_DIR) / "node_modules" / package / "package.json"
    return str(json.loads(manifest.read_text())["version"])


def node_helpers_installed(where: Path | None = None) -> bool:
    """Whether ``where/node_modules`` (the helpers' by default) holds exactly what the lock
    file beside it pins.

    npm keeps a copy of the lock file of what it installed in
    ``node_modules/.package-lock.json``; the two agree until the lock file changes, except
    for the optional packages built for other systems (Next.js's compiler for macOS or
    Windows, say), which the lock file lists and this machine does not install.
    """
    folder = where or NODE_DIR
    installed = folder / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return False
    have, pinned = _packages(installed), _packages(folder / "package-lock.json")
    return (all(path in pinned and pinned[path].get("version") == entry.get("version")
                for path, entry in have.items())
            and all(path in have or entry.get("optional", False)
                    for path, entry in pinned.items()))


NO_NPM = "npm not found (Debian/Ubuntu: apt-get install nodejs npm; others: nodejs.org)"


def npm_ci(where: Path) -> str | None:
    """Install ``where``'s lock file with ``npm ci``: None once done, else why not (one
    sentence, with the end of npm's own message)."""
    npm = shutil.which("npm")
    if npm is None:
        return NO_NPM
    try:
        done = run_child([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(where)],
                         capture_output=True, text=True)
    except OSError as problem:
        return f"`npm ci --prefix {where}` could not start: {problem}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return f"`npm ci --prefix {where}` failed: {last}"
    return None


def install_node_helpers() -> str:
    """Install the core Node helpers from the lock file if they are missing or stale.

    Returns one sentence saying what happened; without npm the browser lessons that need
    it are skipped, so that is said, not raised.
    """
    if node_helpers_installed():
        return f"Node helpers: up to date in {NODE_DIR / 'node_modules'}"
    if shutil.which("npm") is None:
        return f"Node helpers: {NO_NPM}, so the Firefox lessons will be skipped"
    failed = npm_ci(NODE_DIR)
    if failed:
        return f"Node helpers: {failed}"
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
