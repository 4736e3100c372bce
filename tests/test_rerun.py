"""A learner re-runs cells: every lesson run twice in one kernel shows the same outputs."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from labserver.teaching.environment import lessons, missing_needs

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = lessons(NOTEBOOKS)

PICTURES = ("image/png", "image/jpeg")
"""Not compared, as nbval does not compare them: a plot of measured times differs on
every run, and its fixed text description beside it is compared instead."""


def _outputs(cell: dict) -> list[dict]:
    """The cell's outputs as a learner sees them: consecutive prints to one stream are
    one text (how the kernel splits them into messages depends on timing)."""
    merged: list[dict] = []
    for output in cell.get("outputs", []):
        output = {k: v for k, v in output.items() if k != "execution_count"}
        if "data" in output:
            output["data"] = {k: v for k, v in output["data"].items() if k not in PICTURES}
        last = merged[-1] if merged else None
        if (last and output["output_type"] == "stream" and last["output_type"] == "stream"
                and last["name"] == output["name"]):
            last["text"] += output["text"]
        else:
            merged.append(output)
    return merged


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_running_a_lesson_twice_in_one_kernel_gives_the_same_outputs(lesson):
    if reasons := missing_needs(lesson):
        pytest.skip("; ".join(reasons))
    notebook = nbformat.read(lesson, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    with client.setup_kernel():
        runs = []
        for _ in range(2):
            for index, cell in code:
                client.execute_cell(cell, index)
            runs.append([_outputs(cell) for _, cell in code])
    assert runs[0] == runs[1]
