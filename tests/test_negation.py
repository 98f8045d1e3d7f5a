"""A question about what did not happen ("What does the plan not cover?") is answered by a
sentence stating a negation or an exclusion, not by one sharing its words that states what did."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.retrieval import Retriever
from tests.conftest import scored_by_text

POLICY = """Travel plan
The travel plan covers lost luggage and delayed flights. It does not cover cancelled trips.
Claims are paid within 30 days, except claims for lost passports.
Cover for cruises ended in 2024.
"""
COVERS = "The travel plan covers lost luggage and delayed flights."
EXCLUDES = "It does not cover cancelled trips."


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    (corpus_dir / "policy.txt").write_text(POLICY, encoding="utf-8")
    return corpus_dir


def test_a_negated_question_is_answered_only_by_a_negation(retriever: Retriever) -> None:
    scored = scored_by_text("What does the travel plan not cover?", "policy", retriever)
    assert scored[COVERS].score == 0.0
    assert scored[EXCLUDES].score > 0
    paid = scored_by_text("Which claims aren't paid within 30 days?", "policy", retriever)
    assert paid["Claims are paid within 30 days, except claims for lost passports."].score > 0
    # "no longer" asks what stopped: a sentence saying it ended answers it
    stopped = scored_by_text("Which trips are no longer covered?", "policy", retriever)
    assert stopped["Cover for cruises ended in 2024."].score > 0
    assert stopped[COVERS].score == 0.0


def test_a_plain_question_reads_every_sentence(retriever: Retriever) -> None:
    scored = scored_by_text("What does the travel plan cover?", "policy", retriever)
    assert scored[COVERS].score > 0
    assert scored[EXCLUDES].score > 0
