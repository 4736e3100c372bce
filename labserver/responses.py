"""The few kinds of answer the lab gives: JSON, JSON errors, and redirects."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify


def json_answer(payload: Any, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response


def json_error(status: int, message: str, **details: Any) -> Response:
    """A 4xx a learner can read: what went wrong and, in ``details``, what is valid."""
    return json_answer({"error": status, "message": message, **details}, status)


def redirect_to(code: int, location: str, **payload: Any) -> Response:
    """A ``code`` redirect to ``location`` that no cache keeps.

    Lab redirects are experiments, not facts to remember: a cached 301 or 308 would
    keep the next run's request from reaching the server, and from the journal.
    """
    response = json_answer({"redirect": code, "location": location, **payload})
    # Werkzeug would send "307 TEMPORARY REDIRECT"; show learners the registered phrase.
    response.status = f"{code} {HTTPStatus(code).phrase}"
    response.headers["Location"] = location
    response.headers["Cache-Control"] = "no-store"
    return response
