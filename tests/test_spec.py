"""RFC 9110 and Fetch expectations, and the verdicts drawn from them."""

import pandas as pd
import pytest

from labserver import CODES, METHODS, conformance
from labserver.experiments.spec import (
    ALLOWED,
    AS_SPECIFIED,
    BODY_DROPPED,
    NOT_ALLOWED,
    NOT_FOLLOWED,
    TYPE_KEPT,
    compare,
    differences,
    expect,
    expectations,
)
from labserver.teaching.display import PALETTE


@pytest.mark.parametrize("code", [307, 308])
@pytest.mark.parametrize("method", METHODS)
def test_307_and_308_expect_the_method_kept_by_both_standards(code, method):
    e = expect(code, method)
    assert e.rfc_method == e.fetch_method == method and e.rfc_also_allowed == ()


@pytest.mark.parametrize("code", [301, 302])
def test_301_and_302_post_may_become_get(code):
    e = expect(code, "POST")
    assert e.rfc_verdict("POST") == AS_SPECIFIED
    assert e.rfc_verdict("GET") == ALLOWED
    assert e.fetch_method == "GET"


def test_302_put_becoming_get_is_not_allowed_by_either_standard():
    e = expect(302, "PUT")
    assert e.rfc_verdict("GET") == NOT_ALLOWED and e.fetch_method == "PUT"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_303_expects_a_get(method):
    assert expect(303, method).rfc_method == expect(303, method).fetch_method == "GET"


def test_303_keeps_head():
    assert expect(303, "HEAD").fetch_method == "HEAD"


def test_not_following_has_its_own_verdict():
    assert expect(307, "POST").rfc_verdict("") == NOT_FOLLOWED


def test_expectations_cover_every_code_and_method_with_a_section():
    table = expectations()
    assert len(table) == len(CODES) * len(METHODS)
    assert table.rfc_section.str.startswith("RFC 9110 §15.4.").all()


def _row(code, method, final, body_sent=False, body_arrived=False):
    return {"client": "c", "code": code, "method": method, "final_method": final,
            "outcome": "followed", "body_sent": body_sent, "body_arrived": body_arrived}


def test_compare_marks_differences_from_fetch():
    observed = pd.DataFrame([_row(302, "PUT", "GET", True), _row(307, "POST", "POST", True, True)])
    result = compare(observed)
    assert result.matches_fetch.tolist() == [False, True]
    assert result.rfc_verdict.tolist() == [NOT_ALLOWED, AS_SPECIFIED]


def test_differences_keep_only_rows_that_depart_from_a_standard():
    observed = pd.DataFrame([_row(302, "PUT", "GET", True), _row(307, "POST", "POST", True, True),
                             _row(301, "POST", "GET", True)])
    assert differences(observed)[["code", "method"]].values.tolist() == [[302, "PUT"],
                                                                         [301, "POST"]]


def test_a_put_kept_after_a_301_but_without_its_body_departs_from_both_standards():
    """requests after a 301: PUT arrives, body dropped. Same method, different request."""
    observed = pd.DataFrame([_row(301, "PUT", "PUT", body_sent=True, body_arrived=False)])
    result = compare(observed)
    assert result.body_verdict.tolist() == [BODY_DROPPED]
    assert not result.matches_fetch.iloc[0]
    assert len(differences(observed)) == 1


def test_conformance_marks_an_empty_bodied_put_after_a_301():
    row = {**_row(301, "PUT", "PUT", body_sent=True, body_arrived=False), "error": ""}
    table = conformance(pd.DataFrame([row]))
    assert table.table.loc["PUT", 301] == "PUT ✗body ≠Fetch"
    assert table.styles.loc["PUT", 301] == PALETTE["body dropped"]


def test_a_get_that_keeps_content_type_after_a_switch_is_not_the_request_a_browser_sends():
    kept = {**_row(303, "POST", "GET", body_sent=True), "content_type_arrived": True}
    removed = {**kept, "content_type_arrived": False}
    result = compare(pd.DataFrame([kept, removed]))
    assert result.matches_fetch.tolist() == [True, True]  # same method and body
    assert result.type_verdict.tolist() == [TYPE_KEPT, ""]
    assert result.same_request_as_fetch.tolist() == [False, True]


def test_a_frame_without_content_type_is_compared_on_method_and_body():
    result = compare(pd.DataFrame([_row(303, "POST", "GET", True), _row(301, "PUT", "PUT", True)]))
    assert result.same_request_as_fetch.tolist() == [True, False]


def test_308_is_not_cited_with_a_must_not_of_its_own():
    assert "MUST NOT" not in expect(308, "PUT").rfc_rule
    assert "MUST NOT" in expect(307, "PUT").rfc_rule
