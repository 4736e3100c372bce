"""The learn command's copy: every lesson, no outputs, and a learner's work never lost."""

import json
import shutil

from labserver.cli import main
from labserver.teaching.environment import lessons as lessons_in
from labserver.teaching.learner_copy import REPOSITORY_LESSONS, copy_lessons


def _lesson(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_copy_has_every_lesson_with_its_cells_and_no_outputs(tmp_path):
    report = copy_lessons(tmp_path)
    assert [r.action for r in report] == ["written"] * len(report)
    lessons = [p.name for p in lessons_in(REPOSITORY_LESSONS)]
    assert [r.name for r in report] == lessons
    for each in report:
        copy, stored = _lesson(tmp_path / each.name), _lesson(REPOSITORY_LESSONS / each.name)
        assert [c["source"] for c in copy["cells"]] == [c["source"] for c in stored["cells"]]
        code = [c for c in copy["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_a_lesson_the_learner_changed_is_kept_and_an_untouched_one_updated(tmp_path):
    source = tmp_path / "notebooks"
    shutil.copytree(REPOSITORY_LESSONS, source)
    into = tmp_path / "learn"
    copy_lessons(into, source)
    edited, untouched = into / "01_anatomy_of_a_redirect.ipynb", into / "02_302_found.ipynb"
    mine = _lesson(edited)
    mine["cells"][1]["source"] = ["my_prediction = 'GET'\n"]
    edited.write_text(json.dumps(mine))
    for name in (edited.name, untouched.name):  # a newer lesson arrives (git pull)
        lesson = _lesson(source / name)
        lesson["cells"][0]["source"] = ["# revised\n"]
        (source / name).write_text(json.dumps(lesson))
    actions = {r.name: r.action for r in copy_lessons(into, source)}
    assert actions[edited.name].startswith("kept")
    assert actions[untouched.name] == "updated"
    assert actions["03_303_see_other.ipynb"] == "up to date"
    assert _lesson(untouched)["cells"][0]["source"] == ["# revised\n"]
    assert _lesson(edited)["cells"][0]["source"] != ["# revised\n"]


def test_the_command_prints_where_the_lessons_are(tmp_path, capsys):
    assert main(["lessons", "--into", str(tmp_path / "learn")]) == 0
    out = capsys.readouterr().out
    assert "00_start_here.ipynb: written" in out and "outputs removed" in out


def test_no_lessons_to_copy_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("labserver.teaching.learner_copy.REPOSITORY_LESSONS", tmp_path)
    monkeypatch.setattr(copy_lessons, "__defaults__", (tmp_path / "learn", tmp_path))
    assert main(["lessons", "--into", str(tmp_path / "learn")]) == 1
    assert "no lessons in" in capsys.readouterr().err
