"""Claims, citations and version-dependent results: the machinery that keeps lessons true."""

import pandas as pd
import pytest

from labserver import cite, claim
from labserver.citations import CITATIONS
from labserver.experiments.spec import expect
from labserver.teaching.claims import ClaimFailed
from labserver.teaching.versions import PYTHON_DEPENDENT, check_python_dependent, split_by_python


def test_a_claim_the_run_bears_out_prints_its_sentence():
    shown = claim("Only urllib refuses.", holds=True)
    assert repr(shown) == "Only urllib refuses." == shown._repr_markdown_()


def test_a_claim_the_run_contradicts_fails_quoting_the_sentence_and_the_rows():
    rows = pd.DataFrame([{"client": "curl", "outcome": "refused"}])
    with pytest.raises(ClaimFailed) as failed:
        claim("Only urllib refuses.", holds=False, evidence=rows)
    assert "'Only urllib refuses.'" in str(failed.value)
    assert "curl" in str(failed.value)


def _urllib_head(final: str) -> pd.DataFrame:
    return pd.DataFrame([{"client": "urllib", "code": c, "method": "HEAD", "final_method": final,
                          "hops": ""} for c in (301, 307)])


def test_urllib_keeps_head_from_python_3_13_and_sends_get_before():
    (rule,) = PYTHON_DEPENDENT
    assert rule.expected((3, 12)) == "GET" and rule.expected((3, 13)) == "HEAD"


def test_a_version_dependent_row_that_breaks_its_versions_rule_fails_the_check():
    import sys

    right = "HEAD" if sys.version_info >= (3, 13) else "GET"
    wrong = "GET" if right == "HEAD" else "HEAD"
    assert "exactly what" in repr(check_python_dependent(_urllib_head(right)))
    with pytest.raises(ClaimFailed):
        check_python_dependent(_urllib_head(wrong))
    with pytest.raises(ClaimFailed):  # nothing to check is not a pass
        check_python_dependent(_urllib_head(right).iloc[0:0])


def test_split_by_python_sets_apart_only_the_dependent_rows():
    frame = pd.concat([_urllib_head("GET"), pd.DataFrame([
        {"client": "urllib", "code": 301, "method": "GET", "final_method": "GET", "hops": ""},
        {"client": "httpx", "code": 301, "method": "HEAD", "final_method": "HEAD", "hops": ""},
    ])], ignore_index=True)
    same, depends = split_by_python(frame)
    assert len(same) == 2 and len(depends) == 2
    assert set(depends.method) == {"HEAD"} and set(depends.client) == {"urllib"}


def test_every_citation_names_a_document_a_title_what_it_supports_and_a_url():
    for key, citation in CITATIONS.items():
        assert citation.document and citation.title and citation.supports, key
        assert citation.url.startswith("https://"), key


def test_spec_sections_come_from_the_citation_table():
    for code, key in [(301, "rfc9110-301"), (307, "rfc9110-307"), (308, "rfc9110-308")]:
        assert expect(code, "PUT").rfc_section == f"RFC 9110 {cite(key).section}"


def test_308_is_cited_from_rfc_7238_and_7538_and_heuristics_from_rfc_9110_15_1():
    assert "June 2014" in cite("rfc7238").supports
    assert "April 2015" in cite("rfc7538").supports
    assert cite("rfc9110-heuristic").section == "§15.1"
    assert "300" in cite("rfc9110-heuristic").supports


def test_an_unknown_citation_names_the_known_ones():
    with pytest.raises(KeyError, match="rfc9110-307"):
        cite("rfc-nothing")


def test_a_recap_prints_rules_as_written_and_observations_only_when_they_hold():
    from labserver import recap

    shown = recap("Use 303 after a form POST.", ("httpx kept the body.", True))
    assert shown._repr_markdown_() == "- Use 303 after a form POST.\n- httpx kept the body."
    with pytest.raises(ClaimFailed, match="httpx kept the body"):
        recap("Use 303 after a form POST.", ("httpx kept the body.", False, "hop 2: 0 bytes"))


def test_further_reading_renders_links_from_the_table_and_refuses_unknown_keys():
    from labserver import further_reading

    rendered = further_reading("rfc9110-307")._repr_markdown_()
    link = f"- [RFC 9110 §15.4.8 (307 Temporary Redirect)]({cite('rfc9110-307').url})"
    assert rendered.startswith(link)
    with pytest.raises(KeyError, match="rfc9110-999"):
        further_reading("rfc9110-999")
