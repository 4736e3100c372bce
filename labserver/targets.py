"""Where the lab may send a client: local paths only.

The lab server takes a redirect target from the learner (``?to=``). Accepting any
string there would make it an *open redirect*, the bug that lets a phishing link
borrow a trusted host's name. This module is the one gate every target passes.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_TARGET_LENGTH = 2048
"""Longer targets are refused: no lesson needs one, and it bounds the work per request."""

_MAX_DECODE_ROUNDS = 5


class UnsafeTarget(ValueError):
    """A redirect target that could send the client off this server."""


def _has_control_or_space(text: str) -> bool:
    return any(
        ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in text
    )


def _check_form(text: str) -> None:
    """Refuse anything a browser or client could read as another host."""
    if _has_control_or_space(text):
        raise UnsafeTarget("whitespace and control characters are not allowed in a target")
    if "\\" in text:
        raise UnsafeTarget("backslashes are not allowed (browsers read '/\\host' as '//host')")
    if not text.startswith("/"):
        raise UnsafeTarget("a target must be a local path starting with '/'")
    if text.startswith("//"):
        raise UnsafeTarget("'//host' is a scheme-relative URL to another host")
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        raise UnsafeTarget("a target may not name a scheme or a host")


def _path_part(text: str) -> str:
    """The part before any query or fragment: only it can change which host is meant."""
    for mark in "?#":
        text = text.split(mark, 1)[0]
    return text


def safe_local_target(target: str) -> str:
    """Return ``target`` unchanged if it is a path on this server, else raise UnsafeTarget.

    The check runs on the text as given and on every percent-decoding of its path,
    because some clients and proxies decode again before they follow a Location
    (``/%2F%2Fevil.example`` is ``//evil.example`` to them). A decoded query string
    cannot change the host, so ``?q=a%20b`` stays allowed.
    """
    if not target:
        raise UnsafeTarget("the target is empty")
    if len(target) > MAX_TARGET_LENGTH:
        raise UnsafeTarget(f"the target is longer than {MAX_TARGET_LENGTH} characters")
    _check_form(target)
    seen = _path_part(target)
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = unquote(seen)
        if decoded == seen:
            return target
        try:
            _check_form(decoded)
        except UnsafeTarget as refusal:
            raise UnsafeTarget(f"once percent-decoded, {refusal}") from None
        seen = decoded
    raise UnsafeTarget("the target is percent-encoded too many times over")
