"""Where a chain stops: each client's redirect limit, and where odd Location values lead."""

from .experiments.probes import ODD_LOCATIONS, landings, odd_locations, redirect_limits

__all__ = [
    "ODD_LOCATIONS", "landings", "odd_locations", "redirect_limits",
]
