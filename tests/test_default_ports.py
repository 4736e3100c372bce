"""Lesson 15's experiment on ports 80 and 443, here or in a private network namespace."""

import pandas as pd
import pytest

from labserver.experiments import default_ports
from labserver.experiments.default_ports import from_json, run_on_default_ports, to_json

UPGRADE = "https-upgrade, ports 80 → 443"
DOWNGRADE = "https-downgrade, ports 443 → 80"
COLUMNS = ["client", "scenario", "authorization_arrived", "cookie_arrived", "hops"]


def test_the_table_survives_the_trip_from_the_child_process_with_its_types():
    frame = pd.DataFrame({"client": ["httpx"], "final_status": pd.array([None], "Int64"),
                          "authorization_arrived": [True]})
    back, skipped = from_json(to_json(frame, {"curl": "not installed"}))
    assert back["final_status"].dtype == "Int64" and back["final_status"].isna().all()
    assert back["authorization_arrived"].tolist() == [True]
    assert skipped == {"curl": "not installed"}


@pytest.mark.skipif(default_ports._no_private_network() is not None,
                    reason="no private network namespace on this machine")
def test_a_private_network_namespace_shows_the_exemption_without_binding_here():
    isolated, skipped = run_on_default_ports([UPGRADE, DOWNGRADE], ("httpx", "requests", "urllib"),
                                             isolate=True)
    assert skipped == {}
    kept = isolated.set_index(["client", "scenario"])["authorization_arrived"]
    assert kept[("httpx", UPGRADE)] and kept[("requests", UPGRADE)]
    assert not kept[("httpx", DOWNGRADE)] and not kept[("requests", DOWNGRADE)]
    assert kept[("urllib", DOWNGRADE)]


@pytest.mark.skipif(default_ports._no_private_network() is not None
                    or default_ports._cannot_bind_here() is not None,
                    reason="needs both ports 80/443 here and a private network namespace")
def test_the_private_network_and_this_process_give_the_same_table():
    names = ("httpx", "urllib")
    here, _ = run_on_default_ports([UPGRADE], names, isolate=False)
    there, _ = run_on_default_ports([UPGRADE], names, isolate=True)
    assert here[COLUMNS].astype(str).equals(there[COLUMNS].astype(str))


def test_without_the_ports_or_a_namespace_every_client_is_skipped_with_the_reason(monkeypatch):
    monkeypatch.setattr(default_ports, "_cannot_bind_here", lambda: "cannot listen on 80")
    monkeypatch.setattr(default_ports, "_no_private_network", lambda: "no unshare")
    frame, skipped = run_on_default_ports([UPGRADE], ("httpx", "curl"))
    assert frame.empty
    assert skipped == {"httpx": "cannot listen on 80, and no unshare",
                       "curl": "cannot listen on 80, and no unshare"}
    assert default_ports.default_ports_unavailable() == "cannot listen on 80, and no unshare"


def test_a_port_another_process_holds_is_busy_not_forbidden():
    import errno
    import socket

    if default_ports._cannot_bind_here() is not None:
        pytest.skip("this process may not bind ports 80 and 443")
    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", 80))
            holder.listen()
        except OSError as held:  # held already (an episode on another worker): the same case
            assert held.errno == errno.EADDRINUSE, held
        assert default_ports._cannot_bind_here() is None
