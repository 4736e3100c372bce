"""Old bugs, replayed: each release before its fix leaks in the journal, the fixed one not."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from labserver.clients import OLD_RELEASES
from labserver.clients.old_versions import old_releases_unavailable
from labserver.experiments.credentials import CredentialLab
from labserver.experiments.old_bugs import OLD_BUGS, proxy_leak_by_direction, replay_old_bugs

UNAVAILABLE = old_releases_unavailable()


@pytest.fixture(scope="module")
def lab() -> Iterator[CredentialLab]:
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    with CredentialLab() as running:
        yield running


@pytest.fixture(scope="module")
def replays(lab):
    return replay_old_bugs(lab)


@pytest.mark.parametrize("bug", OLD_BUGS, ids=lambda bug: bug.cve)
def test_the_release_before_the_fix_leaks_and_the_fixed_one_does_not(replays, bug):
    assert replays.loc[(bug.cve, bug.before), "leaked"]
    assert not replays.loc[(bug.cve, bug.after), "leaked"]


def test_urllib3_before_1_26_18_sends_the_posts_body_on_the_get_after_a_303(replays):
    after = replays.loc["CVE-2023-45803", "after the redirect"]
    assert after["urllib3 1.26.16"] == "GET with a 19-byte body"
    assert after["urllib3 1.26.18"] == "GET without a body"


def test_requests_2_30_leaks_proxy_credentials_only_to_https_targets(lab):
    leaked = dict(proxy_leak_by_direction(lab)["leaked"])
    assert leaked == {"http → https": True, "https → http": False, "https → https": True,
                      "http → http": False}


def test_each_old_release_runs_from_its_own_cached_environment():
    for release in OLD_RELEASES.values():
        if UNAVAILABLE is not None:
            pytest.skip(UNAVAILABLE)
        assert release.ready
        assert release.python.is_file()
        release.install()  # already there: nothing to do, nothing raised


def _fake_installer(monkeypatch, tmp_path, *, fails: str = "") -> None:
    """Old releases cached in ``tmp_path``, their installer replaced by a stand-in that
    makes the environment's folder (or fails with ``fails``)."""
    import subprocess

    from labserver.clients import old_versions

    monkeypatch.setattr(old_versions, "CACHE_HOME", tmp_path)

    def run(command, **_):
        if fails:
            return subprocess.CompletedProcess(command, 1, "", f"pip says\n{fails}\n")
        (tmp_path / "old-releases").mkdir(exist_ok=True)
        if "venv" in command:
            Path(command[-1]).mkdir()
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(old_versions, "run_child", run)


def test_an_old_release_prints_one_progress_line_when_it_installs_and_none_after(
        monkeypatch, tmp_path, capsys):
    release = OLD_RELEASES["urllib3 1.26.16"]
    _fake_installer(monkeypatch, tmp_path)
    release.install()
    release.install()
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["Installing urllib3 1.26.16 into an environment of its own, once "
                       "(urllib3==1.26.16: under 1 MiB); later runs reuse it ..."]
    assert release.ready


def test_an_old_release_that_cannot_be_installed_says_why_in_one_sentence(monkeypatch,
                                                                          tmp_path):
    from labserver.clients import ClientUnavailable

    release = OLD_RELEASES["urllib3 1.26.16"]
    _fake_installer(monkeypatch, tmp_path,
                    fails="ERROR: No matching distribution found for urllib3==1.26.16")
    with pytest.raises(ClientUnavailable) as failed:
        release.install()
    assert failed.value._render_traceback_() == [
        "Skipped: cannot install urllib3 1.26.16 (urllib3==1.26.16): ERROR: No matching "
        "distribution found for urllib3==1.26.16"]
