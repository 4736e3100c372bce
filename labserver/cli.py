"""``python -m labserver``: the lab without Jupyter, for curl, a browser or a script, and
the learner's output-free copy of the lessons."""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pandas as pd

from .clients import (
    BROWSERS,
    CLIENTS,
    PROXY_CLIENTS,
    Client,
    ClientUnavailable,
    make_client,
    open_browsers,
)
from .clients.node import install_node_helpers
from .clients.optional import install_every_optional
from .experiments.credentials import (
    DEFAULT_PORT_SCENARIOS,
    SCENARIOS,
    CredentialLab,
    run_credentials,
    run_scenario_matrix,
)
from .experiments.default_ports import (
    bring_loopback_up,
    run_on_default_ports,
    to_json,
)
from .experiments.matrix import follows_by_default, run_clients
from .experiments.probes import redirect_limits
from .experiments.trace import TRACE_CLIENTS, trace
from .server import LabServer
from .teaching.cheatsheet import CheatSheet, cheat_sheet
from .teaching.learner_copy import LEARNER_FOLDER, Copied, LearnerCopyError, copy_lessons

MATRIX_COLUMNS = ["client", "scenario", "code", "method", "body_sent", "final_method",
                  "body_arrived", "content_type_arrived", "authorization_arrived", "outcome",
                  "error", "hops"]
_YES_NO_COLUMNS = ["body_sent", "body_arrived", "content_type_arrived", "authorization_arrived"]


def to_markdown(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency for one format)."""
    def cells(values: list[object]) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in values) + " |"
    lines = [cells(list(frame.columns)), cells(["---"] * len(frame.columns))]
    lines += [cells(list(row)) for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def matrix_table(client_name: str, scenario: str = "same-origin") -> pd.DataFrame:
    """Run the 35 experiments for one client on fresh servers; yes/no for booleans.

    Every request carries an Authorization header, and the redirect goes where
    ``scenario`` says (see :data:`labserver.credentials.SCENARIOS`). Raises
    ClientUnavailable when the client's program (curl, a browser) is missing.
    """
    with CredentialLab() as lab, make_client(client_name, tls=lab.certificates) as client:
        frame = run_scenario_matrix(lab, client, scenario).assign(scenario=scenario)
    frame = frame[MATRIX_COLUMNS].copy()
    for column in _YES_NO_COLUMNS:
        frame[column] = frame[column].map({True: "yes", False: "no"})
    return frame


def build_cheat_sheet() -> CheatSheet:
    """The cheat sheet's (R2) on fresh servers: every client whose program is here, and, as in
    the lesson, the browsers started once, trusting the https server of the credentials run."""
    names = ("httpx", "requests", "urllib", "curl", *BROWSERS)
    with LabServer() as server, CredentialLab() as lab:
        browsers: dict[str, Client] = dict(open_browsers(tls=lab.certificates))
        try:
            matrix, _ = run_clients(server, names, clients=browsers)
            credentials, _ = run_clients(lab, names, clients=browsers,
                                         runner=run_credentials, tls=lab.certificates)
            limits, _ = run_clients(server, names, clients=browsers, runner=redirect_limits)
        finally:
            for browser in browsers.values():
                browser.close()
        return cheat_sheet(matrix, follows_by_default(server), credentials, limits)


def _serve(port: int) -> int:
    server = LabServer(port=port)
    try:
        server.start()
    except OSError as exc:
        said = exc.strerror or str(exc)  # the server's own message names the address
        if not said.startswith("cannot listen on "):
            said = f"cannot listen on 127.0.0.1:{port}: {said}"
        print(f"labserver: {said}", file=sys.stderr)
        return 1
    print(f"Redirect Lab server on {server.url}/ (loopback only). Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535; 0 lets the OS pick)")
    return int(text)


def _url(text: str) -> str:
    """An http(s) URL with a host and, if it names one, a port a client can connect to."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as problem:  # "[::1" and port 99999 among them
        raise argparse.ArgumentTypeError(f"{text!r} is not a URL: {problem}") from None
    if parts.scheme not in ("http", "https"):
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} names no host")
    if port == 0:
        raise argparse.ArgumentTypeError(f"{text!r} names port 0, which nothing listens on")
    return text


TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""RFC 9110 §5.6.2's token: what a method is made of (§9.1)."""


def _method(text: str) -> str:
    if not TOKEN.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a method (RFC 9110: one token, letters, digits and "
            "!#$%&'*+-.^_`|~, no space)")
    return text.upper()


def _har(text: str) -> Path:
    """A file the HAR can be written to: checked before the trace runs, not after."""
    path = Path(text)
    folder = path.parent
    if not text or path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a file name")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"no folder {folder} to write {path.name} in")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"cannot write {path} (permission denied)")
    return path


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder name (an empty one would write every "
                                         "lesson into the current folder)")
    return Path(text)


class _Parser(argparse.ArgumentParser):
    """Says what is wrong with the arguments in one line, and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m labserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the lab server on loopback until Ctrl-C")
    serve.add_argument("--port", type=_port, default=8000,
                       help="port on 127.0.0.1 (default 8000; 0 lets the OS pick)")
    matrix = commands.add_parser("matrix", help="run every code × method, print the table")
    matrix.add_argument("--client", choices=list(CLIENTS), default="httpx")
    matrix.add_argument("--format", choices=("csv", "markdown"), default="csv")
    matrix.add_argument("--scenario", choices=list(SCENARIOS), default="same-origin",
                        help="where each redirect points (default same-origin)")
    commands.add_parser(
        "cheatsheet", help="run the lessons' experiments and print the cheat sheet as a "
                           "printable HTML page (redirect it to a file)")
    commands.add_parser(
        "setup", help="install everything ahead, for a classroom or offline: the Node "
                      "helpers (the Firefox driver, Express) and every optional program "
                      "(Next.js, Django and FastAPI, the old releases), which the episodes "
                      "would otherwise install on first need; and write labserver's bytecode")
    learn = commands.add_parser(
        "lessons", help="copy the lessons without their outputs, for a learner to work in, "
                        "and install the Node helpers (nothing optional: the episodes "
                        "install that on first need)")
    learn.add_argument("--into", type=_folder, default=LEARNER_FOLDER,
                       help=f"folder for the copy (default {LEARNER_FOLDER}/)")
    traced = commands.add_parser(
        "trace", help="follow a URL with each client through the lab's recording proxy and "
                      "print every hop (this one leaves loopback if the URL does)")
    traced.add_argument("url", type=_url)
    traced.add_argument("--client", action="append", choices=list(PROXY_CLIENTS),
                        help=f"repeat for several (default {', '.join(TRACE_CLIENTS)})")
    traced.add_argument("--method", type=_method, default="GET")
    traced.add_argument("--har", type=_har, help="also write every hop as a HAR 1.2 file")
    inside = commands.add_parser(
        "default-ports", help="run episode 12a's experiment on ports 80 and 443 and print it as "
                              "JSON (run inside a private network namespace by the lesson)")
    inside.add_argument("--scenario", action="append", choices=list(DEFAULT_PORT_SCENARIOS))
    inside.add_argument("--client", action="append", choices=list(CLIENTS))
    return parser


def _default_ports(scenarios: list[str] | None, names: list[str] | None) -> int:
    """The child's side of :func:`labserver.credentials.run_on_default_ports`."""
    try:
        bring_loopback_up()
    except OSError as problem:
        print(f"labserver: cannot bring loopback up here: {problem}", file=sys.stderr)
        return 1
    frame, skipped = run_on_default_ports(scenarios or tuple(DEFAULT_PORT_SCENARIOS),
                                          names or tuple(CLIENTS), isolate=False)
    sys.stdout.write(to_json(frame, skipped))
    return 0


def _copy_lessons(into: Path) -> list[Copied] | None:
    """The copy, or None when it cannot be made (said in one line)."""
    try:
        return copy_lessons(into)
    except (OSError, LearnerCopyError) as problem:  # FileNotFoundError among them
        print(f"labserver: cannot copy the lessons: {problem}", file=sys.stderr)
        return None


def _print_copy(into: Path, report: list[Copied]) -> None:
    for each in report:
        print(f"{each.name}: {each.action}")
    print(f"\nYour lessons are in {into}/ (outputs removed, so you predict before you see). "
          f"Open {into / report[0].name} in JupyterLab.")


def _trace(url: str, names: list[str] | None, method: str, har: Path | None) -> int:
    traced = trace(url, tuple(names or TRACE_CLIENTS), method=method)
    print(to_markdown(traced.table().reset_index()))
    for name, reason in traced.skipped.items():
        print(f"{name}: skipped ({reason})")
    if har is not None:
        try:
            har.write_text(json.dumps(traced.to_har(), indent=1))
        except (OSError, ValueError) as problem:
            print(f"labserver: cannot write the HAR to {har}: {problem}", file=sys.stderr)
            return 1
        print(f"\nEvery hop is in {har} (HAR 1.2: open it in a browser's developer tools).")
    return 0


def compile_package() -> str:
    """Write the package's bytecode, as pip does for a package it installs but not for an
    editable one. Python would write it on the first import, except where
    ``PYTHONDONTWRITEBYTECODE`` is set (these test machines set it): there every kernel
    compiled the package again, 0.1 s of each lesson's first cell. Bytecode older than
    its source is ignored, so a later edit is never hidden."""
    package = Path(__file__).resolve().parent
    written = compileall.compile_dir(package, quiet=1, rx=re.compile(r"node_modules"))
    return ("Python bytecode: written for labserver" if written
            else "Python bytecode: labserver did not compile (see above)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args.port)
    if args.command == "setup":
        print(install_node_helpers())
        for said in install_every_optional():
            print(said)
        print(compile_package())
        return 0
    if args.command == "lessons":
        report = _copy_lessons(args.into)  # a broken manifest or lesson stops it here
        if report is None:
            return 1
        print(install_node_helpers())
        print(compile_package())
        _print_copy(args.into, report)
        return 0
    if args.command == "default-ports":
        return _default_ports(args.scenario, args.client)
    if args.command == "trace":
        return _trace(args.url, args.client, args.method, args.har)
    if args.command == "cheatsheet":
        sys.stdout.write(build_cheat_sheet().to_html_page())
        return 0
    try:
        table = matrix_table(args.client, args.scenario)
    except ClientUnavailable as missing:
        print(f"labserver: cannot run {args.client}: {missing}", file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        print(to_markdown(table))
    return 0
