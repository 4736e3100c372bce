"""What the standards expect a client to do with each code × method, as data.

Two standards speak to redirects and they do not say the same thing:

* RFC 9110 (HTTP Semantics) §15.4 and §15.4.2-§15.4.9 define the codes. 307 MUST NOT
  change the method; 308 does not allow POST to become GET, and the general rule of
  §15.4 keeps every other method; 303 asks for a retrieval (GET or HEAD); 301 and 302
  keep the method, except that a user agent MAY turn POST into GET "for historical
  reasons".
* The WHATWG Fetch standard, "HTTP-redirect fetch", is what browsers do: 301/302 turn
  POST (only POST) into GET, 303 turns everything but GET and HEAD into GET, 307/308
  keep everything. When the method becomes GET the body goes and the request-body
  headers (Content-Type, Content-Encoding, Content-Language, Content-Location) are removed.

Neither standard lets a redirect keep the method but drop the body: that sends a
different request than the one the client was given. Here each rule is a row, so a
lesson can set the expectation beside the observation. Sections come from
:mod:`labserver.citations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..citations import cite
from ..clients import rule_of
from ..vocabulary import CODES, METHODS

_CODE_CITATIONS = {301: "rfc9110-301", 302: "rfc9110-302", 303: "rfc9110-303",
                   307: "rfc9110-307", 308: "rfc9110-308"}
RFC_SECTIONS = {code: cite(key).section for code, key in _CODE_CITATIONS.items()}
FETCH_SECTION = cite("fetch-redirect").short

AS_SPECIFIED = "as RFC 9110 says"
ALLOWED = "RFC 9110 allows it"
NOT_ALLOWED = "RFC 9110 does not allow it"
NOT_FOLLOWED = "not followed"
BODY_DROPPED = "body dropped"
TYPE_KEPT = "Content-Type kept"
"""A request that arrived without its body but still carrying the body's Content-Type.
RFC 9110 §15.4 says to remove it once the method was changed to GET or HEAD; Fetch
sends it only with the body."""
TYPE_REMOVED = "Content-Type removed"
"""A request whose body arrived without the Content-Type that was sent with it."""


@dataclass(frozen=True)
class Expectation:
    """What RFC 9110 and Fetch expect after ``code`` answers a ``method`` request."""

    code: int
    method: str
    rfc_method: str
    """The method RFC 9110 describes for the next request."""
    rfc_also_allowed: tuple[str, ...]
    """Other methods RFC 9110 explicitly permits (301/302 POST → GET, 303 HEAD → GET)."""
    rfc_rule: str
    fetch_method: str
    fetch_rule: str

    @property
    def rfc_section(self) -> str:
        return f"RFC 9110 {RFC_SECTIONS[self.code]}"

    def rfc_verdict(self, observed: str) -> str:
        """Classify an observed method: as specified, allowed, or not allowed."""
        if not observed:
            return NOT_FOLLOWED
        if observed == self.rfc_method:
            return AS_SPECIFIED
        if observed in self.rfc_also_allowed:
            return ALLOWED
        return NOT_ALLOWED


def expect(code: int, method: str) -> Expectation:
    """The expectation for one code × method (codes 301, 302, 303, 307, 308)."""
    if code == 307:
        return Expectation(code, method, method, (), "MUST NOT change the request method",
                           method, "method and body kept")
    if code == 308:
        return Expectation(code, method, method, (),
                           "does not allow POST to become GET; other methods are kept "
                           "(§15.4)", method, "method and body kept")
    if code == 303:
        if method in ("GET", "HEAD"):
            rfc_rule = "a retrieval request (GET or HEAD) to the new URI"
            allowed = ("GET",) if method == "HEAD" else ()
            return Expectation(code, method, method, allowed, rfc_rule, method,
                               "GET and HEAD are kept")
        return Expectation(code, method, "GET", ("HEAD",),
                           "a retrieval request (GET or HEAD) to the new URI", "GET",
                           "any method but GET/HEAD becomes GET, body dropped")
    # 301 and 302
    if method == "POST":
        return Expectation(code, method, "POST", ("GET",),
                           "MAY change POST to GET for historical reasons", "GET",
                           "POST becomes GET, body dropped")
    return Expectation(code, method, method, (),
                       "the method is kept (only POST may become GET)", method,
                       "only POST changes; this method is kept")


def expectations() -> pd.DataFrame:
    """Every code × method with both standards' expected method and the RFC section."""
    rows = []
    for code in CODES:
        for method in METHODS:
            e = expect(code, method)
            rows.append({
                "code": code, "method": method,
                "rfc_method": e.rfc_method,
                "rfc_also_allowed": ", ".join(e.rfc_also_allowed),
                "rfc_rule": e.rfc_rule, "rfc_section": e.rfc_section,
                "fetch_method": e.fetch_method, "fetch_rule": e.fetch_rule,
            })
    return pd.DataFrame(rows)


def compare(observed: pd.DataFrame) -> pd.DataFrame:
    """Set each observed row beside RFC 9110 and Fetch, and mark every difference.

    ``observed`` is a tidy frame from :func:`labserver.run_matrix`. The result keeps
    client, code and method and adds: what each standard expects, the RFC verdict (as
    specified / allowed / not allowed / not followed), ``matches_fetch`` (the method and
    the body are what Fetch sends), ``type_verdict`` (:data:`TYPE_KEPT` or
    :data:`TYPE_REMOVED`, the one body header the matrix's requests carry) and
    ``same_request_as_fetch``: method, body *and* ``Content-Type`` are what a browser
    sends (a frame without ``content_type_arrived`` is compared on method and body).
    """
    rows = []
    every: list[Any] = list(observed.itertuples(index=False))
    for row in every:
        e = expect(row.code, row.method)
        body_dropped = bool(row.body_sent and row.final_method == row.method
                            and not row.body_arrived)
        matches = row.final_method == e.fetch_method and not body_dropped
        type_arrived = getattr(row, "content_type_arrived", None)
        type_verdict = ""
        if type_arrived is not None and row.body_sent and row.final_method:
            if type_arrived and not row.body_arrived:
                type_verdict = TYPE_KEPT
            elif row.body_arrived and not type_arrived:
                type_verdict = TYPE_REMOVED
        # Fetch sends the body and its Content-Type exactly when it keeps the method.
        browser_body = bool(row.body_sent and e.fetch_method == row.method)
        same_type = type_arrived is None or bool(type_arrived) == browser_body
        rows.append({
            "client": row.client, "code": row.code, "method": row.method,
            "observed": row.final_method or row.outcome,
            "rfc_expects": e.rfc_method, "fetch_expects": e.fetch_method,
            "rfc_verdict": e.rfc_verdict(row.final_method),
            "body_verdict": BODY_DROPPED if body_dropped else "",
            "matches_fetch": matches,
            "type_verdict": type_verdict,
            "same_request_as_fetch": bool(matches and same_type
                                          and bool(row.body_arrived) == browser_body),
            "rfc_rule": e.rfc_rule, "rfc_section": e.rfc_section,
        })
    return pd.DataFrame(rows)


def differences(observed: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of :func:`compare` where the client departs from RFC 9110 or Fetch,
    each with ``why``: the client's own rule, cited from its docs or source."""
    table = compare(observed)
    differs = ((table["rfc_verdict"] != AS_SPECIFIED) | ~table["matches_fetch"]
               | (table["body_verdict"] == BODY_DROPPED))
    table = table[differs].reset_index(drop=True)
    return table.assign(why=table["client"].map(rule_of))
