"""curl as a lab adapter: one process per request, typed as a person would type it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..server.tls import LabCertificates
from ..vocabulary import TIMEOUT_SECONDS
from .base import Client, ClientUnavailable, Outcome

CURL_VARIANTS: dict[str, str] = {
    "curl": "as a person types it: -L; POST with --data-binary (no -X); -X for other "
            "methods; -I for HEAD",
    "curl -X POST": "POST spelled out with -X POST --data-binary",
    "curl --post30x": "-L --post301 --post302 --post303: keep POST after 301/302/303",
    "curl -T": "bodies uploaded from a file with -T FILE (a PUT unless -X says otherwise)",
    "curl without -L": "no -L: curl does not follow redirects at all",
}


def curl_command(variant: str, method: str, url: str, body: bytes | None,
                 headers: dict[str, str] | None, upload: str = "body.json",
                 ca_file: str | None = None, options: tuple[str, ...] = (),
                 proxy: str | None = None) -> list[str]:
    """The curl command line a person would type for one request (no shell involved).

    ``upload`` is the file that holds the body for the ``curl -T`` variant; ``ca_file``
    the certificate authority to trust for https; ``options`` more flags (say
    ``--max-redirs 1``), placed before the URL; ``proxy`` a proxy for every host
    (``--noproxy ""`` so that ``NO_PROXY`` does not exempt loopback).
    """
    # -q (first, or curl ignores it): never read the user's ~/.curlrc, whose settings
    # (max-redirs = 0, say) would silently change every experiment.
    route = ["--proxy", proxy, "--noproxy", ""] if proxy else ["--noproxy", "*"]
    args = ["curl", "-q", "--silent", "--show-error", *route,
            "--max-time", str(int(TIMEOUT_SECONDS)), "--output", os.devnull,
            "--write-out", "%{http_code}"]
    if ca_file:
        args += ["--cacert", ca_file]
    if variant != "curl without -L":
        args.append("--location")
    if variant == "curl --post30x":
        args += ["--post301", "--post302", "--post303"]
    for name, value in (headers or {}).items():
        args += ["--header", f"{name}: {value}"]
    if method == "HEAD":
        args.append("--head")
    elif body is not None and variant == "curl -T":
        args += ["--upload-file", upload]
        if method != "PUT":
            args += ["--request", method]
    elif body is not None:
        args += ["--data-binary", body.decode()]
        if method != "POST" or variant == "curl -X POST":
            args += ["--request", method]
    elif method != "GET":
        args += ["--request", method]
    return [*args, *options, url]


_VERBOSE_SHOWN = ("> ", "< ", "} [", "* Issue another request", "* Switch from")
"""The lines of ``curl -v`` that tell a redirect's story: what was sent (``>``, and ``}``
for the bytes of a body), what came back (``<``), and curl's decisions (``*``)."""

_VERBOSE_NOISE = {">": {"host", "user-agent", "accept"},
                  "<": {"date", "server", "connection", "content-length", "cache-control",
                        "access-control-allow-origin"}}
"""Headers left out of :meth:`CurlClient.verbose`: they change from run to run (the port in
``Host``, ``Date``, versions) or say nothing about the redirect."""


def _verbose_line_shown(line: str) -> bool:
    if not line.startswith(_VERBOSE_SHOWN) or line.strip() in (">", "<"):
        return False
    name = line[2:].split(":", 1)[0].lower() if ":" in line and line[0] in "<>" else ""
    return name not in _VERBOSE_NOISE.get(line[0], set())


class CurlClient(Client):
    """The curl command-line tool, run once per request, as a person would type it.

    ``variant`` picks one of :data:`CURL_VARIANTS`, the spellings whose outcome differs;
    ``options`` adds flags, and the name shows them (``curl --location-trusted``).
    """

    name = "curl"
    rule = (
        "curl's manual, -L and --post301/--post302/--post303: after a 301, 302 or 303 a POST "
        "becomes a GET without its data, unless --post30x says to keep it. A method given "
        "with -X is used for every request of the chain, even where curl would have switched "
        "to GET, so the method stays while the data is not sent again. Headers given with -H "
        "(Content-Type among them) go to every host of the chain, except Authorization and "
        "Cookie, which are sent only while scheme, host and port stay those of the first URL "
        "(--location-trusted sends them everywhere)."
    )

    takes_proxy = True

    def __init__(self, variant: str = "curl", *, tls: LabCertificates | None = None,
                 options: tuple[str, ...] = (), proxy: str | None = None) -> None:
        if variant not in CURL_VARIANTS:
            raise ValueError(f"unknown curl variant {variant!r}; choose one of: "
                             f"{', '.join(CURL_VARIANTS)}")
        reason = self.unavailable_reason()
        if reason:
            raise ClientUnavailable(reason)
        self.name = " ".join((variant, *options))
        self.variant = variant
        self._ca_file = tls.ca_file if tls else None
        self.options = tuple(options)
        self._proxy = proxy

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if shutil.which("curl") is None:
            return ("curl is not installed: apt-get install curl (Debian/Ubuntu), "
                    "brew install curl (macOS); Windows 10+ ships curl.exe")
        return None

    def _run(self, method: str, url: str, body: bytes | None, headers: dict[str, str] | None,
             *, upload_from_stdin: bool = False, verbose: bool = False
             ) -> subprocess.CompletedProcess[bytes]:
        """Run curl once as :func:`curl_command` spells it, the body in a file (or piped
        to standard input), optionally with ``--verbose``."""
        with tempfile.TemporaryDirectory(prefix="labcurl") as folder:
            upload = Path(folder, "body.json")
            upload.write_bytes(body or b"")
            command = curl_command(self.variant, method, url, body, headers,
                                   "-" if upload_from_stdin else str(upload), self._ca_file,
                                   self.options, self._proxy)
            if verbose:
                command.insert(2, "--verbose")  # after "curl -q"
            return subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS * 2,
                                  input=body if upload_from_stdin else None)

    def send(self, method: str, url: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None,
             upload_from_stdin: bool = False) -> Outcome:
        """Run curl once. With ``upload_from_stdin`` (the ``curl -T`` variant) the body is
        piped in as ``-T -``, a stream curl cannot rewind for a second request."""
        done = self._run(method, url, body, headers, upload_from_stdin=upload_from_stdin)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            return Outcome(status=None, error=f"curl exit {done.returncode}", detail=message)
        return Outcome(status=int(done.stdout or 0))

    def verbose(self, method: str, url: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> list[str]:
        """The same request with ``--verbose``: the lines of curl's trace that show each
        hop (see :data:`_VERBOSE_SHOWN`), as a person debugging a redirect reads them."""
        done = self._run(method, url, body, headers, verbose=True)
        return [line for line in done.stderr.decode(errors="replace").splitlines()
                if _verbose_line_shown(line)]
