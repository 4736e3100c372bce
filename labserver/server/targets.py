"""Where the lab may send a client: local paths, and origins it was told to trust.

The lab server takes a redirect target from the learner (``?to=``). Accepting any
string there would make it an *open redirect*, the bug that lets a phishing link
borrow a trusted host's name. This module is the one gate every target passes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from urllib.parse import SplitResult, unquote, urlsplit

MAX_TARGET_LENGTH = 2048
"""Longer targets are refused: no lesson needs one, and it bounds the work per request."""

_MAX_DECODE_ROUNDS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeTarget(ValueError):
    """A redirect target that could send the client somewhere it was not meant to go."""


def netloc(host: str, port: int | str) -> str:
    """``host:port``, with an IPv6 host in brackets as URLs write it."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def origin_of(url: str | SplitResult) -> str:
    """``scheme://host:port`` in lower case, with the port spelled out (80 or 443 by default).

    Two URLs are the same origin exactly when these strings are equal.
    """
    parts = urlsplit(url) if isinstance(url, str) else url
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def _has_control_or_space(text: str) -> bool:
    return any(
        ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in text
    )


def _check_text(text: str) -> None:
    """Characters that browsers strip or reinterpret before they parse a URL."""
    if _has_control_or_space(text):
        raise UnsafeTarget("whitespace and control characters are not allowed in a target")
    if "\\" in text:
        raise UnsafeTarget("backslashes are not allowed (browsers read '/\\host' as '//host')")


def _split(text: str) -> SplitResult:
    """``urlsplit``, with its ValueError (``http://[``, a bad IPv6 bracket) as a refusal."""
    try:
        return urlsplit(text)
    except ValueError:
        raise UnsafeTarget("the target is not a well-formed URL (check its brackets)") from None


def _check_local(text: str) -> None:
    """Refuse anything a browser or client could read as another host.

    A local target is an absolute path (``/echo``) or a relative reference (``../echo``,
    ``echo?x=1``) that the client resolves against the redirecting URL, as RFC 3986 §5 says.
    """
    _check_text(text)
    if text.startswith("//"):
        raise UnsafeTarget("'//host' is a scheme-relative URL to another host")
    parts = _split(text)
    first_segment = text.split("/", 1)[0].split("?", 1)[0]
    if parts.scheme or parts.netloc or ":" in first_segment:
        raise UnsafeTarget("a target may not name a scheme or a host")


def _check_absolute(text: str, allowed_origins: Collection[str]) -> None:
    """An absolute URL passes only if its origin is on the allow-list, without userinfo."""
    _check_text(text)
    parts = _split(text)
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.netloc:
        raise UnsafeTarget("a target must be a local path starting with '/', or an http(s) "
                           "URL of an allowed origin")
    if "@" in parts.netloc:
        raise UnsafeTarget("a target may not carry a user name or password ('user@host')")
    try:
        origin = origin_of(parts)
    except ValueError:
        raise UnsafeTarget("the target's port is not a number from 0 to 65535") from None
    if origin not in allowed_origins:
        raise UnsafeTarget(f"{origin} is not an allowed origin")


def _path_part(text: str) -> str:
    """The part before any query or fragment: only it can change which host is meant."""
    for mark in "?#":
        text = text.split(mark, 1)[0]
    return text


def safe_target(target: str, allowed_origins: Collection[str] = ()) -> str:
    """Return ``target`` unchanged if it stays on this server or an allowed origin.

    ``allowed_origins`` holds :func:`origin_of` strings. A local path is checked as
    given and after every percent-decoding of its path, because some clients and
    proxies decode again before they follow a Location (``/%2F%2Fevil.example`` is
    ``//evil.example`` to them); a decoded query cannot change the host, so ``?q=a%20b``
    stays allowed. Anything else raises :class:`UnsafeTarget` saying why.
    """
    if not target:
        raise UnsafeTarget("the target is empty")
    if len(target) > MAX_TARGET_LENGTH:
        raise UnsafeTarget(f"the target is longer than {MAX_TARGET_LENGTH} characters")
    if "://" in _path_part(target) and allowed_origins:  # a URL in the query is local
        _check_absolute(target, {o.lower() for o in allowed_origins})
        return target
    _check_local(target)
    seen = _path_part(target)
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = unquote(seen)
        if decoded == seen:
            return target
        try:
            _check_local(decoded)
        except UnsafeTarget as refusal:
            raise UnsafeTarget(f"once percent-decoded, {refusal}") from None
        seen = decoded
    raise UnsafeTarget("the target is percent-encoded too many times over")


TRICKY_TARGETS: dict[str, str] = {
    "/echo": "a plain local path",
    "../echo": "a relative reference, resolved against the redirecting URL",
    "/echo?next=//evil.example": "a local path whose query merely mentions another host",
    "//evil.example": "scheme-relative: 'same scheme, host evil.example'",
    "///evil.example": "extra slashes, which browsers collapse into '//evil.example'",
    "/\\evil.example": "browsers read a backslash as a slash in http(s) URLs",
    "https:evil.example": "a scheme with no slashes: a host from a page of another scheme, "
                          "a path from an https page",
    "HTTPS://EVIL.EXAMPLE": "mixed case does not change the URL",
    "/%2F%2Fevil.example": "percent-encoded slashes: '//evil.example' once decoded",
    "%2F%2Fevil.example": "the same without the leading slash",
    "/%5Cevil.example": "a percent-encoded backslash",
    "https://trusted.example@evil.example/": "userinfo: the host is evil.example",
    "/\t/evil.example": "a tab, which browsers strip, leaving '//evil.example'",
    " //evil.example": "leading space, which browsers strip",
    "javascript:alert(1)": "a script URL",
}
"""Inputs an open-redirect check must get right, with what makes each one tricky."""


def visible(target: str) -> str:
    """``target`` with its spaces and control characters drawn (``␠``, ``␉``, ...).

    A table of tricky targets must show a leading space or a tab, not a blank that reads
    like the row above it; the Unicode control pictures stand in for them.
    """
    return "".join("␠" if ch == " " else "␡" if ch == "\x7f"
                   else chr(0x2400 + ord(ch)) if ord(ch) < 0x20 else ch for ch in target)
