from fastapi import FastAPI
from fastapi.responses import RedirectResponse

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/old")
def old() -> RedirectResponse:
    return RedirectResponse("/new")  # no status_code given


@app.api_route("/items/", methods=["GET", "POST"])  # with a trailing slash: /items is redirected
def items() -> dict[str, list[str]]:
    return {"items": []}


@app.post("/signup")  # a form POST, then "redirect to the welcome page"
def signup() -> RedirectResponse:
    return RedirectResponse("/welcome")


@app.post("/signup-fixed")
def signup_fixed() -> RedirectResponse:
    return RedirectResponse("/welcome", status_code=303)


@app.get("/new")
def new() -> dict[str, str]:
    return {"page": "new"}


@app.get("/welcome")
def welcome() -> dict[str, str]:
    return {"page": "welcome"}
