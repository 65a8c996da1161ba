"""The tree keeps its shape: layers one way, no import cycles, small modules, small folders."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("desktop_app", "models", "ui")
MAX_LINES = 400
MAX_MODULES_PER_FOLDER = 12
# desktop_app modules allowed to reach into ui/: the entry point that assembles the window, and
# the benchmarks that drive it.
MAY_USE_WIDGETS = ("desktop_app.app", "desktop_app.bench")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _internal(names: set[str], modules: dict[str, Path]) -> set[str]:
    return {name for name in names if name in modules}


def test_no_module_is_over_the_line_limit() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_holds_too_many_modules() -> None:
    crowded = {}
    for package in PACKAGES:
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]:
            count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
            if count > MAX_MODULES_PER_FOLDER:
                crowded[str(folder.relative_to(ROOT))] = count
    assert crowded == {}


def test_layers_point_one_way() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        names = _imports(path, top_level_only=False)
        if name.startswith("models") and any(
            n.split(".")[0] in ("desktop_app", "ui") for n in names
        ):
            wrong.append(name)
        logic = name.startswith("desktop_app") and not name.startswith(MAY_USE_WIDGETS)
        if logic and any(
            n.split(".")[0] == "ui" or n.startswith("PySide6.QtWidgets") for n in names
        ):
            wrong.append(name)
    assert wrong == []


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: _internal(_imports(path, top_level_only=True), modules) - {name}
        for name, path in modules.items()
    }
    # A package's __init__ is imported with its modules: leave those edges out.
    graph = {
        name: {d for d in deps if not name.startswith(d + ".")} for name, deps in graph.items()
    }
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(trail[trail.index(dep) :] + [dep] if dep in trail else [node, dep])
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_check_command_imports_no_benchmark_code() -> None:
    modules = _modules()
    seen, todo = set(), ["desktop_app.cli.check"]
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        todo.extend(_internal(_imports(modules[name], top_level_only=False), modules))
    assert not [name for name in seen if name.startswith("desktop_app.bench")]
