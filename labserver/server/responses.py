"""The few kinds of answer the lab gives: JSON, JSON errors, and redirects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from typing import Any

from flask import Response, jsonify

from .params import whole_number


def json_answer(payload: Any, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response


def json_error(status: int, message: str, **details: Any) -> Response:
    """A 4xx a learner can read: what went wrong and, in ``details``, what is valid."""
    return json_answer({"error": status, "message": message, **details}, status)


NO_STORE = {"Cache-Control": "no-store"}


def redirect_to(code: int, location: str, caching: dict[str, str] | None = None,
                **payload: Any) -> Response:
    """A ``code`` redirect to ``location``, by default one that no cache keeps.

    Lab redirects are experiments, not facts to remember: a cached 301 or 308 would
    keep the next run's request from reaching the server, and from the journal. The
    caching lesson passes ``caching`` (headers such as ``Cache-Control: max-age=60``, or
    none at all) to show what a cache then does.
    """
    response = json_answer({"redirect": code, "location": location, **payload})
    # Werkzeug would send "307 TEMPORARY REDIRECT"; show learners the registered phrase.
    response.status = f"{code} {HTTPStatus(code).phrase}"
    response.headers["Location"] = location
    response.headers.update(NO_STORE if caching is None else caching)
    return response


MAX_AGE_LIMIT = 31_536_000
"""One year, the longest freshness the lab will announce."""


def caching_headers(spec: str | None) -> dict[str, str] | None:
    """Parse the ``?cache=`` of a lab redirect: absent means no-store (None here).

    ``none`` sends no caching header at all; ``heuristic`` only a day-old Last-Modified;
    ``max-age=N`` sends Cache-Control; ``expires=N`` sends an Expires date N seconds
    ahead. Raises ValueError otherwise.
    """
    if spec is None:
        return None
    if spec == "none":
        return {}
    if spec == "no-store":
        return dict(NO_STORE)
    if spec == "heuristic":
        # No freshness stated, but a Last-Modified a day old: a cache may then compute
        # a heuristic freshness (RFC 9111 §4.2.2), if the status code allows it.
        return {"Last-Modified": format_datetime(datetime.now(UTC) - timedelta(days=1),
                                                 usegmt=True)}
    kind, _, text = spec.partition("=")
    seconds = whole_number(text, 0, MAX_AGE_LIMIT)
    if kind in ("max-age", "expires") and seconds is not None:
        if kind == "max-age":
            return {"Cache-Control": f"max-age={seconds}"}
        when = datetime.now(UTC) + timedelta(seconds=seconds)
        return {"Expires": format_datetime(when, usegmt=True)}
    raise ValueError("cache must be none, no-store, heuristic, max-age=N or expires=N "
                     f"(N seconds, at most {MAX_AGE_LIMIT})")
