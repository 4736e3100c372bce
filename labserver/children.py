"""The processes the lab starts (nginx, Node, a browser's driver, a build) and their
temporary ``lab-*`` folders: each ends when the Python process that started it ends,
however that ends, and its folder goes with it.

Every child is started here, by :func:`start_child`, and three things see to it:

* a normal end of the kernel (``atexit``) stops every child still running, its process
  group first and then its folder, so nothing is deleted under a running server;
* on Linux each child asks the kernel for ``SIGKILL`` when its parent goes
  (``PR_SET_PDEATHSIG``), which covers ``SIGTERM`` and ``SIGKILL`` of the kernel. The
  kernel sends it when the *thread* that forked the child ends, not the process, and the
  lab starts children from worker threads too: so every child is forked by one daemon
  thread of this module that lives as long as the process does;
* a guardian, one small Python process per lab process, holds the read end of a pipe
  that only this process writes to. When this process ends, however it ends, the pipe
  closes: the guardian then ends what is left of each child's process group (after a
  grace period, for a driver that shuts its browser down when its input closes) and
  removes each folder. That also covers macOS, which has no ``PR_SET_PDEATHSIG``.

Each child leads a process group of its own, so stopping it stops what it started too
(and a Ctrl-C in a terminal reaches the lab, not its servers directly).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import ctypes
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

STOP_SECONDS = 5.0
"""How long a child is given to end by itself before it is killed."""

FOLDER_PREFIX = "lab-"
"""Every child's temporary folder is ``lab-<name>-…`` in the system's temporary folder."""

_PR_SET_PDEATHSIG = 1
_POSIX = os.name == "posix"

GUARDIAN = """\
import json, os, shutil, signal, sys, time

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True

def end(pids, how, seconds):
    for pid in pids:
        try:
            os.killpg(pid, how)
        except OSError:
            pass
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)

signal.signal(signal.SIGINT, signal.SIG_IGN)
children, folders = set(), set()
for line in sys.stdin:
    what, value, add = json.loads(line)
    watched = children if what == "child" else folders
    if add:
        watched.add(value)
    else:
        watched.discard(value)
grace = float(sys.argv[1])
end(children, 0, grace)
end(children, signal.SIGTERM, grace)
end(children, signal.SIGKILL, grace)
for folder in folders:
    shutil.rmtree(folder, ignore_errors=True)
"""
"""The guardian's program: it reads what to watch until its input closes, then ends it."""


class _Registry:
    """This process's live children and folders, and its guardian."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.children: dict[int, tuple[subprocess.Popen[Any], bool]] = {}
        """Each child by its pid, and whether it ends itself when its input closes."""
        self.folders: set[Path] = set()
        self.owners: dict[int, Path] = {}
        """The folder of each child that has one, by the child's pid."""
        self.guardian: subprocess.Popen[bytes] | None = None
        self.spawner: _Spawner | None = None
        self.swept = False
        """Whether this process has looked for folders that others left behind."""
        self.pid = os.getpid()

    def tell(self, what: str, value: int | str, *, add: bool) -> None:
        """Tell the guardian to watch (or to forget) a child or a folder."""
        if not _POSIX:
            return
        if self.guardian is None or self.guardian.poll() is not None:
            if self.guardian is not None and self.guardian.stdin is not None:
                _close(self.guardian.stdin)  # the last one's, which has ended
            self.guardian = subprocess.Popen(
                [sys.executable, "-I", "-c", GUARDIAN, str(STOP_SECONDS)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            for pid in self.children:
                self._write(["child", pid, True])
            for folder in self.folders:
                self._write(["folder", str(folder), True])
        self._write([what, value, add])

    def _write(self, message: list[Any]) -> None:
        assert self.guardian is not None and self.guardian.stdin is not None
        try:
            self.guardian.stdin.write(json.dumps(message).encode() + b"\n")
            self.guardian.stdin.flush()
        except OSError:
            pass  # the guardian is gone: the next message starts another


_REGISTRY = _Registry()


class _Spawner:
    """One daemon thread that forks every child, so that ``PR_SET_PDEATHSIG`` fires when
    the process ends and not when the worker thread that asked for the child does."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="lab-children", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._jobs.get()()

    def popen(self, command: list[str], kwargs: dict[str, Any]) -> subprocess.Popen[Any]:
        done: concurrent.futures.Future[subprocess.Popen[Any]] = concurrent.futures.Future()

        def job() -> None:
            try:
                done.set_result(subprocess.Popen(command, **kwargs))
            except BaseException as problem:  # handed to the caller, raised there
                done.set_exception(problem)
        self._jobs.put(job)
        return done.result()


_PRCTL: Callable[..., int] | None = None


def _child_side(parent: int, *, die_with_parent: bool) -> Callable[[], None]:
    """What the child runs between fork and exec: a process group of its own and, on
    Linux, ``SIGKILL`` when its parent ends (or at once if it has ended already)."""
    global _PRCTL
    if die_with_parent and sys.platform == "linux" and _PRCTL is None:
        _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
    prctl = _PRCTL if die_with_parent else None

    def child_side() -> None:
        os.setpgid(0, 0)
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)
    return child_side


OWNERS = ".lab-owners"
"""In each child's folder: the pid of the process that made it, then its child's."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's: not ours to judge
    return True


def sweep_orphaned_folders(where: Path | None = None) -> list[Path]:
    """Remove the ``lab-*`` folders in ``where`` (the temporary folder) whose owner and
    child have both ended: what a guardian ended along with its kernel left behind. Only
    folders this module made (they hold :data:`OWNERS`) are touched. Returns them."""
    removed = []
    for folder in Path(where or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            pids = [int(word) for word in (folder / OWNERS).read_text().split()]
        except (OSError, ValueError):
            continue  # not one of ours, or being written
        if pids and not any(_pid_alive(pid) for pid in pids):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def make_folder(name: str) -> Path:
    """A new temporary folder ``lab-<name>-…`` for a child: removed by :func:`stop_child` once
    the child has ended, or by the guardian if this process ends first (and, should the
    guardian have been killed too, by the first :func:`make_folder` of a later process)."""
    with _REGISTRY.lock:
        sweep, _REGISTRY.swept = not _REGISTRY.swept, True
    if sweep:
        sweep_orphaned_folders()
    safe = "".join(c if c.isalnum() else "-" for c in name.lower())
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{safe}-"))
    (folder / OWNERS).write_text(f"{os.getpid()}\n")
    with _REGISTRY.lock:
        _REGISTRY.folders.add(folder)
        _REGISTRY.tell("folder", str(folder), add=True)
    return folder


def start_child(command: list[str], *, folder: Path | None = None,
          ends_when_input_closes: bool = False, **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(command, **kwargs)`` for a child that ends with this process.

    ``folder`` (from :func:`make_folder`) is the child's: :func:`stop_child` removes it once the
    child has ended. A child that ``ends_when_input_closes`` (a Node driver, which closes
    its browser first) is not killed outright when this process ends: its input closes
    then, and it is given :data:`STOP_SECONDS` to end by itself. ``kwargs`` may not set
    ``preexec_fn``, ``start_new_session`` or ``process_group``: this module owns them.
    """
    if not _POSIX:
        process: subprocess.Popen[Any] = subprocess.Popen(command, **kwargs)
    else:
        kwargs = {**kwargs, "preexec_fn": _child_side(
            os.getpid(), die_with_parent=not ends_when_input_closes)}
        with _REGISTRY.lock:
            if _REGISTRY.spawner is None:
                _REGISTRY.spawner = _Spawner()
            spawner = _REGISTRY.spawner
        process = spawner.popen(command, kwargs)
    with _REGISTRY.lock:
        _REGISTRY.children[process.pid] = (process, ends_when_input_closes)
        _REGISTRY.tell("child", process.pid, add=True)
        if folder is not None:
            _REGISTRY.owners[process.pid] = folder
            with (folder / OWNERS).open("a") as owners:
                owners.write(f"{process.pid}\n")
    return process


def _signal_group(process: subprocess.Popen[Any], how: int) -> None:
    if not _POSIX:
        if how == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()
        return
    try:
        os.killpg(process.pid, how)
    except OSError:
        pass  # the group has ended already


def stop_child(process: subprocess.Popen[Any], *, seconds: float = STOP_SECONDS) -> None:
    """End a child started by :func:`start_child`, then remove its folder.

    A child that ends when its input closes has its input closed; any other's process
    group gets ``SIGTERM``. After ``seconds`` the group gets ``SIGKILL``. Its pipes are
    closed.
    """
    with _REGISTRY.lock:
        by_input = _REGISTRY.children.get(process.pid, (process, False))[1]
    if process.poll() is None:
        if by_input and process.stdin is not None:
            _close(process.stdin)
        else:
            _signal_group(process, signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            _close(stream)
    with _REGISTRY.lock:
        _REGISTRY.children.pop(process.pid, None)
        folder = _REGISTRY.owners.pop(process.pid, None)
        _REGISTRY.tell("child", process.pid, add=False)
    if folder is not None:
        remove_folder(folder)


def _close(stream: IO[Any]) -> None:
    try:
        stream.close()
    except OSError:
        pass  # a broken pipe on the flush of a closing input


def remove_folder(folder: Path) -> None:
    """Remove a folder from :func:`make_folder` (one whose child never started, say)."""
    shutil.rmtree(folder, ignore_errors=True)
    with _REGISTRY.lock:
        _REGISTRY.folders.discard(folder)
        _REGISTRY.tell("folder", str(folder), add=False)


def run_child(command: list[str], *, timeout: float | None = None, input: Any = None,
        capture_output: bool = False, check: bool = False, **kwargs: Any
        ) -> subprocess.CompletedProcess[Any]:
    """``subprocess.run`` for a child that ends with this process; when ``timeout``
    passes its whole process group is killed and ``subprocess.TimeoutExpired`` raised."""
    if capture_output:
        kwargs = {**kwargs, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if input is not None:
        kwargs = {**kwargs, "stdin": subprocess.PIPE}
    process = start_child(command, **kwargs)
    try:
        out, err = process.communicate(input, timeout)
    except BaseException:
        _signal_group(process, signal.SIGKILL)
        process.communicate()
        raise
    finally:
        stop_child(process)
    if check and process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, err)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def running() -> list[int]:
    """The pids of the children started here that have not been stopped."""
    with _REGISTRY.lock:
        return list(_REGISTRY.children)


def _stop_all() -> None:
    """At a normal exit: every child still running is stopped, then its folder removed."""
    if _REGISTRY.pid != os.getpid():
        return
    with _REGISTRY.lock:
        children = [process for process, _ in _REGISTRY.children.values()]
    for process in children:
        stop_child(process, seconds=STOP_SECONDS / 2)
    with _REGISTRY.lock:
        folders = list(_REGISTRY.folders)
    for folder in folders:
        remove_folder(folder)
    guardian = _REGISTRY.guardian
    if guardian is not None and guardian.stdin is not None:
        _close(guardian.stdin)  # nothing left to watch: it ends
        try:
            guardian.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass  # it ends by itself once it has read its input


def _after_fork_in_child() -> None:
    """A forked copy of the lab owns none of its parent's children, guardian or thread."""
    global _REGISTRY
    _REGISTRY = _Registry()


atexit.register(_stop_all)
if _POSIX:
    os.register_at_fork(after_in_child=_after_fork_in_child)
