"""The shape of the scheduling package: imports go down only, no circles, pure rules stay pure.

A static check of the imports (``ast``, nothing is imported): the project-wide import contract
covers the layers between packages; this keeps scheduling's own modules honest meanwhile.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scheduling"
ABOVE = {"panels", "ecopanel"}  # scheduling sits under panels and the roof
PURE_THIRD_PARTY = {"dateutil", "chinese_calendar"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, in function bodies too: an import deferred into a function to dodge a
    circle is still a circle. Only the CLI defers its imports (to start fast), and it sits on top."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names
                      if f"{node.module}.{alias.name}" in MODULES]
    return names


def test_nothing_in_scheduling_imports_upwards_or_through_importlib():
    for name, path in MODULES.items():
        upward = [m for m in _imports(path) if m.split(".")[0] in ABOVE]
        assert not upward, (name, upward)
        text = path.read_text(encoding="utf-8")
        assert "importlib" not in text and "__import__" not in text, name


def test_pure_rules_import_only_the_standard_library_pure_libraries_and_pure_rules():
    for name, path in MODULES.items():
        if not name.startswith("scheduling.rules"):
            continue
        for imported in _imports(path):
            top = imported.split(".")[0]
            assert (top in sys.stdlib_module_names or top in PURE_THIRD_PARTY
                    or imported.startswith("scheduling.rules")), (name, imported)


def test_the_modules_of_scheduling_import_each_other_without_a_circle():
    graph = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            assert state.get(target) != 1, " -> ".join([*path, name, target])
            if target not in state:
                visit(target, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_no_module_of_scheduling_is_far_over_400_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 420}
    assert not long, long
