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
# bm25s has two: its tokenizer is the product's one tokenizer (text/tokens.py), its BM25 the
# index's lexical side (index/lexical.py).
HOMES = {
    "faiss": {"index/vectors.py"},
    "sentence_transformers": {"embedding/model.py"},
    "bm25s": {"text/tokens.py", "index/lexical.py"},
    "pymilvus": {"store/milvus.py"},
    "gradio": set(),
}
MAX_LAYERS = 12


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
    importers = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if framework in imported_packages(p)
    }

    assert importers <= HOMES[framework]


def test_the_data_flow_has_at_most_twelve_layers() -> None:
    config = (ROOT / ".importlinter").read_text(encoding="utf-8")
    block = config.split("layers =", 1)[1].split("\n\n", 1)[0]
    layers = [line for line in block.splitlines() if line.strip()]
    assert 0 < len(layers) <= MAX_LAYERS
