"""Layers point one way: tools at the bottom, channels and knowledge, graphs, then api on top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("tools", "channels", "knowledge", "graphs", "api", "evals")
# What each layer may import from the project; api and evals sit on top of everything.
ALLOWED = {
    "tools": {"tools"},
    "channels": {"channels", "tools"},
    "knowledge": {"knowledge", "tools"},
    "graphs": {"graphs", "channels", "knowledge", "tools"},
}


def project_imports(path: Path) -> set[str]:
    """The project packages a module imports (at any depth: lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(PACKAGES)
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    wrong = {
        str(path.relative_to(ROOT)): sorted(project_imports(path) - ALLOWED[layer])
        for path in sorted((ROOT / layer).rglob("*.py"))
    }
    assert {module: names for module, names in wrong.items() if names} == {}
