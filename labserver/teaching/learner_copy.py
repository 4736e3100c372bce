"""The learner's copy: the lessons without their stored outputs.

The repository keeps every lesson executed, because strict nbval checks each stored
output against a fresh run. A learner must not see those outputs: each "Predict:" would
sit right above its answer. So the learn command copies the lessons with every output
removed into a folder of the learner's own, and never overwrites a lesson the learner
has started.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .environment import REPOSITORY_LESSONS, lessons

LEARNER_FOLDER = Path("learn")
"""The default folder for the learner's copy; git ignores it."""

MANIFEST = ".copied.json"
"""Beside the copies: the digest of each file as written, so a lesson the learner has not
touched can be brought up to date after a ``git pull`` and one they have is left alone."""

PARTIAL = ".part"
"""The ending of a file being written: it becomes a lesson only when it is whole (a
rename), so a write cut short (a full disk, a kill) leaves at most one of these."""

NOT_A_NOTEBOOK = ".not-a-notebook"
"""Where a file at a lesson's name that is not a notebook is moved before the lesson is
written again (a write cut short by a version without atomic writes, say)."""


class LearnerCopyError(ValueError):
    """What stops the copy, in one sentence: a broken manifest or lesson."""


def without_outputs(text: str) -> str:
    """A notebook's JSON with every code cell's outputs and execution count cleared."""
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Copied:
    """What happened to one lesson: written fresh, already the same, kept as the learner
    left it, or refused."""

    name: str
    action: str


def copy_lessons(into: Path = LEARNER_FOLDER,
                 source: Path = REPOSITORY_LESSONS) -> list[Copied]:
    """Write an output-free copy of every lesson in ``source`` into ``into``.

    A lesson already in ``into`` that changed since it was copied is the learner's work
    (edited predictions, or a run): it is kept, never overwritten. Delete that file and
    run this again to start the lesson over. One still as it was copied is updated.

    Each file is written whole or not at all (a temporary file in ``into``, then a
    rename). A file at a lesson's name that is not a notebook (cut short by an older
    copy, say) is nobody's work: it is moved aside to ``<name>.not-a-notebook`` and the
    lesson written again. A link at a lesson's name is refused, never written through.
    Raises :class:`LearnerCopyError` for a broken manifest or lesson, before writing
    anything.
    """
    found = lessons(source)
    if not found:
        raise FileNotFoundError(f"no lessons in {source}: run this from a clone of the "
                                "Redirect Lab repository (pip install -r requirements.txt "
                                "installs labserver from it)")
    fresh = {lesson.name: _without_outputs(lesson) for lesson in found}
    into.mkdir(parents=True, exist_ok=True)
    manifest_path = into / MANIFEST
    written = _manifest(manifest_path)
    for stale in into.glob(f".*{PARTIAL}"):  # left by a copy that was cut short
        stale.unlink(missing_ok=True)
    report = []
    for name, text in fresh.items():
        target = into / name
        if target.is_symlink():
            report.append(Copied(name, f"refused: {target} is a link (to {os.readlink(target)}); "
                                       "the copy never writes through one: remove it to get "
                                       "the lesson"))
            continue
        fresh_digest = _digest(text.encode())
        current = _digest(target.read_bytes()) if target.exists() else None
        if current == fresh_digest:
            action = "up to date"
        elif current is None or current == written.get(name):
            action = "written" if current is None else "updated"
            _write_whole(target, text)
        elif not _is_notebook(target):
            os.replace(target, target.with_name(name + NOT_A_NOTEBOOK))
            _write_whole(target, text)
            action = (f"written again (the file there was not a notebook: moved to "
                      f"{name + NOT_A_NOTEBOOK})")
        else:
            report.append(Copied(name, "kept (yours; delete it to start over)"))
            continue
        written[name] = fresh_digest
        report.append(Copied(name, action))
    _write_whole(manifest_path, json.dumps(written, indent=1, sort_keys=True) + "\n")
    return report


def _without_outputs(lesson: Path) -> str:
    """The lesson's text without outputs, or a LearnerCopyError saying what is wrong."""
    try:
        return without_outputs(lesson.read_text(encoding="utf-8"))
    except UnicodeDecodeError as problem:
        raise LearnerCopyError(f"{lesson} is not UTF-8 text (byte {problem.start}): "
                               "restore it from git (git checkout -- notebooks)") from None
    except (ValueError, KeyError, TypeError) as problem:
        raise LearnerCopyError(f"{lesson} is not a notebook ({type(problem).__name__}: "
                               f"{problem}): restore it from git (git checkout -- notebooks)"
                               ) from None


def _manifest(path: Path) -> dict[str, str]:
    """What the last copy wrote, by lesson name; a LearnerCopyError if it is broken."""
    if not path.exists():
        return {}
    fix = ("delete it and run again (lessons already there are then all kept as yours)")
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise LearnerCopyError(f"{path} is empty: {fix}")
        found: Any = json.loads(text)
    except UnicodeDecodeError:
        raise LearnerCopyError(f"{path} is not UTF-8 text: {fix}") from None
    except json.JSONDecodeError as problem:
        raise LearnerCopyError(f"{path} is not JSON ({problem}): {fix}") from None
    if not isinstance(found, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
        raise LearnerCopyError(f"{path} is not an object of lesson names and digests "
                               f"(it holds a {type(found).__name__}): {fix}")
    return found


def _is_notebook(path: Path) -> bool:
    """Whether ``path`` holds a notebook (JSON with a list of cells), as Jupyter writes
    every file it saves: anything else is a write cut short, not the learner's work."""
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError among them
        return False
    return isinstance(notebook, dict) and isinstance(notebook.get("cells"), list)


def _write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all: into a temporary file beside it,
    flushed to disk, then renamed over it (which replaces a link, never follows it)."""
    mode = target.stat().st_mode & 0o777 if target.is_file() else 0o644
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL,
                                       dir=target.parent)
    try:
        os.chmod(partial, mode)  # not mkstemp's 0600: the lesson reads as any file
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
