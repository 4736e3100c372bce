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
from dataclasses import dataclass
from pathlib import Path

from .environment import REPOSITORY_LESSONS, lessons

LEARNER_FOLDER = Path("learn")
"""The default folder for the learner's copy; git ignores it."""

MANIFEST = ".copied.json"
"""Beside the copies: the digest of each file as written, so a lesson the learner has not
touched can be brought up to date after a ``git pull`` and one they have is left alone."""


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
    """What happened to one lesson: written fresh, already the same, or kept as the
    learner left it."""

    name: str
    action: str


def copy_lessons(into: Path = LEARNER_FOLDER,
                 source: Path = REPOSITORY_LESSONS) -> list[Copied]:
    """Write an output-free copy of every lesson in ``source`` into ``into``.

    A lesson already in ``into`` that changed since it was copied is the learner's work
    (edited predictions, or a run): it is kept, never overwritten. Delete that file and
    run this again to start the lesson over. One still as it was copied is updated.
    """
    found = lessons(source)
    if not found:
        raise FileNotFoundError(f"no lessons in {source}: run this from a clone of the "
                                "Redirect Lab repository (pip install -r requirements.txt "
                                "installs labserver from it)")
    into.mkdir(parents=True, exist_ok=True)
    manifest_path = into / MANIFEST
    written: dict[str, str] = (json.loads(manifest_path.read_text(encoding="utf-8"))
                               if manifest_path.exists() else {})
    report = []
    for lesson in found:
        fresh = without_outputs(lesson.read_text(encoding="utf-8"))
        fresh_digest = _digest(fresh)
        target = into / lesson.name
        current = _digest(target.read_text(encoding="utf-8")) if target.exists() else None
        if current == fresh_digest:
            action = "up to date"
        elif current is None or current == written.get(lesson.name):
            action = "written" if current is None else "updated"
            target.write_text(fresh, encoding="utf-8")
        else:
            report.append(Copied(lesson.name, "kept (yours; delete it to start over)"))
            continue
        written[lesson.name] = fresh_digest
        report.append(Copied(lesson.name, action))
    manifest_path.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return report


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
