"""The playground as an ipywidgets panel: controls for a :class:`PlaygroundState`, a Run
button, and output areas for what :mod:`labserver.teaching.playground` reads from the run.

JupyterLab 4 renders ipywidgets 8 with no set-up. The panel only sets and reads controls;
every step from state to table is a plain function, tested on its own. Its text form is
one fixed line, so a notebook that shows it stores the same output on every run (the
widget's own view is random by design, and nbval does not compare it).
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import replace
from typing import Any

import ipywidgets as widgets  # type: ignore[import-untyped]
from IPython.display import Markdown, display

from ..clients import CLIENTS, ClientUnavailable
from ..experiments.playground import (
    BODIES,
    DESTINATIONS,
    Hop,
    PlaygroundError,
    PlaygroundRun,
    PlaygroundState,
    reproduce,
    run,
    shell_variables,
)
from ..vocabulary import CODES, METHODS
from .playground import (
    PRESETS,
    coloured,
    diagram,
    grade_predictions,
    hops_tables,
    markdown,
    verdicts,
    words_used,
)

_WIDE = widgets.Layout(width="auto")
_LABELLED = {"description_width": "initial"}
"""A label as wide as its words (``Content-Type``, ``Authorization``), not cut short."""


def _download(name: str, text: str, mime: str) -> str:
    data = base64.b64encode(text.encode()).decode()
    return f'<a download="{name}" href="data:{mime};base64,{data}">{name}</a>'


def _markdown(text: str) -> object:
    return Markdown(text)  # type: ignore[no-untyped-call]


_PANELS = itertools.count(1)
"""Numbers the panels of this kernel. A panel's model id is stored in the notebook with
its output: a random one (ipywidgets' default) changed every episode's file at every
refresh; numbered, the stored outputs stay the same."""


class Playground(widgets.VBox):  # type: ignore[misc]
    """The panel. ``state()`` reads its controls, ``show(state)`` sets them, ``run()``
    (the Run button) observes the experiment and fills the output areas; ``last_run`` and
    ``last_error`` keep what the last press gave."""

    def __init__(self, state: PlaygroundState | None = None, title: str = "") -> None:
        self.title = title
        self.last_run: PlaygroundRun | None = None
        self.last_error = ""
        self.hop_count = widgets.Dropdown(options=[1, 2, 3], description="hops")
        self.codes = [widgets.Dropdown(options=list(CODES), value=302, description=f"hop {n}")
                      for n in (1, 2, 3)]
        self.destinations = [widgets.Dropdown(options=list(DESTINATIONS), description="to")
                             for _ in (1, 2, 3)]
        self.method = widgets.Dropdown(options=list(METHODS), description="method")
        self.body = widgets.Dropdown(options=list(BODIES), description="body")
        self.content_type = widgets.Text(description="Content-Type", style=_LABELLED,
                                         placeholder="the body's own")
        self.authorization = widgets.Text(description="Authorization", style=_LABELLED)
        self.cookie = widgets.Text(description="Cookie")
        self.custom_name = widgets.Text(description="header", placeholder="X-Request-Id")
        self.custom_value = widgets.Text(description="value")
        self.clients: dict[str, widgets.Checkbox] = {}
        self.predictions: dict[str, widgets.Text] = {}
        rows = []
        for name, kind in CLIENTS.items():
            reason = kind.unavailable_reason()
            box = widgets.Checkbox(description=name, disabled=bool(reason), indent=False,
                                   tooltip=reason or "")
            guess = widgets.Text(placeholder="predict: GET, body dropped", disabled=bool(reason))
            self.clients[name], self.predictions[name] = box, guess
            note = widgets.HTML(f"<span style='opacity:0.6'>{reason}</span>" if reason else "")
            rows.append(widgets.HBox([box, guess, note]))
        self.diagram_client = widgets.Dropdown(options=[""], description="diagram of")
        self.run_button = widgets.Button(description="Run", button_style="primary")
        self.run_button.on_click(lambda _: self.run())
        self.outputs = {name: widgets.Output() for name in (
            "message", "summary", "grade", "hops", "diagram", "verdicts", "reproduce",
            "downloads")}
        for box in self.clients.values():
            box.observe(lambda _: self._refresh(), names="value")
        self.hop_count.observe(lambda _: self._refresh(), names="value")
        hops = [widgets.HBox([code, to]) for code, to in zip(self.codes, self.destinations,
                                                             strict=True)]
        tabs = widgets.Tab(children=[self.outputs[n] for n in (
            "hops", "diagram", "verdicts", "reproduce", "downloads")])
        for n, label in enumerate(("hops", "diagram", "verdicts", "reproduce", "take home")):
            tabs.set_title(n, label)
        super().__init__([
            widgets.HTML(f"<b>Redirect Lab playground</b>{': ' + title if title else ''}"),
            self.hop_count, *hops, widgets.HBox([self.method, self.body]),
            widgets.HBox([self.content_type, self.authorization]), widgets.HBox([
                self.cookie, self.custom_name, self.custom_value]),
            widgets.HTML("clients (and an optional prediction of what arrives):"),
            *rows, widgets.HBox([self.diagram_client, self.run_button]),
            self.outputs["message"], self.outputs["summary"], self.outputs["grade"], tabs,
        ], layout=_WIDE, model_id=f"redirect-lab-playground-{next(_PANELS)}")
        self.show(state or PlaygroundState())

    def _refresh(self) -> None:
        for n, (code, to) in enumerate(zip(self.codes, self.destinations, strict=True)):
            code.disabled = to.disabled = n >= self.hop_count.value
        chosen = [name for name, box in self.clients.items() if box.value]
        keep = self.diagram_client.value
        self.diagram_client.options = chosen or [""]
        self.diagram_client.value = keep if keep in chosen else (chosen or [""])[0]

    def show(self, state: PlaygroundState) -> None:
        """Set every control to ``state``."""
        self.hop_count.value = len(state.hops)
        for hop, code, to in zip(state.hops, self.codes, self.destinations, strict=False):
            code.value, to.value = hop.code, hop.to
        self.method.value, self.body.value = state.method, state.body
        self.content_type.value, self.authorization.value = (state.content_type,
                                                             state.authorization)
        self.cookie.value = state.cookie
        self.custom_name.value, self.custom_value.value = state.custom_name, state.custom_value
        for name, box in self.clients.items():
            box.value = name in state.clients and not box.disabled
        self._refresh()
        if state.diagram in self.diagram_client.options:
            self.diagram_client.value = state.diagram

    def state(self) -> PlaygroundState:
        """The state the controls say."""
        count = self.hop_count.value
        return PlaygroundState(
            hops=tuple(Hop(code.value, to.value) for code, to in
                       zip(self.codes[:count], self.destinations[:count], strict=True)),
            method=self.method.value, body=self.body.value,
            content_type=self.content_type.value, authorization=self.authorization.value,
            cookie=self.cookie.value, custom_name=self.custom_name.value,
            custom_value=self.custom_value.value,
            clients=tuple(name for name, box in self.clients.items() if box.value),
            diagram=self.diagram_client.value)

    def _say(self, area: str, *shown: Any) -> None:
        output = self.outputs[area]
        output.clear_output()
        with output:
            for item in shown:
                display(item)  # type: ignore[no-untyped-call]

    def run(self) -> PlaygroundRun | None:
        """Run the experiment the controls say and show what came of it; a control the
        playground cannot send is one sentence in the message area, not a traceback."""
        for output in self.outputs.values():
            output.clear_output()
        try:
            state = self.state()
            done = run(state)
            shown = reproduce(state)
        except (PlaygroundError, ClientUnavailable) as problem:
            self.last_error = str(problem)
            self._say("message", _markdown(f"**Cannot run this:** {problem}"))
            return None
        self.last_run, self.last_error = done, ""
        self._say("summary", coloured(done), _markdown("\n".join(
            f"- **{word}**: {meaning}" for word, meaning in words_used(done).items())))
        predicted = {name: text.value for name, text in self.predictions.items()
                     if name in done.observations and text.value.strip()}
        if predicted:
            self._say("grade", grade_predictions(done, predicted))
        self._say("hops", *(shown for name, table in hops_tables(done).items()
                            for shown in (_markdown(f"**{name}**"), table)))
        if state.diagram_client in done.observations:
            self._say("diagram", diagram(done))
        self._say("verdicts", verdicts(done))
        variables = "\n".join(f"{k}={v}" for k, v in shell_variables().items())
        self._say("reproduce", shown, _markdown(f"The shell's variables here:\n```sh\n"
                                               f"{variables}\n```"))
        har = json.dumps(done.to_har(), indent=2)
        self._say("downloads", widgets.HTML(" · ".join([
            _download("playground.har", har, "application/json"),
            _download("playground.md", markdown(done), "text/markdown")])),
            _markdown(markdown(done)))
        return done

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle: dict[str, Any] | None = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:  # the text form stays the same from run to run
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"<Redirect Lab playground{': ' + self.title if self.title else ''}>"


def playground(preset: str | None = None) -> Playground:
    """The panel, its controls set to the experiment of core episode ``preset`` ("02")
    or to a GET through one 302."""
    if preset is None:
        return Playground()
    if preset not in PRESETS:
        raise PlaygroundError(f"no preset {preset!r}; the core episodes' are: "
                              f"{', '.join(PRESETS)}")
    title, state = PRESETS[preset]
    return Playground(replace(state), f"{preset} · {title}")
