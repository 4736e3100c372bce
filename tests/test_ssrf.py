"""SSRF through a redirect: a check on the first URL is walked past; a check on every
hop is not. The metadata server's journal is the witness."""

import pytest

from labserver import grade_column
from labserver.experiments.ssrf import (
    FETCHERS,
    CheckAfterwards,
    EveryHopHook,
    FirstUrlOnly,
    FollowByHand,
    InternalAddress,
    SsrfLab,
    refuse_internal,
    ssrf_attempts,
)

VIA_302 = "a public URL that answers 302 to the metadata URL"
VIA_307 = "a public URL that answers 307 to the metadata URL"


@pytest.fixture(scope="module")
def attempts():
    with SsrfLab() as lab:
        yield ssrf_attempts(lab)


def _row(attempts, fetcher, asked):
    return attempts.loc[(fetcher.name, asked)]


@pytest.mark.parametrize("asked", [VIA_302, VIA_307])
def test_a_check_on_the_first_url_is_walked_past_by_a_redirect(attempts, asked):
    row = _row(attempts, FirstUrlOnly, asked)
    assert row["metadata server got a request"] and row["credential handed out"]
    assert row["fetcher answered"] == "200"


def test_the_metadata_url_named_outright_is_refused_before_anything_is_sent(attempts):
    for kind in FETCHERS:
        row = _row(attempts, kind, "the metadata URL itself")
        assert row["hops (journals)"] == "(nothing sent)" and row["fetcher answered"] == (
            "InternalAddress"), kind.name


@pytest.mark.parametrize("kind", [EveryHopHook, FollowByHand])
@pytest.mark.parametrize("asked", [VIA_302, VIA_307])
def test_a_check_on_every_hop_stops_the_redirect_before_it_reaches_inside(attempts, kind,
                                                                          asked):
    row = _row(attempts, kind, asked)
    assert not row["metadata server got a request"]
    assert row["hops (journals)"].startswith("attacker: GET /redirect/")
    assert "metadata:" not in row["hops (journals)"]
    assert row["fetcher answered"] == "InternalAddress"


def test_every_fetcher_still_fetches_a_public_page(attempts):
    for kind in FETCHERS:
        assert _row(attempts, kind, "a public page")["fetcher answered"] == "200", kind.name


def test_checking_where_the_fetch_ended_up_is_too_late(attempts):
    row = _row(attempts, CheckAfterwards, VIA_302)
    assert row["fetcher answered"] == "InternalAddress"
    assert row["metadata server got a request"] and row["credential handed out"]


def test_following_by_hand_gives_up_after_its_limit_of_redirects():
    with SsrfLab() as lab:
        fetcher = FollowByHand(lab.internal)
        chain = "/redirect/302?to=" * 6 + "/echo"  # six redirects, all on the public site
        outcome = fetcher.send("GET", lab.attacker.url + chain)
    assert outcome.error == "InternalAddress" and "more than 5 redirects" in (outcome.detail or "")


def test_refuse_internal_compares_whole_origins_port_included():
    refuse_internal("http://127.0.0.1:8001/x", {"http://127.0.0.1:8000"})
    with pytest.raises(InternalAddress):
        refuse_internal("HTTP://127.0.0.1:8000/latest", {"http://127.0.0.1:8000"})


def test_the_exercise_grades_true_and_false_predictions(attempts):
    via = attempts.xs(VIA_302, level="asked for")
    right = {kind.name: bool(via.loc[kind.name, "metadata server got a request"])
             for kind in FETCHERS}
    verdict = grade_column("ssrf", right, via, key="fetcher",
                           value="metadata server got a request")
    assert "4 of 4" in str(verdict._repr_markdown_())
