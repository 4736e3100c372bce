"""Plots of measured times. A time differs run to run, so a plot is shown as a picture
(which the lessons' checks do not compare) beside a fixed one-line description (which
they do); what a lesson *states* about times is checked by a claim instead."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class TimePlot:
    """Milliseconds against redirects, one line per client: shown as a PNG."""

    def __init__(self, frame: pd.DataFrame, title: str, value: str = "median ms") -> None:
        self.frame = frame
        self.title = title
        self.value = value

    def figure(self) -> Figure:
        from matplotlib.figure import Figure  # a third of a second; one lesson plots

        figure = Figure(figsize=(6.4, 3.6), layout="constrained")
        axes = figure.subplots()
        for client, rows in self.frame.groupby("client", sort=False):
            axes.plot(rows["redirects"], rows[self.value], marker="o", label=str(client))
        axes.set_xlabel("redirects in the chain")
        axes.set_ylabel(self.value.replace("ms", "(ms)"))
        axes.set_title(self.title)
        axes.set_ylim(bottom=0)
        axes.legend()
        return figure

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()

    def __repr__(self) -> str:
        clients = ", ".join(dict.fromkeys(self.frame["client"]))
        return f"Plot: {self.title} ({self.value} against redirects; {clients})"
