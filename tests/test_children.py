"""Children die with the kernel: nginx (or any process the lab starts) ends when the
Python process that started it ends, however it ends, and its ``lab-*`` folder goes too."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labserver import children
from labserver.frameworks import NginxApp

KERNEL = """\
import json, sys, threading, time
from labserver import children
from labserver.frameworks import NginxApp

def start():
    if sys.argv[1] == "nginx":
        app = NginxApp().start()
        found = {"pid": app._process.pid, "folder": str(app._folder), "url": app.url}
    else:
        folder = children.make_folder("probe")
        found = {"pid": children.start_child(["sleep", "600"], folder=folder).pid,
                 "folder": str(folder)}
    print(json.dumps(found), flush=True)

worker = threading.Thread(target=start)  # a thread that ends long before the process does
worker.start()
worker.join()
if sys.argv[2] == "exit":
    sys.exit(0)  # without stop()
time.sleep(600)
"""
"""A kernel in miniature: it starts a child from a worker thread, then ends as told."""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != b"Z"  # a zombie has ended; only its exit status waits to be read


def _kernel(what: str, end: str) -> tuple[subprocess.Popen[str], dict[str, str | int]]:
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL, what, end], text=True,
                              stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(
                                  Path(children.__file__).resolve().parent.parent)})
    assert kernel.stdout is not None
    found = json.loads(kernel.stdout.readline())
    kernel.stdout.close()
    return kernel, found


def _gone_within(seconds: float, pid: int, folder: Path) -> bool:
    deadline = time.monotonic() + seconds
    while (_alive(pid) or folder.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid) and not folder.exists()


WHATS = ["nginx", "sleep"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("what", WHATS)
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_kernel_takes_its_children_and_their_folders_with_it(what, how):
    if what == "nginx" and NginxApp.unavailable_reason():
        pytest.skip(NginxApp.unavailable_reason())
    kernel, found = _kernel(what, "wait")
    pid, folder = int(found["pid"]), Path(str(found["folder"]))
    assert folder.name.startswith(f"lab-{what if what == 'nginx' else 'probe'}-")
    assert _alive(pid) and folder.is_dir()  # the worker thread that started it has ended
    kernel.send_signal(how)
    kernel.wait(10)
    assert _gone_within(5, pid, folder), f"{what} or {folder} outlived its kernel"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("what", WHATS)
def test_a_kernel_that_exits_without_stop_stops_its_children_and_removes_their_folders(what):
    if what == "nginx" and NginxApp.unavailable_reason():
        pytest.skip(NginxApp.unavailable_reason())
    kernel, found = _kernel(what, "exit")
    assert kernel.wait(10) == 0
    pid, folder = int(found["pid"]), Path(str(found["folder"]))
    assert not _alive(pid) and not folder.exists()  # done before the kernel's exit


def test_stop_ends_the_process_before_it_removes_its_folder(monkeypatch):
    folder = children.make_folder("order")
    child = children.start_child(["sleep", "600"], folder=folder)
    seen = []
    remove = children.shutil.rmtree
    monkeypatch.setattr(children.shutil, "rmtree", lambda path, **kwargs: (
        seen.append((Path(path), child.poll())), remove(path, **kwargs)))
    children.stop_child(child)
    assert seen == [(folder, -signal.SIGTERM)] and not folder.exists()
    assert child.pid not in children.running()


def test_a_child_that_runs_too_long_is_killed_with_its_process_group(tmp_path):
    started = tmp_path / "grandchild"
    with pytest.raises(subprocess.TimeoutExpired):
        children.run_child(["sh", "-c", f"sleep 600 & echo $! > {started}; wait"], timeout=1)
    pid = int(started.read_text())
    deadline = time.monotonic() + 5
    while sys.platform.startswith("linux") and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not sys.platform.startswith("linux") or not _alive(pid)


def test_a_folder_whose_owner_and_child_have_ended_is_swept_by_a_later_process(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan, live, foreign = (tmp_path / f"lab-{n}-x" for n in ("orphan", "live", "foreign"))
    for folder in (orphan, live, foreign):
        folder.mkdir()
    (orphan / children.OWNERS).write_text(f"{dead.pid}\n")  # its guardian was killed too
    (live / children.OWNERS).write_text(f"{dead.pid}\n{os.getpid()}\n")  # its child runs
    assert children.sweep_orphaned_folders(tmp_path) == [orphan]
    assert not orphan.exists() and live.is_dir() and foreign.is_dir()  # not ours: untouched
