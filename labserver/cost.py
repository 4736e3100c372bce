"""What a redirect costs: connections counted by the servers, times per chain length."""

from .experiments.cost import (
    COST_CLIENTS,
    LabCounter,
    NginxCounter,
    across_origins,
    hop_costs,
    nginx_chain,
)
from .frameworks import NginxChain
from .teaching.plots import TimePlot

__all__ = [
    "COST_CLIENTS", "LabCounter", "NginxChain", "NginxCounter", "TimePlot",
    "across_origins", "hop_costs", "nginx_chain",
]
