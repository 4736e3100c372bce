"""Redirect patterns a real service uses, built as small Flask blueprints in the lab.

The API move of the 307 lesson: ``/api/v1/<path>`` answers 307 (or 308, once the move
is settled: ``app.config["API_MOVE_CODE"]``) with ``/api/v2/<path>``, so a client's
POST, PUT, PATCH or DELETE arrives at v2 with its method and body, which a 302 or 301
could not promise. (In Express the same move is ``app.all('/api/v1/:path(*)', (req,
res) => res.redirect(307, ...))``.) And the operational patterns of the patterns
lesson: Post/Redirect/Get, maintenance and failover, load balancing by redirect,
canonical host, trailing slash, and http → https with HSTS.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from ..vocabulary import METHODS
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

    @api.route("/api/v1/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def moved(rest: str) -> Response:
        location = "/api/v2/" + quote(rest)
        if request.query_string:
            location += "?" + request.query_string.decode("latin-1")
        return redirect_to(current_app.config.get("API_MOVE_CODE", 307), location)

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


SERVICE_MODES = ("up", "maintenance", "failover")


def operations_blueprint() -> Blueprint:
    """Redirects that run a service: PRG, maintenance and failover, load balancing,
    canonical host, trailing slash, http → https. Settings live in ``app.config``:
    ``SERVICE_MODE``, ``STANDBY`` and ``INSTANCES`` (other lab servers' URLs),
    ``CANONICAL_HOST``, ``HTTPS_URL``."""
    ops = Blueprint("operations", __name__)
    orders: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()
    turn = iter(range(1_000_000_000))

    def _rest_of_path(rest: str) -> str:
        query = request.query_string.decode("latin-1")
        return "/" + quote(rest) + (f"?{query}" if query else "")

    @ops.route("/orders", methods=("GET", "POST"))
    def place_order() -> Response:
        """Post/Redirect/Get: answer the form POST with 303 and the receipt's URL."""
        if request.method == "GET":
            return Response('<form method="post" action="/orders"><input name="item" '
                            'value="book"><button type="submit">Order</button></form>',
                            mimetype="text/html")
        with lock:
            number = len(orders) + 1
            orders[number] = {"order": number, "item": request.form.get("item", "book")}
        return redirect_to(303, f"/orders/{number}")

    @ops.route("/orders/<int:number>")
    def receipt(number: int) -> Response:
        with lock:
            if number not in orders:
                return json_error(404, f"there is no order {number}")
            return json_answer({**orders[number], "orders placed": len(orders)})

    @ops.route("/service/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def service(rest: str) -> Response:
        """Up, down for maintenance (307 to a 503 page), or failed over (307 to the standby)."""
        mode = current_app.config.get("SERVICE_MODE", "up")
        if mode == "maintenance":
            return redirect_to(307, "/maintenance")
        if mode == "failover" and current_app.config.get("STANDBY"):
            return redirect_to(307, current_app.config["STANDBY"] + "/service"
                               + _rest_of_path(rest))
        return json_answer({"served": rest, "method": request.method})

    @ops.route("/maintenance", methods=METHODS, provide_automatic_options=False)
    def maintenance() -> Response:
        response = json_error(503, "down for maintenance, back soon")
        response.headers["Retry-After"] = "120"
        return response

    @ops.route("/balance/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def balance(rest: str) -> Response:
        """Send each request to the next instance in turn, method and body intact (307)."""
        instances = current_app.config.get("INSTANCES", [])
        if not instances:
            return json_error(404, "this lab server has no instances to balance over "
                              '(set app.config["INSTANCES"])')
        return redirect_to(307, instances[next(turn) % len(instances)] + "/service"
                           + _rest_of_path(rest))

    @ops.route("/canonical/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def canonical(rest: str) -> Response:
        """One name for the site: any other host name gets a 308 to the canonical one."""
        wanted = current_app.config.get("CANONICAL_HOST", "localhost")
        if request.host.split(":")[0] != wanted:
            # The port is the server's own, never one the Host header named.
            port = request.environ["SERVER_PORT"]
            return redirect_to(308, f"{request.scheme}://{wanted}:{port}/canonical"
                               + _rest_of_path(rest))
        return json_answer({"served": rest, "host": wanted})

    @ops.route("/docs/", methods=METHODS, provide_automatic_options=False)
    def docs() -> Response:
        """Declared with a trailing slash: Werkzeug itself redirects /docs (strict_slashes)."""
        return json_answer({"served": "docs", "method": request.method})

    @ops.route("/secure/<path:rest>", methods=METHODS, provide_automatic_options=False)
    def secure(rest: str) -> Response:
        """http → https with 308 (method and body kept); the https side sends HSTS."""
        if request.scheme == "https":
            response = json_answer({"served": rest, "over": "https"})
            response.headers["Strict-Transport-Security"] = "max-age=300"
            return response
        target = current_app.config.get("HTTPS_URL")
        if not target:
            return json_error(404, "this lab server has no https partner "
                              '(set app.config["HTTPS_URL"])')
        return redirect_to(308, target + "/secure" + _rest_of_path(rest))

    return ops
