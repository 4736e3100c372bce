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
