"""The lab's Node.js helpers: where they live, whether they are installed, installing them.

Some clients exist only as Node packages (puppeteer-core, which drives the stock
Firefox). Their exact versions are pinned in ``labserver/node/package-lock.json`` and
installed from it with ``npm ci``, the way ``requirements.txt`` pins the Python side.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
"""``package.json``, its lock file and the scripts; ``node_modules`` is installed here."""

INSTALL_COMMAND = f"npm ci --prefix {NODE_DIR}"


def _packages(lock: Path) -> dict[str, object]:
    packages = json.loads(lock.read_text())["packages"]
    return {path: entry.get("version") for path, entry in packages.items() if path}


def node_helpers_installed() -> bool:
    """Whether ``node_modules`` holds exactly what the lock file pins.

    npm keeps a copy of the lock file of what it installed in
    ``node_modules/.package-lock.json``; the two agree until the lock file changes.
    """
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return False
    return _packages(installed) == _packages(NODE_DIR / "package-lock.json")


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
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"Node helpers: `{INSTALL_COMMAND}` failed:\n{done.stderr.strip()[-2000:]}"
    return f"Node helpers: installed from the lock file into {NODE_DIR / 'node_modules'}"
