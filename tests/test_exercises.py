"""The grader names each wrong prediction and cites the journal."""

import pytest

from labserver import HttpxClient, run_matrix
from labserver.exercises import grade_methods


@pytest.fixture(scope="module")
def observed(server):
    with HttpxClient() as client:
        return run_matrix(server, client, codes=(302, 307))


def test_all_right_is_said_so(observed):
    verdict = grade_methods({"POST": "POST", "PUT": "put"}, observed, 307)
    assert repr(verdict) == "307, method by method: 2 of 2 right. Well predicted."


def test_a_wrong_prediction_is_named_with_the_journal_evidence(observed):
    verdict = grade_methods({"POST": "GET", "PUT": "PUT"}, observed, 302)
    assert verdict.right == ["POST"]
    assert verdict.wrong == ["PUT: you said PUT, the journal shows GET "
                             "(PUT /redirect/302 → 302 | GET /echo → 200)"]
    assert verdict._repr_markdown_().startswith("**302, method by method: 1 of 2 right.**")


def test_an_unknown_method_is_pointed_out(observed):
    assert "spelling" in grade_methods({"PUTT": "PUT"}, observed, 302).wrong[0]
