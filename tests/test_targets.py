"""The ?to= gate: local paths pass, anything that could reach another host is refused."""

import pytest

from labserver.server import UnsafeTarget, safe_target
from labserver.server.targets import MAX_TARGET_LENGTH


@pytest.mark.parametrize("target", [
    "/echo", "/echo?x=1&y=2", "/echo?q=a%20b", "/echo#top", "/redirect/307?to=/echo",
    "/a/../echo", "/@user", "/echo?next=//evil.example", "../echo", "echo?x=1", "evil.example",
])
def test_local_paths_are_allowed_unchanged(target):
    assert safe_target(target) == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "http://127.0.0.1/echo", "https:evil.example", "javascript:alert(1)",
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/%2F%2Fevil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "/%252F%252Fevil.example", "/%09/evil.example", "/\t/evil.example", " /echo",
    "/echo\r\nSet-Cookie: x=1", "/ec ho", "//user@evil.example", "HTTPS://EVIL.EXAMPLE",
    "", "/\u200b/evil.example", "a%3Ab", "/%252F%252F%252F",
])
def test_targets_that_could_leave_the_server_are_refused(target):
    with pytest.raises(UnsafeTarget):
        safe_target(target)


def test_overlong_target_is_refused():
    with pytest.raises(UnsafeTarget, match="longer than"):
        safe_target("/" + "a" * MAX_TARGET_LENGTH)


def test_refusal_explains_the_decoded_form():
    with pytest.raises(UnsafeTarget, match="once percent-decoded"):
        safe_target("/%2F%2Fevil.example")


ALLOWED = {"http://127.0.0.1:8001"}


@pytest.mark.parametrize("target", ["http://127.0.0.1:8001/echo", "HTTP://127.0.0.1:8001/echo?x=1"])
def test_urls_of_allowed_origins_pass(target):
    assert safe_target(target, ALLOWED) == target


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:8002/echo", "https://127.0.0.1:8001/echo", "http://evil.example/",
    "http://127.0.0.1:8001@evil.example/", "http://user@127.0.0.1:8001/", "https:evil.example",
    "//127.0.0.1:8001/echo", "http://127.0.0.1:8001\\@evil.example/", "ftp://127.0.0.1:8001/",
    "http://127.0.0.1:99999/", " http://127.0.0.1:8001/",
])
def test_other_origins_userinfo_and_tricks_are_refused_even_with_an_allow_list(target):
    with pytest.raises(UnsafeTarget):
        safe_target(target, ALLOWED)


def test_origin_spells_out_default_ports_in_lower_case():
    from labserver.server.targets import origin_of
    assert origin_of("HTTPS://Example.ORG/x") == "https://example.org:443"
    assert origin_of("http://127.0.0.1/") == "http://127.0.0.1:80"


def test_every_tricky_target_that_leaves_the_server_is_refused():
    from labserver.server.targets import TRICKY_TARGETS
    stays = {"/echo", "../echo", "/echo?next=//evil.example"}
    for target in TRICKY_TARGETS:
        if target in stays:
            assert safe_target(target) == target
        else:
            with pytest.raises(UnsafeTarget):
                safe_target(target)
