"""The ?to= gate: local paths pass, anything that could reach another host is refused."""

import pytest

from labserver import UnsafeTarget, safe_local_target
from labserver.targets import MAX_TARGET_LENGTH


@pytest.mark.parametrize("target", [
    "/echo", "/echo?x=1&y=2", "/echo?q=a%20b", "/echo#top", "/redirect/307?to=/echo",
    "/a/../echo", "/@user", "/echo?next=//evil.example",
])
def test_local_paths_are_allowed_unchanged(target):
    assert safe_local_target(target) == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "http://127.0.0.1/echo", "https:evil.example", "javascript:alert(1)",
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/%2F%2Fevil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "/%252F%252Fevil.example", "/%09/evil.example", "/\t/evil.example", " /echo",
    "/echo\r\nSet-Cookie: x=1", "/ec ho", "//user@evil.example", "HTTPS://EVIL.EXAMPLE",
    "evil.example", "echo", "", "/\u200b/evil.example",
])
def test_targets_that_could_leave_the_server_are_refused(target):
    with pytest.raises(UnsafeTarget):
        safe_local_target(target)


def test_overlong_target_is_refused():
    with pytest.raises(UnsafeTarget, match="longer than"):
        safe_local_target("/" + "a" * MAX_TARGET_LENGTH)


def test_refusal_explains_the_decoded_form():
    with pytest.raises(UnsafeTarget, match="once percent-decoded"):
        safe_local_target("/%2F%2Fevil.example")
