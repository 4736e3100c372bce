"""Redirect patterns a real service uses, built as small Flask blueprints in the lab.

The first is the API move of the 307 lesson: ``/api/v1/<path>`` answers 307 with
``/api/v2/<path>``, so a client's POST, PUT, PATCH or DELETE arrives at v2 with its
method and body, which a 302 or 301 could not promise. (In Express the same move is
``app.all('/api/v1/:path(*)', (req, res) => res.redirect(307, ...))``.)
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from .responses import json_answer, json_error, redirect_to

USER_FIELDS = ("name", "email")


def api_move_blueprint() -> Blueprint:
    """A users API at /api/v2 and a method-preserving 307 from /api/v1 to it.

    Each call makes a fresh blueprint with its own in-memory users, so every lab
    server (and every lesson that starts one) begins with none.
    """
    api = Blueprint("api_move", __name__)
    users: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()
    next_id = iter(range(1, 1_000_000_000))

    def _fields(partial: bool) -> dict[str, Any] | Response:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return json_error(400, "send a JSON object such as "
                              '{"name": "Ada", "email": "ada@example.org"}')
        fields = {k: data[k] for k in USER_FIELDS if k in data}
        if not partial and set(fields) != set(USER_FIELDS):
            return json_error(400, f"a user needs {' and '.join(USER_FIELDS)}")
        return fields

    def _missing(user_id: int) -> Response:
        return json_error(404, f"there is no user {user_id}")

    @api.route("/api/v1/<path:rest>", methods=("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                               "OPTIONS"), provide_automatic_options=False)
    def moved(rest: str) -> Response:
        location = "/api/v2/" + quote(rest)
        if request.query_string:
            location += "?" + request.query_string.decode("latin-1")
        return redirect_to(307, location)

    @api.route("/api/v2/users", methods=("GET", "POST"))
    def user_list() -> Response:
        if request.method == "GET":
            with lock:
                return json_answer(list(users.values()))
        fields = _fields(partial=False)
        if isinstance(fields, Response):
            return fields
        with lock:
            user = {"id": next(next_id), **fields}
            users[user["id"]] = user
        return json_answer(user, 201)

    @api.route("/api/v2/users/<int:user_id>", methods=("GET", "PUT", "PATCH", "DELETE"))
    def user_item(user_id: int) -> Response:
        with lock:
            if user_id not in users:
                return _missing(user_id)
            if request.method == "GET":
                return json_answer(users[user_id])
            if request.method == "DELETE":
                del users[user_id]
                return json_answer({"deleted": user_id})
        fields = _fields(partial=request.method == "PATCH")
        if isinstance(fields, Response):
            return fields
        with lock:
            if user_id not in users:
                return _missing(user_id)
            base = users[user_id] if request.method == "PATCH" else {"id": user_id}
            users[user_id] = {**base, **fields}
            return json_answer(users[user_id])

    return api
