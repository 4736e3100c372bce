"""Exercises: the learner predicts, the lab grades against its own live result.

A grader names exactly which prediction was wrong and why, citing what the lab saw
(the journal's hops, where there are some), so the feedback is the lesson's evidence,
not an answer key. Solutions are computed too, and shown folded until opened.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from flask import Blueprint, Response

from ..clients import Client, HttpxClient, RequestsClient
from ..experiments.observe import Observation, Request, observe
from ..server.lab import LabServer
from ..server.responses import json_error
from ..server.targets import UnsafeTarget, safe_target
from ..vocabulary import BODY, BODY_METHODS, METHODS, SYNONYMS
from .display import body_label, cell_label
from .reference import SITUATIONS, situations_table


@dataclass
class Verdict:
    """The grader's answer: which predictions were right, and what the lab saw instead."""

    title: str
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)

    def _lines(self) -> list[str]:
        graded = len(self.right) + len(self.wrong)
        if not graded:
            return [f"{self.title}: write your prediction first. Replace each {BLANK!r} in "
                    "the cell with what you expect, then run it again."]
        head = f"{self.title}: {len(self.right)} of {graded} right."
        if not self.wrong and not self.blank:
            return [head + " Well predicted."]
        left = ([f"still {BLANK!r}, not graded yet: {', '.join(self.blank)}"]
                if self.blank else [])
        return [head, *self.wrong, *left]

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_markdown_(self) -> str:
        head, *rest = map(_markdown_literal, self._lines())
        return "\n".join([f"**{head}**", "", *(f"- {line}" for line in rest)])


def _markdown_literal(text: str) -> str:
    """``text`` shown as written: Markdown's special characters escaped (a target written
    with backslashes keeps them all) and URLs not turned into links, so nothing in a
    verdict invites a click off the lab."""
    text = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
    return re.sub(r":(?=//)", r"\\:", text)


class PredictionError(ValueError):
    """Something the grader cannot read; IPython shows the message, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"Cannot grade this: {self}"]


BLANK = "?"
"""What an exercise starts from: the grader asks for a prediction instead of grading it,
so no stored verdict names an answer the learner has not written."""


def _is_blank(value: object) -> bool:
    return value is None or value is ... or str(value).strip() in ("", BLANK)


def _normal(value: object) -> str:
    """Predictions are compared as words: ``True``, "true" and "yes" are one answer,
    "PUT, body dropped" is "put, body dropped", and a learner's plain words for the lab's
    own (:data:`~labserver.vocabulary.SYNONYMS`: "GET without body", "GET, no body",
    "not followed") read as those words."""
    text = re.sub(r"[()]|\s+-\s+|\s+", " ", str(value)).strip().lower().rstrip(".")
    for plain, word in sorted(SYNONYMS.items(), key=lambda item: -len(item[0])):
        text = re.sub(rf"(?<![\w+]){re.escape(plain)}(?!\w)", word, text)
    text = re.sub(r"[\s,;:]*\+\s*body", " + body", text)
    text = re.sub(r"[\s,;:]*\bbody dropped", ", body dropped", text).lstrip(", ")
    text = re.sub(r"\s*,\s*", ", ", text)
    return {"true": "yes", "false": "no"}.get(text, text)


Answer = object
"""What the lab saw for one case; a ``frozenset`` when more than one answer is right."""


ALSO_RIGHT: dict[str, frozenset[str]] = {
    "removed": frozenset({"dropped", "stripped", "not sent", "gone", "not kept"}),
    "stripped": frozenset({"removed", "not sent", "not forwarded", "not sent on"}),
    "kept": frozenset({"stays", "stayed", "sent", "still sent"}),
    "leaked": frozenset({"forwarded", "sent on", "sent to the other origin"}),
}
"""Where the lab's word is about a header or a credential, the plain words that say the
same of it: a learner asked whether ``Content-Language`` survives who writes "dropped"
means what the glossary calls "removed"."""


def _matches(expected: object, seen: Answer) -> bool:
    said = _normal(expected)
    for option in seen if isinstance(seen, frozenset) else (seen,):
        lab = _normal(option)
        if said == lab or said in ALSO_RIGHT.get(lab, ()):
            return True
        # "GET, no body" for a request that never had one says what the lab saw ("GET")
        if "body" not in lab and said == f"{lab}, body dropped" and re.search(
                r"\bno body\b|\bwithout\b", str(expected).lower()):
            return True
    return False


def _said(seen: Answer) -> str:
    if isinstance(seen, frozenset):
        return " or ".join(sorted(map(str, seen)))
    return str(seen)


def grade(title: str, predictions: Mapping[Any, object], observed: Mapping[Any, object],
          evidence: Mapping[Any, str] | None = None) -> Verdict:
    """Compare each prediction with what the lab observed for the same key.

    ``evidence`` (the journal's hops, say) is quoted after every miss, so the learner
    sees why, not only that, the prediction was wrong.
    """
    if not isinstance(predictions, Mapping):
        raise PredictionError("write the prediction as a dict, one entry per case, such as "
                              f"{{'POST': 'GET'}}; this is a {type(predictions).__name__}")
    verdict = Verdict(title)
    keys = {_normal(key): key for key in observed}  # 301 and "301", "GET" and "get" match
    for key, expected in predictions.items():
        if _is_blank(expected):
            verdict.blank.append(str(key))
            continue
        if _normal(key) not in keys:
            verdict.wrong.append(f"{key}: the lab has no result for {key!r} (check the "
                                 f"spelling; it has: {', '.join(map(str, observed))})")
            continue
        seen = observed[keys[_normal(key)]]
        if _matches(expected, seen):
            verdict.right.append(str(key))
            continue
        if "body" not in _normal(expected) and "body" in _normal(_said(seen)):
            verdict.wrong.append(f"{key}: say what became of the body too, such as "
                                 f"'{expected} + body' or '{expected}, body dropped'")
            continue
        quoted = evidence.get(keys[_normal(key)]) if evidence else None
        why = f" ({quoted})" if quoted else ""
        verdict.wrong.append(f"{key}: you said {expected}, the lab saw {_said(seen)}{why}")
    return verdict


def grade_column(title: str, predictions: Mapping[Any, object], frame: pd.DataFrame, *,
                 key: str, value: str | Callable[[pd.Series], object],
                 evidence: str | None = None) -> Verdict:
    """:func:`grade` against a lesson's own table: ``key`` names the row (a client, a
    target), ``value`` the column (or a function of the row) that was predicted."""
    rows = frame.reset_index() if key not in frame.columns else frame
    values = ([value(r) for _, r in rows.iterrows()] if callable(value)
              else list(rows[value]))
    observed = dict(zip(rows[key], values, strict=True))
    quoted = dict(zip(rows[key], rows[evidence], strict=True)) if evidence else None
    return grade(title, predictions, observed, quoted)


def grade_methods(predictions: dict[str, str], observed: pd.DataFrame, code: int, *,
                  body: bool = True) -> Verdict:
    """Grade predictions of what reaches the target after ``code``, method by method.

    ``predictions`` maps each method sent to what you expect at ``/echo``: the method,
    and for a request with a body what became of it ("PUT + body", "GET, body dropped"),
    or "refused"; ``observed`` is a tidy frame from :func:`labserver.run_matrix`. With
    ``body=False`` only the method is graded (a whole matrix, line by line).
    """
    return grade_column(f"{code}, method by method", predictions,
                        observed[observed["code"] == code], key="method",
                        value=body_label if body else cell_label, evidence="hops")


def grade_arrivals(title: str, predictions: Mapping[Any, object],
                   observations: Mapping[Any, Observation]) -> Verdict:
    """Grade what arrived at the target (:attr:`Observation.arrived`: method and body)
    for each observation, quoting its hops after every miss."""
    return grade(title, predictions, {key: seen.arrived for key, seen in observations.items()},
                 {key: seen.describe() for key, seen in observations.items()})


def grade_situations(predictions: Mapping[str, object]) -> Verdict:
    """Grade the code chosen for each of :data:`SITUATIONS` against :func:`choose_redirect`,
    quoting its reason after a miss."""
    table = situations_table(SITUATIONS)
    right = {situation: frozenset(map(str, codes))
             for situation, codes in table["right codes"].items()}
    return grade("Which redirect?", predictions, right, dict(table["why"]))


def grade_matrix(predictions: Mapping[int, str], observed: pd.DataFrame) -> Verdict:
    """Grade a whole method × code matrix, written one line per code.

    Each value lists the method you expect at the target for GET, HEAD, POST, PUT,
    PATCH, DELETE and OPTIONS, in that order (the matrix's row order), separated by
    spaces: ``{303: "GET HEAD GET GET GET GET GET"}``.
    """
    if not isinstance(predictions, Mapping):
        raise PredictionError("write the matrix as a dict of code → line, such as "
                              '{303: "GET HEAD GET GET GET GET GET"}')
    verdict = Verdict("The whole matrix, cell by cell")
    for code, line in predictions.items():
        if _is_blank(line):
            verdict.blank.append(str(code))
            continue
        words = str(line).split()
        if len(words) != len(METHODS):
            raise PredictionError(f"the line for {code} has {len(words)} words; write one "
                                  f"per method, in this order: {' '.join(METHODS)}")
        part = grade_methods(dict(zip(METHODS, words, strict=True)), observed, int(code),
                             body=False)
        verdict.right += [f"{code} {method}" for method in part.right]
        verdict.wrong += [f"{code} {miss}" for miss in part.wrong]
        verdict.blank += [f"{code} {method}" for method in part.blank]
    return verdict


# -- fix a broken redirect ------------------------------------------------------------

APP_CLIENTS: tuple[type[Client], ...] = (HttpxClient, RequestsClient)
"""The clients a fixed redirect must keep the method and body for. urllib is left out on
purpose: it refuses to follow any redirect of a body (episode 08), so no fix could pass."""


def check_redirect_app(blueprint: Blueprint, path: str, target: str = "/echo",
                       clients: Iterable[type[Client]] = APP_CLIENTS) -> Verdict:
    """Mount ``blueprint`` on a private lab server and send every body method to ``path``.

    The app passes when each request arrives at ``target`` with its method and its
    body intact, for every client; each failure names the client, the status the app
    sent and the journal's hops. An exception in the learner's view is reported in the
    verdict (as the 500 it becomes), not as a traceback in the log.
    """
    if not isinstance(blueprint, Blueprint):
        raise PredictionError("pass the flask.Blueprint your route is on, "
                              f"not {type(blueprint).__name__}")
    verdict = Verdict(f"Your redirect at {path}, method by method and client by client")
    with LabServer(name="your-app") as server:
        try:
            server.app.register_blueprint(blueprint)
        except ValueError as clash:  # a name the lab's own blueprints already use
            raise PredictionError(f"{clash} (give your Blueprint another name)") from None
        problems: list[str] = []  # what the learner's app did that the grader stopped

        @server.app.errorhandler(Exception)
        def view_raised(exc: Exception) -> Response:
            problems.append(f"your view raised {type(exc).__name__}: {exc}")
            return json_error(500, problems[-1])

        @server.app.after_request
        def stay_on_the_lab(response: Response) -> Response:
            location = response.headers.get("Location")
            if location is None or not 300 <= response.status_code < 400:
                return response
            try:
                safe_target(location, {server.origin})
            except UnsafeTarget as refusal:
                problems.append(f"your redirect to {location} leaves the lab server, so the "
                                f"grader did not follow it ({refusal})")
                return json_error(400, problems[-1])
            return response

        for client_class in clients:
            with client_class() as client:
                for method in BODY_METHODS:
                    problems.clear()
                    seen = observe(client, Request(method, path, BODY, target=target),
                                   (server,))
                    first = seen.hops[0].status if seen.hops else 0
                    if seen.final_method == method and seen.body_arrived:
                        verdict.right.append(f"{client.name} {method}")
                        continue
                    why = problems[-1] if problems else _what_went_wrong(seen, first, target)
                    verdict.wrong.append(f"{client.name} {method}: {why} ({seen.describe()})")
    return verdict


def _what_went_wrong(seen: Observation, status: int, target: str) -> str:
    if not 300 <= status < 400:
        return f"your app answered {status}, not a redirect (is the route right?)"
    if not seen.final_method:
        return f"after your {status} the request never reached {target}"
    if seen.final_method != seen.request.method:
        return f"after your {status} it arrived as {seen.final_method}, without its body"
    return f"after your {status} it arrived as {seen.request.method}, but without its body"


# -- solutions ------------------------------------------------------------------------

class Solution:
    """A computed answer, folded: JupyterLab shows "Solution" until the learner opens it."""

    label = "Solution (click to open)"

    def __init__(self, answer: object, note: str = "") -> None:
        self.answer = answer
        self.note = note

    def _repr_html_(self) -> str:
        inner = getattr(self.answer, "_repr_html_", None)
        body = inner() if inner else f"<pre>{html.escape(repr(self.answer))}</pre>"
        note = f"<p>{html.escape(self.note)}</p>" if self.note else ""
        return f"<details><summary>{self.label}</summary>{note}{body}</details>"

    def __repr__(self) -> str:
        return "\n".join(filter(None, [self.label, self.note, repr(self.answer)]))


def solution(answer: object, note: str = "") -> Solution:
    """Show ``answer`` (and a ``note`` on how to get there) folded, so opening it is the
    learner's choice."""
    return Solution(answer, note)
