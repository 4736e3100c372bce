"""The learn command's copy: every lesson, no outputs, and a learner's work never lost."""

import json
import shutil

import pytest

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


def _small_source(tmp_path, names=("01_a.ipynb", "02_b.ipynb")):
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in names:
        shutil.copy(REPOSITORY_LESSONS / "01_anatomy_of_a_redirect.ipynb", source / name)
    return source


def test_a_lesson_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    source, into = _small_source(tmp_path), tmp_path / "learn"

    def full_disk(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("labserver.teaching.learner_copy.os.replace", full_disk)
    with pytest.raises(OSError):
        copy_lessons(into, source)
    assert sorted(p.name for p in into.iterdir()) == []  # no half lesson, no temporary file


def test_a_file_cut_short_is_not_kept_as_the_learners_but_moved_aside_and_written_again(
        tmp_path):
    source, into = _small_source(tmp_path), tmp_path / "learn"
    copy_lessons(into, source)
    cut = into / "01_a.ipynb"
    whole = cut.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])  # what a kill mid-write used to leave
    (into / ".01_a.ipynb.x1y2.part").write_text("{")  # and what one now may leave
    actions = {r.name: r.action for r in copy_lessons(into, source)}
    assert actions["01_a.ipynb"].startswith("written again (the file there was not a notebook")
    assert cut.read_bytes() == whole
    assert (into / "01_a.ipynb.not-a-notebook").read_bytes() == whole[: len(whole) // 2]
    assert not list(into.glob("*.part"))
    assert copy_lessons(into, source)[0].action == "up to date"


def test_a_learners_valid_notebook_is_still_kept(tmp_path):
    source, into = _small_source(tmp_path), tmp_path / "learn"
    copy_lessons(into, source)
    (into / "01_a.ipynb").write_text(json.dumps({"cells": [], "nbformat": 4}))
    assert copy_lessons(into, source)[0].action.startswith("kept")


@pytest.mark.parametrize("manifest, said", [
    (b"", "is empty"), (b"{", "is not JSON"), (b"[]", "holds a list"),
    (b'{"01_a.ipynb": 3}', "is not an object of lesson names and digests"),
    (b"\xff\xfe", "is not UTF-8 text")])
def test_a_broken_manifest_is_one_line_and_exit_1_and_nothing_is_written(
        tmp_path, monkeypatch, capsys, manifest, said):
    source, into = _small_source(tmp_path), tmp_path / "learn"
    into.mkdir()
    (into / ".copied.json").write_bytes(manifest)
    monkeypatch.setattr(copy_lessons, "__defaults__", (into, source))
    assert main(["lessons", "--into", str(into)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and "Traceback" not in err
    assert err.startswith("labserver: cannot copy the lessons: ") and "delete it" in err
    assert sorted(p.name for p in into.iterdir()) == [".copied.json"]


@pytest.mark.parametrize("lesson, said", [(b"\xff{}", "is not UTF-8 text"),
                                          (b"[]", "is not a notebook")])
def test_a_broken_lesson_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys, lesson, said):
    source, into = _small_source(tmp_path), tmp_path / "learn"
    (source / "02_b.ipynb").write_bytes(lesson)
    monkeypatch.setattr(copy_lessons, "__defaults__", (into, source))
    assert main(["lessons", "--into", str(into)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and "02_b.ipynb" in err
    assert not (into / "01_a.ipynb").exists()  # checked before anything is written


def test_an_empty_into_is_refused_in_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["lessons", "--into", ""])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.count("\n") == 1 and "--into" in err


@pytest.mark.parametrize("link_to", ["outside/elsewhere.ipynb", "missing.ipynb"])
def test_a_link_at_a_lesson_name_is_refused_and_never_written_through(tmp_path, link_to):
    source, into = _small_source(tmp_path), tmp_path / "learn"
    into.mkdir()
    target = tmp_path / link_to
    (into / "01_a.ipynb").symlink_to(target)
    actions = {r.name: r.action for r in copy_lessons(into, source)}
    assert actions["01_a.ipynb"].startswith("refused: ") and "is a link" in actions["01_a.ipynb"]
    assert actions["02_b.ipynb"] == "written"
    assert not target.exists() and (into / "01_a.ipynb").is_symlink()
