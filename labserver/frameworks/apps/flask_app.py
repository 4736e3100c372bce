from flask import Flask, redirect
from werkzeug.wrappers import Response

app = Flask(__name__)


@app.route("/old")
def old() -> Response:
    return redirect("/new")  # no code given: Flask's default


@app.route("/docs/", methods=("GET", "POST"))  # with a trailing slash: /docs is redirected
def docs() -> str:
    return "docs"


@app.route("/new", methods=("GET", "POST"))
def new() -> str:
    return "new"
