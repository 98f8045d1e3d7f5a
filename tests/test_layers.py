"""The package's shape: imports follow the data flow (.importlinter), and each heavy framework
is imported by exactly one module, so swapping it touches one file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rag"

# Framework → the rag modules allowed to import it (STYLE.md: "Each framework lives in one
# module"). LangChain is left out: chain.py, the LLM plug-in and the eval baseline all use it.
HOMES = {
    "faiss": {"vector_search"},
    "sentence_transformers": {"embedding"},
    "bm25s": {"lexical"},
    "gradio": set(),
}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of the packages a file imports at run time, in functions too."""
    return _imports(ast.parse(path.read_text(encoding="utf-8")))


def _imports(node: ast.AST) -> set[str]:
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        return _imports_in(node.orelse)  # type-only imports load nothing
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return {node.module.split(".")[0]}
    return _imports_in(ast.iter_child_nodes(node))


def _imports_in(nodes: Iterable[ast.AST]) -> set[str]:
    return set().union(*(_imports(child) for child in nodes))


def test_imports_follow_the_layers_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True)

    assert status == 0, capsys.readouterr().out


@pytest.mark.parametrize("framework", sorted(HOMES))
def test_each_framework_lives_in_one_module(framework: str) -> None:
    importers = {p.stem for p in PACKAGE.glob("*.py") if framework in imported_packages(p)}

    assert importers <= HOMES[framework]
