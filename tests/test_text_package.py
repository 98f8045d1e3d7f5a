"""rag/text/ is the one home of the English: no English regex or word list elsewhere in `rag`,
nothing in the code about the seed articles, and rag.text itself imports nothing else from rag."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import grimp
from bm25s.stopwords import STOPWORDS_EN

RAG = Path(__file__).resolve().parents[1] / "rag"
_RE_CALLS = {
    "compile",
    "search",
    "match",
    "fullmatch",
    "sub",
    "subn",
    "findall",
    "finditer",
    "split",
}
# The seed corpus's companies, products and people: a test fixture, never product code.
SEED_NAMES = re.compile(
    r"\b(?:Amazon|Anthropic|AWS|Trainium|Claude|Rainier|Bedrock|Google|Microsoft|Nvidia|OpenAI|"
    r"Jassy|Amodei|Azure|Vertex)\b"
)


def _modules(outside_text: bool = True) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(RAG.rglob("*.py")):
        if outside_text and path.relative_to(RAG).parts[0] == "text":
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _literal(node: ast.AST) -> str | None:
    """A string a regex is built from: a constant, an f-string's constant parts, or a sum."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return f"{_literal(node.left) or ' '}{_literal(node.right) or ' '}"
    return None


def _words_of_pattern(pattern: str) -> list[str]:
    """The words a regex spells out, less escapes (\\b, \\d), group names, flags and classes."""
    pattern = re.sub(r"\\.", " ", pattern)
    pattern = re.sub(r"\(\?P<\w+>|\(\?P=\w+\)|\(\?[aiLmsux-]+[:)]", " ", pattern)
    pattern = re.sub(r"\[[^\]]*\]", " ", pattern)
    return re.findall(r"[A-Za-z]{2,}", pattern)


def test_no_regex_outside_rag_text_spells_an_english_word() -> None:
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _RE_CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
            ):
                continue
            words = _words_of_pattern(_literal(node.args[0]) or "")
            if words:
                found.append(f"{path.relative_to(RAG)}:{node.lineno} {words}")
    assert found == [], "move these into rag/text/"


def test_no_word_list_outside_rag_text_is_english() -> None:
    """A set, list or tuple of words with two or more English stop-words in it is language
    knowledge (column headers and setting names have none)."""
    stop = set(STOPWORDS_EN)
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Set | ast.List | ast.Tuple):
                words = [
                    e.value.lower()
                    for e in node.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
                if sum(w in stop for w in words) >= 2:
                    found.append(f"{path.relative_to(RAG)}:{node.lineno} {words[:8]}")
    assert found == [], "move these into rag/text/"


def test_the_regex_check_would_catch_english() -> None:
    assert _words_of_pattern(r"\b(?:has|have)\s+\d+") == ["has", "have"]
    assert _words_of_pattern(r"(?P<y>\d{4})-[a-z]+\s*\[(\d+)\]") == []


def test_no_code_names_a_seed_article_company_or_product() -> None:
    """Docstrings and field descriptions may use the seed articles as examples; code may not."""
    found = []
    for path, tree in _modules(outside_text=False):
        shown = _docs_and_descriptions(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in shown and SEED_NAMES.search(text):
                found.append(f"{path.relative_to(RAG)}:{node.lineno} {text[:60]!r}")
    assert found == []


def _docs_and_descriptions(tree: ast.Module) -> set[int]:
    shown = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            shown.add(id(body[0].value))
        if isinstance(node, ast.keyword) and node.arg == "description":
            shown.add(id(node.value))
    return shown


def test_rag_text_imports_nothing_else_from_rag() -> None:
    graph = grimp.build_graph("rag")
    outside = {
        imported
        for module in graph.find_children("rag.text") | {"rag.text"}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("rag.") and not imported.startswith("rag.text")
    }
    assert outside == set()


def test_every_answer_kind_a_question_can_want_has_a_sentence_pattern() -> None:
    from rag.text.cues import KINDS
    from rag.text.kinds import Kind

    assert set(KINDS) == set(Kind)
