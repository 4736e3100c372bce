"""The lessons as files: every one stored fully executed, in order, and linked from the index.

nbval compares a fresh run with the stored outputs; a cell stored without being run has
nothing to compare, so it would pass without checking anything.
"""

import json
import re
from pathlib import Path

import pytest

from labserver.teaching.environment import lessons

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = lessons(NOTEBOOKS)


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


def test_readme_lists_every_lesson():
    readme = (NOTEBOOKS.parent / "README.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f"notebooks/{lesson.name}" in readme


GRADED = r"\*\*.+: (\d+ of \d+ right\.|write your prediction first\.)"
"""How a verdict of :mod:`labserver.exercises` starts when rendered as Markdown."""

BLANK_VERDICT = "write your prediction first."
FIX_IT = {"19_what_frameworks_send.ipynb"}
"""Lessons whose exercise is code to fix: the stored verdict grades the broken code, which
is the problem statement, not an answer."""


def _verdicts(lesson: Path) -> list[str]:
    texts = ["".join(output.get("data", {}).get("text/markdown", ""))
             for cell in _code_cells(lesson) for output in cell["outputs"]]
    return [text for text in texts if re.match(GRADED, text)]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
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


NOT_OBSERVING = {"00_start_here.ipynb", "07_the_3xx_reference.ipynb", "22_which_redirect.ipynb"}
OBSERVING_LESSONS = [lesson for lesson in LESSONS if lesson.name not in NOT_OBSERVING]
"""Lessons whose prose states what the lab observed (07 checks a cited table cell by
cell, 20 grades a function; 00 observes nothing)."""


@pytest.mark.parametrize("lesson", OBSERVING_LESSONS, ids=lambda p: p.stem)
def test_observed_sentences_are_printed_by_a_claim_the_run_checks(lesson):
    claims = [cell for cell in _code_cells(lesson) if "labserver.claim(" in "".join(cell["source"])]
    assert claims, f"{lesson.name} states observations without a labserver.claim check"
    for cell in claims:
        sentence = cell["outputs"][0]["data"]["text/markdown"]
        assert sentence, "a claim's stored output is its sentence"


TEACHING_LESSONS = [lesson for lesson in LESSONS if lesson.name[:2] != "00"]


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
    from labserver import CITATIONS

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


@pytest.mark.parametrize("position", range(len(LESSONS)), ids=lambda i: LESSONS[i].stem)
def test_each_lesson_ends_linking_the_previous_and_next_in_the_path(position):
    """The path is the files' order; each footer follows it, so renumbering cannot leave a
    lesson pointing back to where it used to be."""
    cells = json.loads(LESSONS[position].read_text(encoding="utf-8"))["cells"]
    footer = "".join(cells[-1]["source"])
    links = _LINK.findall(footer)
    expected = ([LESSONS[position - 1].name] if position else []) + ["00_start_here.ipynb"]
    expected += [LESSONS[position + 1].name] if position + 1 < len(LESSONS) else []
    assert links == expected, f"{LESSONS[position].name}'s footer links {links}"


@pytest.mark.parametrize("lesson", LESSONS[1:], ids=lambda p: p.stem)
def test_a_lessons_heading_carries_its_number(lesson):
    heading = "".join(json.loads(lesson.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert heading.startswith(f"# {lesson.name[:2]} · ")
