"""The package's shape: layers that import only downward, no cycle, one public API that
the lessons keep to, and one place that runs an experiment."""

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import labserver
from labserver.teaching.environment import lessons

PACKAGE = Path(labserver.__file__).parent
LESSONS = lessons(PACKAGE.parent / "notebooks")

TOPICS = ("behind_proxy", "bodies", "caching", "cost", "credentials", "curl_spellings",
          "environment", "in_browsers", "loops_and_limits", "old_bugs", "open_redirects",
          "patterns", "playground", "reference", "ssrf", "standards", "tracing",
          "web_frameworks")
"""The public module of each topic: what an episode imports by name beside the core."""

LAYERS = {"vocabulary": 0, "citations": 0, "children": 0, "server": 1, "clients": 2,
          "frameworks": 2, "experiments": 3, "teaching": 4, "cli": 5, "__main__": 5, "__init__": 5,
          **dict.fromkeys(TOPICS, 5)}
"""Each top-level module or folder of labserver, by how low it sits."""

CORE = [
    "BODY", "CLIENTS", "CODES", "Client", "CurlClient", "Entry", "HttpxClient", "Journal",
    "LabCertificates", "LabServer", "METHODS", "Observation", "Request", "RequestsClient",
    "UrllibClient", "against_standards", "body_label", "cite", "claim", "conformance",
    "departures", "describe_hops", "each_method", "follows_by_default", "further_reading",
    "grade", "grade_arrivals", "grade_column", "hops_frame", "make_client", "method_matrix",
    "observe", "open_browser", "open_browsers", "outcome_matrix", "per_method", "recap",
    "rule_of", "run_clients", "run_matrix", "sequence_diagram", "solution", "stable_headers",
    "start", "stop",
]
"""The core every episode may use as ``labserver.<name>``: pinned, so a name is added or
removed on purpose (as httpx pins its own exports)."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The labserver modules ``path`` imports (relative imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            found.add(".".join([*base, *(node.module.split(".") if node.module else [])]))
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS["__init__"] if len(parts) == 1 else LAYERS[parts[1]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_own_layer_or_below(module):
    for imported in _imports(MODULES[module]):
        assert imported in MODULES or imported.rpartition(".")[0] in MODULES, (
            f"{module} imports {imported}, which does not exist")
        assert _layer(imported) <= _layer(module), f"{module} imports {imported}, a layer above it"


def test_the_architecture_page_describes_these_layers():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    described = {}
    for level, modules in re.findall(r"^\| (\d) \| ([^|]+) \|", page, re.M):
        for name in re.findall(r"`(\w+)`", modules):
            described[name] = int(level)
        if "topic modules" in modules:
            described.update(dict.fromkeys(TOPICS, int(level)))
    assert described == LAYERS


def test_the_package_has_no_import_cycle():
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    # a package's __init__ re-exports its modules: importing it is importing them
    visiting, done = [], set()

    def visit(module):
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module):], module])
        visiting.append(module)
        for imported in graph[module]:
            if not module.startswith(imported + "."):  # a module may name its own package
                visit(imported)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_the_core_is_small_sorted_and_exactly_these_names():
    assert labserver.__all__ == CORE == sorted(CORE)
    assert not [name for name in CORE if not hasattr(labserver, name)]


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_module_exports_sorted_names_that_exist(topic):
    module = importlib.import_module(f"labserver.{topic}")
    assert module.__all__ == sorted(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)


def _public_names_used_outside_the_package() -> set[str]:
    root = PACKAGE.parent
    texts = [_lesson_code(lesson) for lesson in LESSONS]
    texts += [p.read_text(encoding="utf-8") for p in (root / "tests").glob("*.py")]
    texts += [(root / "labserver" / "cli.py").read_text(encoding="utf-8")]
    return set(re.findall(r"\b\w+\b", "\n".join(texts)))


def test_no_public_name_goes_unused():
    """A name in the public face is there because a lesson, a test or the CLI uses it."""
    used = _public_names_used_outside_the_package()
    public = set(CORE) | {name for topic in TOPICS
                          for name in importlib.import_module(f"labserver.{topic}").__all__}
    assert not sorted(public - used)


def _lesson_code(lesson: Path) -> str:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lessons_use_only_the_core_and_the_topic_modules(lesson):
    code = _lesson_code(lesson)
    assert not re.search(r"from labserver\.\w", code), f"{lesson.name} imports a submodule"
    topics = set()
    for names in re.findall(r"from labserver import ([\w, ]+)", code):
        topics |= {n.strip() for n in names.split(",")}
    assert topics <= set(TOPICS), sorted(topics - set(TOPICS))
    used = set(re.findall(r"\blabserver\.(\w+)", code))
    assert used <= set(CORE), sorted(used - set(CORE))
    for topic in topics:
        names = set(re.findall(rf"\b{topic}\.(\w+)", code))
        exported = importlib.import_module(f"labserver.{topic}").__all__
        assert names <= set(exported), (topic, sorted(names - set(exported)))


def test_only_observe_scopes_the_journal_and_settles():
    """Every experiment goes through labserver.experiments.observe: nothing else watches
    a journal or waits for a half-sent request."""
    allowed = {"labserver.experiments.observe", "labserver.server.journal", "labserver.server.lab",
               "labserver.server.proxy", "labserver.server.connection"}
    for module, path in MODULES.items():
        if module in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        assert ".watch(" not in text and "settle(" not in text, module


SLOW_TO_IMPORT = ("jsonschema", "matplotlib", "aiohttp", "requests", "trustme")
"""Imported where they are used, not by every lesson's `import labserver`: matplotlib draws
one lesson's plot; aiohttp, requests and trustme (0.10, 0.03 and 0.03 s here) serve the
lessons that compare clients or speak https. jsonschema (0.9 s: it builds rfc3987-syntax's
grammars on import) is not used at all."""


def test_importing_labserver_leaves_the_slow_imports_to_the_lessons_that_use_them():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, labserver; "
         f"print(' '.join(m for m in {SLOW_TO_IMPORT!r} if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
