"""The shape of the code, checked: imports run one way between the layers, no module imports
itself back through others, and no product module outgrows a reading in one sitting.

Every import counts, including those inside a function or under ``TYPE_CHECKING``: a circle a
reader has to follow is a circle, whether Python resolves it at start or later.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lower layers first: a module may import its own layer and the layers after it in this list.
LAYERS = ("bot", "scheduler", "logistics", "storage")

# Migrations are frozen records of the schema at a date, never edited once released.
MAX_LINES = 300
EXEMPT = ("storage/migrations/versions/",)


def product_files() -> Iterator[Path]:
    for layer in LAYERS:
        yield from sorted((ROOT / layer).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports, each as a module name."""
    found: set[str] = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = list(product_files())
    known = {module_name(path) for path in files}
    graph = {module_name(path): imported_modules(path, known) for path in files}
    for name, targets in graph.items():
        targets.discard(name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_no_module_imports_itself_back_through_others():
    assert circles(import_graph()) == []


def test_imports_never_run_up_a_layer():
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in import_graph().items()
        for target in targets
        if layer_of(target) < layer_of(source)
    )
    assert upward == []


def test_no_product_module_is_over_300_lines():
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in product_files()
        if not str(path.relative_to(ROOT)).startswith(EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []


def test_the_checks_see_a_circle_and_an_upward_import():
    graph = {"logistics.a": {"logistics.b"}, "logistics.b": {"logistics.a"}, "bot.c": set()}
    assert circles(graph) == [["logistics.a", "logistics.b"]]
    assert layer_of("bot.c") < layer_of("logistics.a")
