"""The lessons as files: every one stored fully executed, in order, and linked from the index.

nbval compares a fresh run with the stored outputs; a cell stored without being run has
nothing to compare, so it would pass without checking anything.
"""

import json
import re
from pathlib import Path

import pytest

from labserver.teaching.course import (
    BY_NUMBER,
    COURSE,
    MAX_MINUTES,
    core,
    course_map,
    estimate_minutes,
    footer,
    is_check,
    stated_minutes,
)
from labserver.teaching.environment import lessons, needs_of

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = lessons(NOTEBOOKS)


def _episode(path: Path):
    return BY_NUMBER[path.name.split("_", 1)[0]]


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


EPISODES = [p for p in LESSONS if _episode(p).kind in ("core", "deep dive")]
"""The notebooks a learner works through: each has a time, objectives and an exercise."""


def _code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_code_cell_is_stored_executed_top_to_bottom(lesson):
    counts = [cell["execution_count"] for cell in _code_cells(lesson)]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_stored_output_is_an_error_or_stderr(lesson):
    for cell in _code_cells(lesson):
        for output in cell["outputs"]:
            assert output["output_type"] != "error"
            assert output.get("name") != "stderr"


def test_the_index_links_every_lesson():
    index = (NOTEBOOKS / "00_start_here.ipynb").read_text(encoding="utf-8")
    for lesson in LESSONS[1:]:
        assert f"]({lesson.name})" in index


def test_the_index_shows_the_course_map_as_the_course_is_now():
    cells = _notebook(NOTEBOOKS / "00_start_here.ipynb")["cells"]
    assert "".join(cells[1]["source"]) == "## The course\n\n" + course_map(NOTEBOOKS)


def test_the_course_lists_every_notebook_and_nothing_else():
    assert [p.name for p in LESSONS] == [e.file for e in COURSE]


def test_the_core_path_is_at_most_16_episodes_and_about_6_hours():
    assert len(core()) <= 16
    hours = sum(stated_minutes(_notebook(NOTEBOOKS / e.file)) for e in core()) / 60
    assert hours <= 6.75, f"the core path takes {hours:.1f} hours"


@pytest.mark.parametrize("lesson", EPISODES, ids=lambda p: p.stem)
def test_each_episode_states_an_honest_time_of_at_most_30_minutes(lesson):
    notebook = _notebook(lesson)
    stated, estimate = stated_minutes(notebook), estimate_minutes(notebook)
    assert stated is not None, f"{lesson.name}: its first cell states no time"
    assert estimate <= stated <= MAX_MINUTES, (
        f"{lesson.name} states {stated} minutes; a learner needs about {estimate:.0f}")


@pytest.mark.parametrize("lesson", EPISODES, ids=lambda p: p.stem)
def test_each_episode_opens_with_objectives_and_needs_and_ends_with_key_points(lesson):
    cells = _notebook(lesson)["cells"]
    first = "".join(cells[0]["source"])
    assert "**You'll learn**" in first and "**You need**" in first, lesson.name
    assert any("## Key points" in "".join(c["source"]) for c in cells[-6:]), lesson.name


_NEEDS = re.compile(r"\*\*You need\*\*(.*?)(?:\n\n|$)", re.S)
_NUMBER = re.compile(r"\b(\d\d[a-z]?|R\d)\b")


@pytest.mark.parametrize("lesson", EPISODES, ids=lambda p: p.stem)
def test_an_episode_needs_only_earlier_episodes(lesson):
    needs = _NEEDS.search("".join(_notebook(lesson)["cells"][0]["source"]))
    order = [e.number for e in COURSE]
    here = order.index(_episode(lesson).number)
    for number in _NUMBER.findall(re.sub(r"`[^`]*`|\d{3,}", "", needs.group(1))):
        assert number in order and order.index(number) < here, (
            f"{lesson.name} needs {number}, which is not an earlier episode")


def _visible_code_lines(lesson: Path) -> tuple[int, int]:
    """(lines a learner sees, of which checking code) over the code cells."""
    seen = checking = 0
    for cell in _code_cells(lesson):
        hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
        if hidden:
            continue
        lines = [line for line in "".join(cell["source"]).splitlines() if line.strip()]
        seen += len(lines)
        checking += len(lines) if is_check(cell) else 0
    return seen, checking


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_checks_and_solutions_show_their_output_with_the_source_collapsed(lesson):
    for cell in _code_cells(lesson):
        if is_check(cell):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
                f"{lesson.name}: {''.join(cell['source'])[:60]!r} shows its source")
            # JupyterLab previews a collapsed cell's first line: say what it is, not the check
            assert "".join(cell["source"]).startswith(("# check: ", "# solution: ")), (
                f"{lesson.name}: {''.join(cell['source'])[:60]!r}")


def test_at_most_a_tenth_of_the_code_a_learner_sees_is_checking_code():
    seen = checking = 0
    for lesson in LESSONS:
        s, c = _visible_code_lines(lesson)
        seen, checking = seen + s, checking + c
    assert checking <= seen / 10


_TYPED_NOTE = re.compile(r"\bsolution\((?:[^()]|\([^()]*\))*\bnote\s*=\s*[rbf]*[\"']", re.S)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_solution_carries_a_typed_answer(lesson):
    """A solution is computed from the run; a note typed beside it would state the answer
    in the learner's copy, right under the exercise."""
    for cell in _code_cells(lesson):
        assert not _TYPED_NOTE.search("".join(cell["source"])), lesson.name


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_written_hints_are_questions(lesson):
    for cell in _notebook(lesson)["cells"]:
        for hint in re.findall(r"\*\*Hint[^*]*\*\*:?\s*([^\n]+)", "".join(cell["source"])):
            assert hint.rstrip(" *_").endswith("?"), f"{lesson.name}: hint {hint!r}"


def test_the_readme_shows_the_course_map_as_the_course_is_now():
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    assert course_map(NOTEBOOKS, prefix="notebooks/") in readme


def test_every_public_name_the_readme_names_exists():
    import importlib

    import labserver

    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"labserver\.(\w+)", readme):
        assert hasattr(labserver, name), f"the README names labserver.{name}"
    for topic in re.findall(r"from labserver import ([\w, …]+)", readme):
        for name in (n.strip() for n in topic.replace("…", "").split(",") if n.strip()):
            importlib.import_module(f"labserver.{name}")


def test_readme_lists_every_lesson():
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f"notebooks/{lesson.name}" in readme


GRADED = r"\*\*.+: (\d+ of \d+ right\.|write your prediction first\.)"
"""How a verdict of :mod:`labserver.exercises` starts when rendered as Markdown."""

BLANK_VERDICT = "write your prediction first."
FIX_IT = {"14_what_frameworks_send.ipynb"}
"""Lessons whose exercise is code to fix: the stored verdict grades the broken code, which
is the problem statement, not an answer."""


def _verdicts(lesson: Path) -> list[str]:
    texts = ["".join(output.get("data", {}).get("text/markdown", ""))
             for cell in _code_cells(lesson) for output in cell["outputs"]]
    return [text for text in texts if re.match(GRADED, text)]


@pytest.mark.parametrize("lesson", EPISODES, ids=lambda p: p.stem)
def test_every_lesson_has_a_graded_exercise_with_its_verdict_stored(lesson):
    assert _verdicts(lesson), f"{lesson.name} has no graded exercise with a stored verdict"


@pytest.mark.parametrize("lesson", [p for p in LESSONS if p.name not in FIX_IT],
                         ids=lambda p: p.stem)
def test_no_stored_verdict_names_an_answer_the_learner_has_not_written(lesson):
    """Exercises start from "?", so the stored verdict asks for a prediction; one that
    graded a pre-filled guess would print the lab's answer above the learner's own."""
    for verdict in _verdicts(lesson):
        assert BLANK_VERDICT in verdict.splitlines()[0], f"{lesson.name}: {verdict[:120]}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_solutions_stay_folded_until_opened(lesson):
    for cell in _code_cells(lesson):
        if "exercises.solution(" in "".join(cell["source"]):
            html = "".join(cell["outputs"][0]["data"]["text/html"])
            assert html.startswith("<details><summary>Solution")


NOT_OBSERVING = {"00_start_here.ipynb", "R1_the_3xx_reference.ipynb", "07_which_redirect.ipynb",
                 "R3_glossary.ipynb"}
OBSERVING_LESSONS = [lesson for lesson in LESSONS if lesson.name not in NOT_OBSERVING]
"""Notebooks whose prose states what the lab observed (R1 checks a cited table cell by
cell, 07 grades a function; 00 and the glossary observe nothing)."""


@pytest.mark.parametrize("lesson", OBSERVING_LESSONS, ids=lambda p: p.stem)
def test_observed_sentences_are_printed_by_a_claim_the_run_checks(lesson):
    claims = [cell for cell in _code_cells(lesson) if "labserver.claim(" in "".join(cell["source"])]
    assert claims, f"{lesson.name} states observations without a labserver.claim check"
    for cell in claims:
        sentence = cell["outputs"][0]["data"]["text/markdown"]
        assert sentence, "a claim's stored output is its sentence"


TEACHING_LESSONS = [lesson for lesson in LESSONS
                    if lesson.name not in ("00_start_here.ipynb", "R3_glossary.ipynb")]


@pytest.mark.parametrize("lesson", TEACHING_LESSONS, ids=lambda p: p.stem)
def test_summary_and_further_reading_are_rendered_by_the_lab(lesson):
    sources = ["".join(cell["source"]) for cell in _code_cells(lesson)]
    assert any(s.startswith("labserver.further_reading(") for s in sources), (
        f"{lesson.name}: its sources are rendered from labserver.citations")
    assert any("labserver.recap(" in s for s in sources), (
        f"{lesson.name}: its summary is a recap() whose observed lines the run checks")


_SECTION = re.compile(r"(RFC \d{4})?\s*(§[\d.]+)")
_NAMED = re.compile(r"RFC \d{4}")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_rfc_section_a_lesson_types_is_in_the_citation_table(lesson):
    """Prose may name a section in passing; it must be one the table holds, so a
    corrected number in labserver.citations shows up here wherever a lesson disagrees."""
    from labserver.citations import CITATIONS

    known = {(c.document, c.section) for c in CITATIONS.values()}
    documents = {c.document for c in CITATIONS.values()}
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        text = "".join(cell["source"])
        for document in _NAMED.findall(text):
            assert document in documents, f"{lesson.name} cites {document}, not in the table"
        current = None
        for document, section in _SECTION.findall(text):
            current = document or current
            if current is None:
                continue
            section = section.rstrip(".")
            assert (current, section) in known, (
                f"{lesson.name} types {current} {section}, which labserver.citations does not hold")


_LINK = re.compile(r"\]\(((?:notebooks/)?[^)\s]+\.ipynb)\)")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_link_to_a_lesson_leads_to_one(lesson):
    names = {p.name for p in LESSONS}
    for cell in json.loads(lesson.read_text(encoding="utf-8"))["cells"]:
        for target in _LINK.findall("".join(cell["source"])):
            assert target in names, f"{lesson.name} links {target}, which is not a lesson"


def test_every_link_in_the_readme_leads_to_a_lesson():
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    for target in _LINK.findall(readme):
        assert (NOTEBOOKS.parent / target).exists(), f"README links {target}, which is missing"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_each_notebook_ends_with_the_footer_of_its_place_in_the_course(lesson):
    """Core episodes link the previous and next core episode and their deep dives; a deep
    dive links back to its episode: renumbering cannot leave one pointing elsewhere."""
    cells = _notebook(lesson)["cells"]
    assert "".join(cells[-1]["source"]) == footer(_episode(lesson))


@pytest.mark.parametrize("lesson", LESSONS[1:], ids=lambda p: p.stem)
def test_a_lessons_heading_carries_its_number(lesson):
    heading = "".join(json.loads(lesson.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert heading.startswith(f"# {_episode(lesson).number} · ")


def test_the_jupyterlab_checks_and_the_browser_episodes_are_handed_to_the_workers_first(
        request: pytest.FixtureRequest) -> None:
    """The suite's files in the order the workers get them (``tests/conftest.py``): the
    longest kinds first, so no worker is left alone with a long one at the end."""
    files = list(dict.fromkeys(Path(item.fspath) for item in request.session.items))
    kinds = [("ui" if path.name.startswith("test_jupyterlab_ui")
              else "unit" if path.suffix != ".ipynb"
              else "browser episode" if {"chromium", "firefox"} & set(needs_of(path))
              else "episode") for path in files]
    order = ["ui", "browser episode", "episode", "unit"]
    if set(kinds) != set(order):
        pytest.skip("run the whole suite (pytest --nbval) to see its order")
    assert kinds == sorted(kinds, key=order.index)
