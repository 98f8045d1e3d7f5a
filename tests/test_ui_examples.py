"""ui/examples.py: the Ask tab's example questions come from the collection it serves."""

from __future__ import annotations

import json
from pathlib import Path

from rag.config import Settings
from rag.engine import load_engine
from rag.index.core import Index
from rag.ingestion import ingest
from tests.conftest import FakeEmbedder
from ui.examples import example_questions


def write_set(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def item(n: int, kind: str, question: str, source: str | None) -> dict[str, object]:
    found = {"answers": ["x"], "sources": [source], "evidence": ["x"]} if source else {}
    empty = {"answers": [], "sources": [], "evidence": []}
    return {"id": f"q{n}", "type": kind, "question": question, **(found or empty)}


def test_an_eval_set_about_these_articles_gives_one_question_of_each_kind(
    index: Index, tmp_path: Path
) -> None:
    dataset = write_set(
        tmp_path / "qa.jsonl",
        [
            item(1, "factoid", "How much did Orion spend?", "alpha"),
            item(2, "factoid", "A second fact?", "alpha"),
            item(3, "conflict", "How much will Orion invest?", "beta"),
            item(4, "unanswerable", "Who runs Nimbus?", None),
        ],
    )
    assert example_questions(index, dataset) == [
        "How much did Orion spend?",
        "How much will Orion invest?",
        "Who runs Nimbus?",
    ]


def test_otherwise_the_names_the_articles_share_are_asked_about(
    index: Index, tmp_path: Path
) -> None:
    other = write_set(tmp_path / "qa.jsonl", [item(1, "factoid", "Q?", "not_indexed")])
    for dataset in (other, tmp_path / "missing.jsonl"):
        questions = example_questions(index, dataset)
        assert questions[0] == "What do the sources say about Orion Cloud?"
        assert 1 <= len(questions) <= 4


def test_no_index_no_examples(tmp_path: Path) -> None:
    assert example_questions(None, tmp_path / "qa.jsonl") == []


def test_a_capitalised_run_opening_one_sentence_is_no_name(
    corpus_dir: Path, settings: Settings, embedder: FakeEmbedder, tmp_path: Path
) -> None:
    """A changelog's "Added Windows support …" and "While Nimbus …" ask about no one."""
    (corpus_dir / "changes.md").write_text(
        "# Changes\n\n- Added Windows support for Vega Labs users.\n"
        "- While Nimbus waits, Orion ships.\n- While Nimbus waits, Stratus ships.\n",
        encoding="utf-8",
    )
    ingest(settings, embedder)
    index = load_engine(settings, embedder).index

    questions = example_questions(index, tmp_path / "missing.jsonl")

    assert not any("Added Windows" in q or "While Nimbus" in q for q in questions)
    assert "What do the sources say about Orion Cloud?" in questions  # opens two sentences


def test_a_run_opening_a_quoted_sentence_opens_it(
    corpus_dir: Path, settings: Settings, embedder: FakeEmbedder, tmp_path: Path
) -> None:
    """'"The Halden route brings …"' begins a sentence behind its quote mark: "The Halden" is
    no name to ask about."""
    (corpus_dir / "quote.txt").write_text(
        'Route news\n\n"The Halden route brings towns closer," she said. It starts in April.\n',
        encoding="utf-8",
    )
    ingest(settings, embedder)
    index = load_engine(settings, embedder).index

    questions = example_questions(index, tmp_path / "missing.jsonl")

    assert not any("The Halden" in q for q in questions)
