"""The 3xx reference and the "which redirect should I return?" guide, as data and code.

The reference holds what RFC 9110 and RFC 9111 say of every 3xx code; a lesson then
checks each cell the lab can observe against a live run (the method and body of a POST
through httpx, the reuse of a redirect by an RFC 9111 cache), in the same notebook.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import GLOSSARY

REFERENCE: list[dict[str, object]] = [
    {"code": 300, "name": "Multiple Choices", "permanent": "no", "method may change": "n/a",
     "body kept": "n/a", "cacheable by default": "yes", "RFC 9110": "§15.4.1",
     "note": "lists alternatives; clients rarely follow it automatically"},
    {"code": 301, "name": "Moved Permanently", "permanent": "yes",
     "method may change": "yes (POST → GET, historical)", "body kept": "no if it becomes GET",
     "cacheable by default": "yes", "RFC 9110": "§15.4.2", "note": ""},
    {"code": 302, "name": "Found", "permanent": "no",
     "method may change": "yes (POST → GET, historical)", "body kept": "no if it becomes GET",
     "cacheable by default": "no", "RFC 9110": "§15.4.3", "note": ""},
    {"code": 303, "name": "See Other", "permanent": "no",
     "method may change": "yes (to GET, by design)", "body kept": "no",
     "cacheable by default": "no", "RFC 9110": "§15.4.4", "note": "the answer is elsewhere"},
    {"code": 304, "name": "Not Modified", "permanent": "n/a", "method may change": "n/a",
     "body kept": "n/a", "cacheable by default": "n/a", "RFC 9110": "§15.4.5",
     "note": "not a redirect to follow: answers a conditional request from the cache"},
    {"code": 305, "name": "Use Proxy", "permanent": "n/a", "method may change": "n/a",
     "body kept": "n/a", "cacheable by default": "no", "RFC 9110": "§15.4.6",
     "note": "deprecated (RFC 9110 §15.4.6): defined by an earlier HTTP, no longer used"},
    {"code": 306, "name": "(Unused)", "permanent": "n/a", "method may change": "n/a",
     "body kept": "n/a", "cacheable by default": "no", "RFC 9110": "§15.4.7",
     "note": "reserved, no longer used"},
    {"code": 307, "name": "Temporary Redirect", "permanent": "no",
     "method may change": "no (MUST NOT)", "body kept": "yes", "cacheable by default": "no",
     "RFC 9110": "§15.4.8", "note": ""},
    {"code": 308, "name": "Permanent Redirect", "permanent": "yes",
     "method may change": "no (POST may not become GET; §15.4 keeps the rest)",
     "body kept": "yes", "cacheable by default": "yes", "RFC 9110": "§15.4.9",
     "note": "first defined in RFC 7238 (2014, experimental), then RFC 7538 (2015)"},
]
"""Every 3xx code, as RFC 9110 defines it: a *cited* table, not an observed one (the
lesson checks each observable cell against a run). "Cacheable by default" is heuristic
cacheability, which RFC 9110 §15.1 grants to 300, 301 and 308 among the redirects and
which RFC 9111 §4.2.2 lets a cache use."""


def reference_table() -> pd.DataFrame:
    return pd.DataFrame(REFERENCE).set_index("code")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def check_reference(post_through: pd.DataFrame, cache_reuse: pd.DataFrame) -> pd.DataFrame:
    """Each observable cell of the reference beside what the lab observed.

    ``post_through``: tidy rows of a POST through each code (from ``run_matrix``);
    ``cache_reuse``: rows of :func:`labserver.caching.cache_reuse` with ``cache ==
    "heuristic"``. Returns one row per code and claim: expected, observed, agrees.
    """
    reference = reference_table()
    posts = post_through.set_index("code")
    reuse = cache_reuse.set_index("code")
    rows = []
    for code in posts.index:
        observed = {
            "method may change": _yes_no(posts.loc[code, "final_method"] != "POST"),
            "body kept": _yes_no(bool(posts.loc[code, "body_arrived"])),
            "cacheable by default": _yes_no(reuse.loc[code, "hishel"] == 1),
        }
        for claim, seen in observed.items():
            expected = str(reference.loc[code, claim])
            rows.append({"code": code, "claim": claim, "reference": expected,
                         "observed": seen, "agrees": expected.startswith(seen)})
    return pd.DataFrame(rows).set_index(["code", "claim"])


def choose_redirect(*, permanent: bool, keep_method_and_body: bool,
                    answers_a_form_post: bool = False) -> tuple[int, str]:
    """The redirect to return for a situation, and why.

    ``answers_a_form_post``: the request was a form POST whose result the user should
    see (Post/Redirect/Get). ``keep_method_and_body``: non-GET requests arrive here and
    must reach the new URL unchanged (an API). ``permanent``: the old URL is gone for
    good and clients and caches may remember the new one.
    """
    if answers_a_form_post:
        return 303, "303 See Other: the browser GETs the result, so reload cannot re-POST"
    if keep_method_and_body:
        if permanent:
            return 308, "308 Permanent Redirect: method and body kept, cacheable, for good"
        return 307, "307 Temporary Redirect: method and body kept, not cached by default"
    if permanent:
        return 301, "301 Moved Permanently: for GET and HEAD (308 works as well)"
    return 302, "302 Found: for GET and HEAD (307 works as well)"


def right_codes(*, permanent: bool, keep_method_and_body: bool,
                answers_a_form_post: bool = False) -> tuple[int, ...]:
    """Every code that serves the situation: :func:`choose_redirect`'s, and its twin where
    the reason says it works as well (a GET and a HEAD keep their method through all five)."""
    code, _ = choose_redirect(permanent=permanent, keep_method_and_body=keep_method_and_body,
                              answers_a_form_post=answers_a_form_post)
    return {301: (301, 308), 302: (302, 307)}.get(code, (code,))


SITUATIONS: dict[str, dict[str, bool]] = {
    "A password-reset form was submitted; the user should see a 'check your mail' page":
        {"permanent": False, "keep_method_and_body": False, "answers_a_form_post": True},
    "A webhook receiver, which other servers POST JSON to, moved to a new path for good":
        {"permanent": True, "keep_method_and_body": True},
    "The shop is closed today; people browsing its pages go to a notice page instead":
        {"permanent": False, "keep_method_and_body": False},
}
"""Episode 07's exercise, in prose: the facts :func:`choose_redirect` needs stay here, so
working them out from the sentence is the learner's part."""


def situations_table(situations: dict[str, dict[str, bool]] = SITUATIONS) -> pd.DataFrame:
    """Each situation's facts, the code :func:`choose_redirect` returns, and why."""
    rows = []
    for situation, facts in situations.items():
        code, why = choose_redirect(**facts)
        rows.append({"situation": situation, **{k: facts.get(k, False) for k in (
            "answers_a_form_post", "keep_method_and_body", "permanent")}, "code": code,
            "right codes": right_codes(**facts), "why": why})
    return pd.DataFrame(rows).set_index("situation")


DECISION_MERMAID = """flowchart TD
    A[A request must go to another URL] --> B{Is it the answer to a form POST?}
    B -- yes --> S303[303 See Other]
    B -- no --> C{Must POST, PUT, PATCH, DELETE keep method and body?}
    C -- yes --> D{Is the move permanent?}
    D -- yes --> S308[308 Permanent Redirect]
    D -- no --> S307[307 Temporary Redirect]
    C -- "no, only GET and HEAD" --> E{Is the move permanent?}
    E -- yes --> S301[301 Moved Permanently]
    E -- no --> S302[302 Found]"""
"""The same decision as :func:`choose_redirect`, drawn for JupyterLab (4.1+ renders it)."""


def decision_diagram() -> object:
    """:data:`DECISION_MERMAID` as Markdown, which JupyterLab draws as a diagram."""
    from IPython.display import Markdown

    from .display import MERMAID_THEME

    return Markdown(  # type: ignore[no-untyped-call]
        f"```mermaid\n{MERMAID_THEME}\n{DECISION_MERMAID}\n```")


def glossary() -> pd.DataFrame:
    """The lab's words for what a redirect did to a request, each defined once
    (:data:`~labserver.vocabulary.GLOSSARY`), as the glossary page shows them."""
    return pd.DataFrame({"word": list(GLOSSARY), "meaning": list(GLOSSARY.values())}
                        ).set_index("word")
