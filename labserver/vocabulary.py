"""The lab's shared vocabulary: every layer imports these names from here, once.

The codes and methods the matrix covers, the body an experiment sends and where a
redirect leads by default. The server side, the clients and the experiments all speak
of the same things, so none of them keeps a copy.
"""

from __future__ import annotations

CODES: tuple[int, ...] = (301, 302, 303, 307, 308)
"""The redirect codes a client follows automatically (300, 304, 305 and 306 are not)."""

METHODS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""The methods every experiment tries, in the lessons' order."""

DEFAULT_TARGET = "/echo"
"""Where a lab redirect leads unless ``?to=`` says otherwise."""

BODY = b'{"lesson": "redirects", "answer": 42}'
"""The body every experiment sends: small, recognisable, and JSON like most API calls."""

BODY_HEADERS = {"Content-Type": "application/json"}
"""The header that describes :data:`BODY`."""

BODY_METHODS: tuple[str, ...] = ("POST", "PUT", "PATCH")
"""Methods sent with a body: those whose content has defined meaning (POST and PUT in
RFC 9110 §9.3, PATCH in RFC 5789). GET, HEAD, DELETE and OPTIONS go without one, as
clients normally send them."""

TIMEOUT_SECONDS = 5.0
"""Generous for loopback; a client that hangs longer is reported as an error."""

REFERRER_POLICIES: tuple[str, ...] = (
    "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
    "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url")
"""The policies of W3C Referrer Policy §3 (``Referrer-Policy`` and ``fetch()``'s
``referrerPolicy``), which decide what ``Referer`` a request carries."""

CORS_ANSWERS: tuple[str, ...] = ("allow", "none", "redirect-preflight")
"""How a lab redirect answers a cross-origin ``fetch()`` (``/redirect/<code>?cors=``):
``allow`` lets any origin read it and answers a preflight; ``none`` sends no
``Access-Control-Allow-Origin``; ``redirect-preflight`` answers the preflight itself with
the redirect."""

JAR_COOKIE = "jar=lab-secret-jar"
"""The cookie ``/redirect/<code>?set_cookie=yes`` stores in a client's jar (made up).

Its ``Path`` is :data:`JAR_PATH`, so a client with a jar sends it only to that path, where
an experiment looks for it, and not with every later request of a lesson."""

JAR_PATH = "/echo/jar"
"""Where the jar cookie applies: an echo like ``/echo``, kept for the jar experiment."""

MAX_CHAIN = 100
"""The longest redirect chain the lab serves (``/chain/<n>``)."""

GLOSSARY: dict[str, str] = {
    "followed": "the client sent a new request to the redirect's Location",
    "refused": "the client did not follow the redirect (it returned the 3xx, or raised)",
    "kept": "arrived at the target as it was sent: a method, a body, a header",
    "method changed": "the target received another method than the one sent (a GET)",
    "+ body": "the request that reached the target carried the same body bytes as the "
              "first hop",
    "body dropped": "the first hop carried a body and the request that reached the target "
                    "carried none",
    "removed": "a header the client sent on the first hop but not on the redirected "
               "request (Content-Type after a switch to GET, say)",
    "leaked": "a credential sent to an origin other than the one it was given for",
    "stripped": "a credential the client did not send on to another origin: what RFC 9110 "
                "advises",
    "dropped": "a credential the client did not send on although the redirect stayed on "
               "its own origin",
    "from cache": "answered by a cache: no request reached the server",
    "error": "the client raised before anything reached the target",
}
"""The words every table key, grader and claim uses for what a redirect did to a
request, each defined once (the glossary page is rendered from this)."""

SYNONYMS: dict[str, str] = {
    "body lost": "body dropped", "without body": "body dropped",
    "without its body": "body dropped", "without a body": "body dropped",
    "no body": "body dropped", "body removed": "body dropped", "body gone": "body dropped",
    "empty body": "body dropped", "body not sent": "body dropped",
    "with body": "+ body", "with its body": "+ body", "with the body": "+ body",
    "and body": "+ body", "body kept": "+ body", "+ its body": "+ body",
    "not followed": "refused", "no redirect": "refused", "stops": "refused",
    "stopped": "refused", "does not follow": "refused", "doesn't follow": "refused",
}
"""Plain words a learner may write for a :data:`GLOSSARY` word: the graders read them as
the lab's own."""
