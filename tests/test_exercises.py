"""The grader names each wrong prediction and cites the journal."""

import pandas as pd
import pytest
from flask import Blueprint, redirect

from labserver import HttpxClient, run_matrix
from labserver.teaching.exercises import (
    check_redirect_app,
    grade,
    grade_column,
    grade_methods,
    solution,
)


@pytest.fixture(scope="module")
def observed(server):
    with HttpxClient() as client:
        return run_matrix(server, client, codes=(302, 307))


def test_all_right_is_said_so(observed):
    verdict = grade_methods({"POST": "POST + body", "PUT": "put+body", "GET": "GET"},
                            observed, 307)
    assert repr(verdict) == "307, method by method: 3 of 3 right. Well predicted."


def test_a_wrong_prediction_is_named_with_the_journal_evidence(observed):
    verdict = grade_methods({"POST": "GET, body dropped", "PUT": "PUT + body"}, observed, 302)
    assert verdict.right == ["POST"]
    assert verdict.wrong == ["PUT: you said PUT + body, the lab saw GET, body dropped "
                             "(PUT /redirect/302 → 302 | GET /echo → 200)"]
    assert verdict._repr_markdown_().startswith("**302, method by method: 1 of 2 right.**")


def test_a_blank_exercise_asks_for_a_prediction_and_reveals_nothing(observed):
    verdict = grade_methods({"POST": "?", "PUT": "?"}, observed, 302)
    text = repr(verdict)
    assert text == ("302, method by method: write your prediction first. Replace each '?' "
                    "in the cell with what you expect, then run it again.")
    assert "GET" not in text and "body" not in text


def test_blanks_left_among_predictions_are_named_but_not_graded(observed):
    verdict = grade_methods({"POST": "GET, body dropped", "PUT": "?"}, observed, 302)
    assert verdict.right == ["POST"] and verdict.wrong == []
    assert repr(verdict).splitlines() == ["302, method by method: 1 of 1 right.",
                                          "still '?', not graded yet: PUT"]


def test_a_method_without_the_body_part_is_asked_for_the_body_not_told_it(observed):
    verdict = grade_methods({"PUT": "PUT"}, observed, 307)
    assert verdict.wrong == ["PUT: say what became of the body too, such as 'PUT + body' "
                             "or 'PUT, body dropped'"]


def test_a_request_without_a_body_is_graded_on_its_method_alone(observed):
    assert grade_methods({"HEAD": "HEAD", "GET": "GET"}, observed, 302).right == ["HEAD", "GET"]


def test_an_unknown_method_is_pointed_out(observed):
    assert "spelling" in grade_methods({"PUTT": "PUT"}, observed, 302).wrong[0]


def test_yes_no_and_booleans_are_one_answer():
    verdict = grade("t", {"a": True, "b": "no", "c": 20}, {"a": "yes", "b": False, "c": "20"})
    assert verdict.right == ["a", "b", "c"]


def test_a_miss_quotes_the_evidence_for_that_key_only():
    verdict = grade("t", {"a": 1, "b": 2}, {"a": 1, "b": 3}, {"a": "A", "b": "B hops"})
    assert verdict.wrong == ["b: you said 2, the lab saw 3 (B hops)"]


def test_grading_against_a_lesson_table_reads_the_named_row_and_column():
    table = pd.DataFrame({"client": ["x", "y"], "followed": [20, 30]}).set_index("client")
    verdict = grade_column("limits", {"x": 20, "y": 20}, table, key="client", value="followed")
    assert verdict.right == ["x"] and verdict.wrong == ["y: you said 20, the lab saw 30"]


def _moved(code: int | None) -> Blueprint:
    blueprint = Blueprint(f"moved_{code}", __name__)

    @blueprint.route("/shop/orders", methods=("POST", "PUT", "PATCH"))
    def orders():
        return redirect("/echo") if code is None else redirect("/echo", code=code)

    return blueprint


def test_flasks_default_redirect_fails_the_fix_it_exercise_with_the_journal_quoted():
    verdict = check_redirect_app(_moved(None), "/shop/orders")
    assert not verdict.right and len(verdict.wrong) == 6
    assert verdict.wrong[0] == ("httpx POST: after your 302 it arrived as GET, without its body "
                                "(POST /shop/orders → 302 | GET /echo → 200)")


@pytest.mark.parametrize("code", [307, 308])
def test_a_307_or_308_fix_passes_for_every_body_method(code):
    verdict = check_redirect_app(_moved(code), "/shop/orders")
    assert not verdict.wrong and len(verdict.right) == 6


def test_a_wrong_route_is_said_to_be_no_redirect_at_all():
    verdict = check_redirect_app(_moved(307), "/shop/order")
    assert "answered 404, not a redirect" in verdict.wrong[0]


def test_a_solution_is_folded_until_opened():
    folded = solution(pd.DataFrame({"a": [1]}))
    assert folded._repr_html_().startswith("<details><summary>Solution (click to open)</summary>")
    assert repr(folded).startswith("Solution (click to open)\n")


def _view(name: str, view) -> Blueprint:
    blueprint = Blueprint(name, __name__)
    blueprint.add_url_rule("/shop/orders", view_func=view, methods=("POST", "PUT", "PATCH"))
    return blueprint


def test_an_exception_in_the_learners_view_is_named_in_the_verdict_not_logged(capsys):
    def broken():
        raise KeyError("order")

    verdict = check_redirect_app(_view("raises", broken), "/shop/orders")
    assert verdict.wrong[0] == ("httpx POST: your view raised KeyError: 'order' "
                                "(POST /shop/orders → 500)")
    assert "Traceback" not in capsys.readouterr().err


def test_a_redirect_off_the_lab_server_is_not_followed():
    verdict = check_redirect_app(_view("leaves", lambda: redirect("https://example.com/", 308)),
                                 "/shop/orders")
    assert len(verdict.wrong) == 6
    assert "leaves the lab server, so the grader did not follow it" in verdict.wrong[0]
    assert verdict.wrong[0].endswith("(POST /shop/orders → 400)")


@pytest.mark.parametrize("app, message", [
    (object(), "pass the flask.Blueprint your route is on"),
    (Blueprint("api_move", __name__), "give your Blueprint another name"),
])
def test_what_the_grader_cannot_mount_is_said_plainly(app, message):
    from labserver.teaching.exercises import PredictionError

    with pytest.raises(PredictionError, match=message) as raised:
        check_redirect_app(app, "/shop/orders")
    assert raised.value._render_traceback_()[0].startswith("Cannot grade this: ")


def test_a_prediction_that_is_not_a_dict_is_said_plainly():
    from labserver.teaching.exercises import PredictionError

    with pytest.raises(PredictionError, match="write the prediction as a dict"):
        grade("t", ["GET"], {"GET": "GET"})


def test_a_code_written_as_text_or_a_method_in_lower_case_still_matches():
    verdict = grade("t", {"301": "GET", "post": "POST"}, {301: "GET", "POST": "GET"},
                    {"POST": "POST /redirect/302 → 302 | GET /echo → 200"})
    assert verdict.right == ["301"]
    assert verdict.wrong == ["post: you said POST, the lab saw GET "
                             "(POST /redirect/302 → 302 | GET /echo → 200)"]


def test_a_whole_matrix_is_graded_cell_by_cell(observed):
    from labserver.teaching.exercises import grade_matrix

    verdict = grade_matrix({302: "GET HEAD GET PUT GET GET GET",
                            307: "GET HEAD POST PUT PATCH DELETE OPTIONS"}, observed)
    assert len(verdict.right) == 13
    assert verdict.wrong == ["302 PUT: you said PUT, the lab saw GET "
                             "(PUT /redirect/302 → 302 | GET /echo → 200)"]


def test_a_blank_matrix_asks_for_a_prediction(observed):
    from labserver.teaching.exercises import grade_matrix

    verdict = grade_matrix({302: "?", 307: "?"}, observed)
    assert "write your prediction first" in repr(verdict) and not verdict.wrong


def test_a_matrix_line_with_the_wrong_number_of_methods_is_said_plainly(observed):
    from labserver.teaching.exercises import PredictionError, grade_matrix

    with pytest.raises(PredictionError, match="has 3 words; write one per method"):
        grade_matrix({302: "GET HEAD GET"}, observed)


def test_a_verdict_in_markdown_shows_targets_as_written_and_links_nothing():
    from labserver.teaching.exercises import Verdict

    verdict = Verdict("t", wrong=["\\\\evil.example: you said allowed, the lab saw refused "
                                  "(GET /redirect/302?to=http://other/echo → 302 | x)"])
    line = verdict._repr_markdown_().splitlines()[-1]
    assert line.startswith("- \\\\\\\\evil.example")  # each backslash escaped, so both show
    assert "http://" not in line and "http\\://other/echo" in line
    assert "→ 302 \\| x" in line


def test_a_chain_is_graded_on_what_arrived_method_and_body(server):
    from labserver import Request, RequestsClient, observe
    from labserver.teaching.exercises import grade_arrivals

    chain = Request("PUT", "/redirect/301?to=/redirect/307", b'{"n": 1}')
    with HttpxClient() as httpx_lab, RequestsClient() as requests_lab:
        seen = {"httpx": observe(httpx_lab, chain, (server,)),
                "requests": observe(requests_lab, chain, (server,))}
    verdict = grade_arrivals("PUT through 301 then 307", {"httpx": "PUT + body",
                                                          "requests": "PUT + body"}, seen)
    assert verdict.right == ["httpx"]
    assert verdict.wrong == ["requests: you said PUT + body, the lab saw PUT, body dropped "
                             "(PUT /redirect/301?to=/redirect/307 → 301 | PUT /redirect/307 → 307"
                             " | PUT /echo → 200)"]


@pytest.mark.parametrize("words", [
    "GET, body dropped", "GET body dropped", "GET, body lost", "GET without body",
    "GET without its body", "GET, no body", "get - no body", "GET; body removed", "GET (no body)",
])
def test_the_grader_reads_plain_words_for_a_dropped_body_as_the_labs_own(words):
    assert grade("t", {"PUT": words}, {"PUT": "GET, body dropped"}).right == ["PUT"]


@pytest.mark.parametrize("words", ["PUT + body", "PUT with body", "put with its body",
                                   "PUT+body", "PUT, body kept"])
def test_the_grader_reads_plain_words_for_a_kept_body_as_the_labs_own(words):
    assert grade("t", {"PUT": words}, {"PUT": "PUT + body"}).right == ["PUT"]


@pytest.mark.parametrize("words", ["refused", "not followed", "stops", "Refused."])
def test_the_grader_reads_plain_words_for_refused(words):
    assert grade("t", {"POST": words}, {"POST": "refused"}).right == ["POST"]


@pytest.mark.parametrize("words", ["GET + body", "PUT, body dropped", "PUT", "refused"])
def test_differently_worded_wrong_answers_stay_wrong(words):
    verdict = grade("t", {"PUT": words}, {"PUT": "PUT + body"})
    assert verdict.right == [] and len(verdict.wrong) == 1


def test_where_two_answers_are_right_the_grader_accepts_either_and_names_both():
    right = frozenset({"302", "307"})
    assert grade("t", {"a": 307, "b": "302"}, {"a": right, "b": right}).right == ["a", "b"]
    assert grade("t", {"a": 303}, {"a": right}).wrong == ["a: you said 303, the lab saw 302 or 307"]


def test_the_which_redirect_grader_accepts_307_where_its_reason_says_it_works_as_well():
    from labserver.teaching.exercises import grade_situations
    from labserver.teaching.reference import SITUATIONS, choose_redirect

    for situation, facts in SITUATIONS.items():
        code, why = choose_redirect(**facts)
        if "307 works as well" in why:
            assert grade_situations({situation: 307}).right == [situation]
            assert grade_situations({situation: code}).right == [situation]


@pytest.mark.parametrize(("words", "lab"), [
    ("dropped", "removed"), ("not sent", "removed"), ("stripped", "removed"),
    ("removed", "stripped"), ("not forwarded", "stripped"), ("forwarded", "leaked"),
    ("stays", "kept")])
def test_plain_words_for_a_header_or_a_credential_are_read_as_the_labs_own(words, lab):
    assert grade("t", {"x": words}, {"x": lab}).right == ["x"]


@pytest.mark.parametrize(("words", "lab"), [("kept", "removed"), ("leaked", "stripped"),
                                             ("dropped", "kept"), ("stripped", "leaked")])
def test_the_opposite_word_stays_wrong(words, lab):
    assert grade("t", {"x": words}, {"x": lab}).wrong


def test_no_body_for_a_request_that_never_had_one_is_right():
    assert grade("t", {"DELETE": "GET, no body"}, {"DELETE": "GET"}).right == ["DELETE"]
    assert grade("t", {"DELETE": "GET + body"}, {"DELETE": "GET"}).wrong
