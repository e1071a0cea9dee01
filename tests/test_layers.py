"""Imports go one way: cli → render → domains → storage → kernel, and there is no cycle.

The domains (registration, participants, isf) do not import each other, except that isf may use registration. Every
import counts, also those inside functions; an import under ``if TYPE_CHECKING:`` counts for the direction but not
for cycles (it never runs). ``__init__.py`` files import nothing, so importing one module never loads a package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "samrehab_cli"
RANK = {"kernel": 0, "storage": 1, "registration": 2, "participants": 2, "isf": 2, "render": 3, "cli": 4}
SIDEWAYS = {("isf", "registration")}  # the only import between two domains


def layer(module: str) -> str:
    """``samrehab_cli.storage.crypto`` → storage; a module of the top package is the kernel (``__main__`` is cli)."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK):
        return parts[1]
    return "cli" if parts[-1] == "__main__" else "kernel"


def module_name(path: Path, source: Path = SRC) -> str:
    parts = list(path.relative_to(source).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: Path = SRC) -> list[tuple[str, bool]]:
    """(module imported, only for type checking) for every import of the project's own modules in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path, source)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                   for statement in block.body for node in ast.walk(statement)}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: level 1 is the package itself, 2 its parent …
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            if name == ROOT or name.startswith(ROOT + "."):
                found.append((name, id(node) in typing_only))
    return found


def graph(source: Path = SRC) -> dict[str, list[tuple[str, bool]]]:
    modules = {module_name(p, source): p for p in (source / ROOT).rglob("*.py")}
    edges: dict[str, list[tuple[str, bool]]] = {}
    for name, path in modules.items():
        targets = []
        for target, typing_only in imports(path, source):
            while target not in modules and "." in target:  # `from pkg import name` where name is not a module
                target = target.rpartition(".")[0]
            if target in modules and target != name and target != ROOT:
                targets.append((target, typing_only))
        edges[name] = targets
    return edges


def violations(edges: dict[str, list[tuple[str, bool]]]) -> list[str]:
    """Every import that goes up a layer or sideways between domains, and every cycle of imports that run."""
    found = []
    for source, targets in edges.items():
        for target, _ in targets:
            a, b = layer(source), layer(target)
            if a != b and (RANK[b] > RANK[a] or (RANK[b] == RANK[a] and (a, b) not in SIDEWAYS)):
                found.append(f"{source} ({a}) importerar {target} ({b})")
    running = {source: sorted({t for t, typing_only in targets if not typing_only})
               for source, targets in edges.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in running.get(node, []):
            if state.get(target) == 1:
                found.append("cykel: " + " → ".join([*stack[stack.index(target):], target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(running):
        if node not in state:
            visit(node)
    return found


def test_imports_go_one_way_without_cycles() -> None:
    assert violations(graph()) == []


def test_every_module_has_a_layer() -> None:
    assert {layer(name) for name in graph()} <= set(RANK)


def test_init_files_import_nothing() -> None:
    for path in (SRC / ROOT).rglob("__init__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)], path


# --- the test of the test ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("edges", "expected"), [
    ({"samrehab_cli.storage.crypto": [("samrehab_cli.cli.app", False)]}, "importerar samrehab_cli.cli.app (cli)"),
    ({"samrehab_cli.errors": [("samrehab_cli.storage.files", True)]}, "(kernel) importerar"),
    ({"samrehab_cli.participants.read": [("samrehab_cli.registration.template", False)]}, "(participants) importerar"),
    ({"samrehab_cli.registration.rules.base": [("samrehab_cli.isf.merge", False)]}, "(registration) importerar"),
    ({"samrehab_cli.dates": [("samrehab_cli.schema", False)], "samrehab_cli.schema": [("samrehab_cli.dates", False)]},
     "cykel: samrehab_cli.dates → samrehab_cli.schema → samrehab_cli.dates"),
], ids=["upp-till-cli", "kärnan-upp", "domän-i-sidled", "registrering-till-isf", "cykel"])
def test_the_check_finds_what_it_must(edges: dict[str, list[tuple[str, bool]]], expected: str) -> None:
    assert any(expected in found for found in violations(edges))


def test_the_check_allows_what_it_may() -> None:
    allowed = {
        "samrehab_cli.cli.app": [("samrehab_cli.render.formats", False), ("samrehab_cli.storage.crypto", False)],
        "samrehab_cli.isf.merge": [("samrehab_cli.registration.validate", False)],
        "samrehab_cli.sheets": [("samrehab_cli.schema", False)],
        "samrehab_cli.participants.read": [("samrehab_cli.participants.rules", False)],
        "samrehab_cli.participants.rules": [("samrehab_cli.participants.read", True)],  # typing only: no cycle
    }
    assert violations(allowed) == []


def test_the_check_reads_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / ROOT / "storage"
    package.mkdir(parents=True)
    (tmp_path / ROOT / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (tmp_path / ROOT / "cli").mkdir()
    (tmp_path / ROOT / "cli" / "__init__.py").write_text("")
    (tmp_path / ROOT / "cli" / "app.py").write_text("")
    (package / "files.py").write_text("def f():\n    from ..cli import app\n")
    (package / "crypto.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                       "    import samrehab_cli.cli.app\n")
    found = violations(graph(tmp_path))
    assert any(f.startswith("samrehab_cli.storage.files (storage) importerar samrehab_cli.cli.app") for f in found)
    assert any(f.startswith("samrehab_cli.storage.crypto (storage) importerar samrehab_cli.cli.app") for f in found)
