"""The journal as an HTTP Archive (HAR 1.2): the format browsers' developer tools export
and import, so a lab experiment can be opened beside real traffic.

HAR describes what a browser sent and got; the journal describes what a server received
and answered. They meet on the wire, so each journal entry becomes one HAR entry. What the
journal does not keep (the body's bytes, the time spent on the network) is marked as
HAR allows: ``-1`` for an unknown size, a comment for what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from .entry import Entry

HAR_VERSION = "1.2"
CREATOR = {"name": "Redirect Lab", "version": "1"}
"""Who made the archive (HAR's ``log.creator``)."""

_BODY_NOT_KEPT = ("the lab's journal keeps a body's length and SHA-256, not its bytes: "
                  "sha256 {}")


def _pairs(lines: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in lines]


def _cookies(header: str | None) -> list[dict[str, str]]:
    """The name=value pairs of a ``Cookie`` header, as HAR lists them."""
    pairs = (part.strip().partition("=") for part in (header or "").split(";"))
    return [{"name": name, "value": value} for name, _, value in pairs if name]


def _set_cookies(lines: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The cookies an answer's ``Set-Cookie`` lines store (name and value)."""
    found = []
    for name, value in lines:
        if name.lower() != "set-cookie":
            continue
        try:
            parsed = SimpleCookie(value)
        except CookieError:
            continue
        found += [{"name": key, "value": morsel.value} for key, morsel in parsed.items()]
    return found


def _header(lines: Iterable[tuple[str, str]], wanted: str) -> str | None:
    return next((value for name, value in lines if name.lower() == wanted), None)


def _size(value: str | None) -> int:
    # isascii: "²".isdigit() is True, and int("²") raises
    return int(value) if value and value.isascii() and value.isdigit() else -1


def har_entry(entry: Entry) -> dict[str, Any]:
    """One journal entry as a HAR entry (request, response, timings in milliseconds)."""
    wait = round(entry.elapsed * 1000, 3)
    request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "httpVersion": entry.http_version,
        "cookies": _cookies(entry.headers.get("Cookie")),
        "headers": _pairs(entry.header_lines),
        "queryString": _pairs(parse_qsl(entry.query, keep_blank_values=True)),
        "headersSize": -1,
        "bodySize": entry.body_length if entry.body_length is not None else -1,
    }
    if entry.body_length:
        request["postData"] = {"mimeType": entry.content_type or "", "text": "",
                               "comment": _BODY_NOT_KEPT.format(entry.body_sha256)}
    answer = entry.response_headers
    length = _size(_header(answer, "content-length"))
    response = {
        "status": entry.status,
        "statusText": entry.reason,
        "httpVersion": entry.http_version,
        "cookies": _set_cookies(answer),
        "headers": _pairs(answer),
        "content": {"size": length, "mimeType": _header(answer, "content-type") or ""},
        "redirectURL": entry.location or "",
        "headersSize": -1,
        "bodySize": length,
    }
    started = datetime.fromtimestamp(entry.started, tz=UTC)
    return {
        "startedDateTime": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": wait,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": wait, "receive": 0},
        "_labServer": entry.server,
        "_seq": entry.seq,
    }


def har_log(entries: Iterable[Entry]) -> dict[str, Any]:
    """``{"log": ...}``: a whole HAR 1.2 archive of ``entries``, oldest first."""
    return {"log": {"version": HAR_VERSION, "creator": CREATOR,
                    "entries": [har_entry(e) for e in entries]}}
