"""The playground: compose your own redirect experiment and watch every client at once.

``playground.playground("02")`` opens the panel set to episode 02's experiment; change
one control, press Run. Without the panel, the same steps are plain functions: a
:class:`PlaygroundState` → :func:`run` → :func:`summary`, :func:`hops_tables`,
:func:`diagram`, :func:`verdicts`, :func:`markdown`, ``to_har()``; :func:`reproduce`
writes the experiment as Python, curl and ``fetch()``.
"""

from .experiments.playground import (
    DESTINATIONS,
    Hop,
    PlaygroundError,
    PlaygroundState,
    experiment,
    lab,
    reproduce,
    run,
    shell_variables,
    stream_client,
)
from .teaching.playground import (
    diagram,
    grade_predictions,
    hops_tables,
    markdown,
    presets,
    summary,
    verdicts,
)
from .teaching.playground_panel import playground

__all__ = [
    "DESTINATIONS", "Hop", "PlaygroundError", "PlaygroundState", "diagram", "experiment",
    "grade_predictions", "hops_tables", "lab", "markdown", "playground", "presets",
    "reproduce", "run", "shell_variables", "stream_client", "summary", "verdicts",
]
