"""RFC 9110 and Fetch expectations, and the verdicts drawn from them."""

import pandas as pd
import pytest

from labserver import CODES, METHODS, compare, differences, expect, expectations
from labserver.spec import ALLOWED, AS_SPECIFIED, NOT_ALLOWED, NOT_FOLLOWED


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


def test_compare_marks_differences_from_fetch():
    observed = pd.DataFrame([
        {"client": "c", "code": 302, "method": "PUT", "final_method": "GET", "outcome": "followed"},
        {"client": "c", "code": 307, "method": "POST", "final_method": "POST",
         "outcome": "followed"},
    ])
    result = compare(observed)
    assert result.matches_fetch.tolist() == [False, True]
    assert result.rfc_verdict.tolist() == [NOT_ALLOWED, AS_SPECIFIED]


def test_differences_keep_only_rows_that_depart_from_a_standard():
    observed = pd.DataFrame([
        {"client": "c", "code": 302, "method": "PUT", "final_method": "GET", "outcome": "followed"},
        {"client": "c", "code": 307, "method": "POST", "final_method": "POST",
         "outcome": "followed"},
        {"client": "c", "code": 301, "method": "POST", "final_method": "GET",
         "outcome": "followed"},
    ])
    assert differences(observed)[["code", "method"]].values.tolist() == [[302, "PUT"],
                                                                         [301, "POST"]]
