"""What a redirect costs, counted by the servers: connections per chain, per origin."""

from collections.abc import Iterator

import pandas as pd
import pytest

from labserver import LabServer, make_client
from labserver.clients import CallClient, Outcome
from labserver.experiments.cost import (
    LabCounter,
    NginxCounter,
    across_origins,
    hop_costs,
    nginx_chain,
)
from labserver.experiments.credentials import CredentialLab
from labserver.frameworks import NginxChain
from labserver.teaching.plots import TimePlot


@pytest.fixture(scope="module")
def lab() -> Iterator[CredentialLab]:
    with CredentialLab() as running:
        yield running


@pytest.fixture(scope="module")
def nginx() -> Iterator[NginxChain]:
    reason = NginxChain.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with NginxChain() as running:
        yield running  # type: ignore[misc]


def test_a_server_that_closes_every_connection_makes_each_hop_open_a_new_one():
    with LabServer(keep_alive=False) as closing, make_client("httpx") as client:
        costs = hop_costs(LabCounter(closing), [client], max_hops=3, runs=1)
    assert list(costs["connections"]) == [1, 2, 3, 4]


def test_httpx_sends_a_whole_chain_on_one_kept_connection_to_the_lab_server(lab):
    with make_client("httpx") as client:
        costs = hop_costs(LabCounter(lab.servers["lab"]), [client], max_hops=5, runs=2)
    assert set(costs["connections"]) == {1}
    assert set(costs["status"]) == {200}


def test_urllib_opens_a_new_connection_for_every_hop_even_on_the_lab_server(lab):
    costs = hop_costs(LabCounter(lab.servers["lab"]), [make_client("urllib")], max_hops=3,
                      runs=1)
    assert list(costs["connections"]) == [1, 2, 3, 4]


def test_httpx_sends_a_whole_chain_on_one_keep_alive_connection_to_nginx(nginx):
    with make_client("httpx") as client:
        costs = hop_costs(NginxCounter(nginx), [client], nginx_chain, max_hops=5, runs=1)
    assert set(costs["connections"]) == {1}
    assert set(costs["status"]) == {200}


def test_urllib_opens_a_new_connection_for_every_hop_even_on_nginx(nginx):
    client = make_client("urllib")
    costs = hop_costs(NginxCounter(nginx), [client], nginx_chain, max_hops=3, runs=1)
    assert list(costs["connections"]) == [1, 2, 3, 4]


def test_a_chain_across_three_origins_opens_a_connection_at_each(lab):
    with make_client("requests", tls=lab.certificates) as client:
        row = across_origins(lab, [client]).loc["requests"]
        again = across_origins(lab, [client]).loc["requests"]  # its pool holds all three now
    assert list(row) == list(again) == [1, 1, 1, 200]


def test_a_time_plot_is_a_png_beside_a_fixed_description():
    frame = pd.DataFrame(
        {"client": ["httpx", "httpx"], "redirects": [0, 1], "median ms": [1.0, 2.0]})
    plot = TimePlot(frame, "a chain")
    assert plot._repr_png_().startswith(b"\x89PNG")
    assert repr(plot) == "Plot: a chain (median ms against redirects; httpx)"


def test_the_chains_take_turns_so_one_pause_cannot_slow_every_run_of_one_chain(lab):
    sent: list[str] = []

    def record(method: str, url: str, body: bytes | None,
               headers: dict[str, str] | None) -> Outcome:
        sent.append(url.rsplit("/", 1)[-1])
        return Outcome(status=200)

    hop_costs(LabCounter(lab.servers["lab"]), [CallClient("recorder", record)],
              max_hops=2, runs=2)
    assert sent == ["echo", "echo", "1", "2", "echo", "1", "2"]  # a warm-up, then turns
