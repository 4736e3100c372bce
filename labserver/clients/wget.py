"""GNU Wget, the other command-line fetcher a learner meets, run once per request.

Wget is a downloader: it follows redirects by default (``--max-redirect``, 20), and its
``--method`` and ``--body-file`` send any method with a body, so the matrix can ask it
everything it asks curl.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, ClientUnavailable, Outcome

_STATUS_LINE = re.compile(r"^\s*HTTP/\d(?:\.\d)? (\d{3})", re.MULTILINE)

EXIT_CODES = {1: "generic error", 3: "file I/O error", 4: "network failure",
              5: "TLS verification failure", 6: "authentication failure",
              7: "protocol error", 8: "the server answered with an error"}
"""Wget's exit statuses (its manual, "Exit Status"), for the outcome's detail."""


class WgetClient(Client):
    """``wget --method=M --body-file=F URL``, following redirects as it does by default."""

    name = "wget"
    rule = (
        "Wget, src/http.c (gethttp) and src/retr.c (retrieve_url): a 307 or 308 keeps "
        "the method and the body; after a 301 or 302 only a POST becomes a GET, after a "
        "303 every method but HEAD does, "
        "and the body is not sent again. Headers given with --header go to every request "
        "of the chain, Authorization included, whatever the host; --max-redirect (20 by "
        "default) bounds it."
    )

    def __init__(self, *, tls: LabCertificates | None = None) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self._ca_file = tls.ca_file if tls else None

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if shutil.which("wget") is None:
            return ("wget is not installed: apt-get install wget (Debian/Ubuntu), "
                    "brew install wget (macOS)")
        return None

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="labwget") as folder:
            command = ["wget", "--server-response", "--output-document", "/dev/null",
                       "--no-proxy", "--tries=1", f"--timeout={TIMEOUT_SECONDS:g}",
                       "--no-config", "--no-hsts", f"--method={method}"]
            if body is not None:
                upload = Path(folder, "body")
                upload.write_bytes(body)
                command.append(f"--body-file={upload}")
            command += [f"--header={name}: {value}" for name, value in (headers or {}).items()]
            if self._ca_file:
                command.append(f"--ca-certificate={self._ca_file}")
            done = subprocess.run([*command, url], capture_output=True,
                                  timeout=TIMEOUT_SECONDS * 2, check=False)
        said = done.stderr.decode(errors="replace")
        statuses = _STATUS_LINE.findall(said)
        if done.returncode in (0, 8) and statuses:
            return Outcome(status=int(statuses[-1]))
        reason = EXIT_CODES.get(done.returncode, "error")
        return Outcome(status=None, error=f"wget exit {done.returncode}",
                       detail=f"{reason}: {said.strip().splitlines()[-1] if said.strip() else ''}")
