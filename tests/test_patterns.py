"""The API move: /api/v1 answers 307 to /api/v2, and every method arrives intact."""

import httpx
import pytest

from labserver import LabServer


@pytest.fixture
def api():
    with LabServer() as server, httpx.Client(base_url=server.url, follow_redirects=True,
                                             timeout=5) as client:
        yield client


def test_v1_answers_307_to_the_same_path_under_v2_keeping_the_query(api):
    response = api.get("/api/v1/users/7?fields=name", follow_redirects=False)
    assert response.status_code == 307
    assert response.reason_phrase == "Temporary Redirect"
    assert response.headers["Location"] == "/api/v2/users/7?fields=name"
    assert response.headers["Cache-Control"] == "no-store"


def test_307_keeps_a_post_and_its_body(api):
    response = api.post("/api/v1/users", json={"name": "Ada", "email": "ada@example.org"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "name": "Ada", "email": "ada@example.org"}


def test_307_keeps_the_body_of_a_put(api):
    api.post("/api/v2/users", json={"name": "Ada", "email": "ada@example.org"})
    response = api.put("/api/v1/users/1", json={"name": "Ada L.", "email": "ada@example.net"})
    assert response.json() == {"id": 1, "name": "Ada L.", "email": "ada@example.net"}


def test_307_keeps_a_patch(api):
    api.post("/api/v2/users", json={"name": "Ada", "email": "ada@example.org"})
    response = api.patch("/api/v1/users/1", json={"email": "ada@example.com"})
    assert response.json()["email"] == "ada@example.com" and response.json()["name"] == "Ada"


def test_307_keeps_a_delete(api):
    api.post("/api/v2/users", json={"name": "Ada", "email": "ada@example.org"})
    assert api.delete("/api/v1/users/1").json() == {"deleted": 1}
    assert api.get("/api/v2/users").json() == []


def test_a_user_without_fields_gets_400_saying_what_is_needed(api):
    response = api.post("/api/v2/users", json={"name": "Ada"})
    assert response.status_code == 400 and "name and email" in response.json()["message"]


def test_a_body_that_is_not_json_gets_400(api):
    response = api.post("/api/v2/users", content=b"name=Ada")
    assert response.status_code == 400


def test_unknown_user_gets_404(api):
    assert api.get("/api/v2/users/99").status_code == 404


def test_each_server_starts_with_no_users():
    for _ in range(2):
        with LabServer() as server:
            assert httpx.get(server.url + "/api/v2/users").json() == []
