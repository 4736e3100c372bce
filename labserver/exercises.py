"""Exercises: the learner predicts, the lab grades against its own live result.

A grader names exactly which prediction was wrong and why, citing the journal's hops
for that experiment, so the feedback is the lesson's evidence, not an answer key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .display import cell_label


@dataclass
class Verdict:
    """The grader's answer: which predictions were right, and what the lab saw instead."""

    title: str
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def _lines(self) -> list[str]:
        total = len(self.right) + len(self.wrong)
        head = f"{self.title}: {len(self.right)} of {total} right."
        if not self.wrong:
            return [head + " Well predicted."]
        return [head, *self.wrong]

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_markdown_(self) -> str:
        head, *rest = self._lines()
        return "\n".join([f"**{head}**", "", *(f"- {line}" for line in rest)])


def grade_methods(predictions: dict[str, str], observed: pd.DataFrame, code: int) -> Verdict:
    """Grade predictions of the method that reaches the target after ``code``.

    ``predictions`` maps each method sent to the method you expect at ``/echo`` (or
    "refused"); ``observed`` is a tidy frame from :func:`labserver.run_matrix`.
    """
    rows = observed[observed["code"] == code].set_index("method")
    verdict = Verdict(f"{code}, method by method")
    for method, expected in predictions.items():
        if method not in rows.index:
            verdict.wrong.append(f"{method}: the lab ran no {method} through {code} "
                                 "(check the method's spelling)")
            continue
        row = rows.loc[method]
        seen = cell_label(row)
        if expected.strip().upper() == seen.upper():
            verdict.right.append(method)
        else:
            verdict.wrong.append(f"{method}: you said {expected}, the journal shows "
                                 f"{seen} ({row['hops']})")
    return verdict
