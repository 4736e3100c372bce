"""Sentences a lesson states about what the lab observed, checked by the run that shows it.

nbval proves that a lesson's outputs are the same as last time; it cannot tell whether
the prose beside them is true. So a sentence that states observed behaviour is written
as a claim: the lesson prints it only if its own results bear it out, and otherwise the
cell fails, quoting the sentence and the rows that contradict it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


class ClaimFailed(AssertionError):
    """A lesson's sentence that this run contradicts; the message quotes both."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback; nbval still records a failed cell.
        return [f"ClaimFailed: {self}"]


class Claim:
    """A checked sentence: Markdown in JupyterLab, plain text elsewhere."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence

    def _repr_markdown_(self) -> str:
        return self.sentence

    def __repr__(self) -> str:
        return self.sentence


def _evidence_text(evidence: Any) -> str:
    if evidence is None:
        return ""
    if isinstance(evidence, pd.DataFrame | pd.Series):
        return "\n" + (evidence.to_string() if len(evidence) else "(no rows)")
    return f"\n{evidence}"


def claim(sentence: str, holds: bool, evidence: Any = None) -> Claim:
    """``sentence``, shown because this run bears it out; raises :class:`ClaimFailed`
    quoting it and ``evidence`` (the rows it rests on) when ``holds`` is false."""
    if not holds:
        raise ClaimFailed(f"the lesson says {sentence!r}, but this run disagrees:"
                          f"{_evidence_text(evidence)}")
    return Claim(sentence)


Bullet = str | tuple[str, bool] | tuple[str, bool, Any]
"""A summary line: a rule or advice as plain text, or an observation with its check."""


class Recap:
    """A lesson's summary as a Markdown list, every observed line checked by this run."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)

    def __repr__(self) -> str:
        return self._repr_markdown_()


def recap(*bullets: Bullet) -> Recap:
    """A summary whose observed lines are checked like :func:`claim`.

    A plain string is a rule or advice (cited above it in the lesson); a tuple
    ``(sentence, holds[, evidence])`` is an observation and fails the cell, quoting the
    sentence, when ``holds`` is false. A summary restates what the lesson showed, so the
    run that showed it checks the restatement too.
    """
    lines = []
    for bullet in bullets:
        if isinstance(bullet, str):
            lines.append(bullet)
        else:
            lines.append(claim(*bullet).sentence)
    return Recap(lines)
