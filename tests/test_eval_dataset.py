"""Integrity checks for the grounded-QA evaluation data set in evals/qa.jsonl.

Verifies schema, per-type minimums and that every evidence quote is grounded in the corpus.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "evals" / "qa.jsonl"
CORPUS = ROOT / "corpus"
FIELDS = ["id", "type", "question", "answers", "sources", "evidence"]
MINIMUMS = {"factoid": 44, "multi_source": 9, "conflict": 7, "unanswerable": 14}
MIN_TOTAL = 75


def load_items() -> list[dict]:
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def source_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")


ITEMS = load_items()
ANSWERABLE = [item for item in ITEMS if item["type"] != "unanswerable"]


def item_id(item: dict) -> str:
    return item["id"]


def test_every_line_parses() -> None:
    for number, line in enumerate(DATASET.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {number}"
        assert isinstance(json.loads(line), dict), f"line {number} is not an object"


@pytest.mark.parametrize("item", ITEMS, ids=item_id)
def test_exact_fields_and_types(item: dict) -> None:
    assert list(item) == FIELDS
    assert item["type"] in MINIMUMS
    assert isinstance(item["question"], str) and item["question"].strip()
    for key in ("answers", "sources", "evidence"):
        assert isinstance(item[key], list)
        assert all(isinstance(value, str) and value.strip() for value in item[key])


def test_counts_per_type() -> None:
    counts = Counter(item["type"] for item in ITEMS)
    assert len(ITEMS) >= MIN_TOTAL
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} < {minimum}"


def test_ids_unique_and_sequential() -> None:
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids))
    assert ids == [f"q{n:03d}" for n in range(1, len(ids) + 1)]


def test_all_documents_covered() -> None:
    cited = {doc for item in ITEMS for doc in item["sources"]}
    assert cited == {path.stem for path in CORPUS.glob("*.txt")}


@pytest.mark.parametrize("item", ANSWERABLE, ids=item_id)
def test_answerable_has_answers_and_existing_sources(item: dict) -> None:
    assert item["answers"] and item["sources"] and item["evidence"]
    assert len(item["sources"]) == len(set(item["sources"]))
    for doc_id in item["sources"]:
        assert (CORPUS / f"{doc_id}.txt").is_file(), doc_id


@pytest.mark.parametrize("item", ANSWERABLE, ids=item_id)
def test_evidence_is_verbatim(item: dict) -> None:
    texts = [source_text(doc_id) for doc_id in item["sources"]]
    for quote in item["evidence"]:
        assert any(quote in text for text in texts), quote


@pytest.mark.parametrize("item", ANSWERABLE, ids=item_id)
def test_every_source_has_evidence(item: dict) -> None:
    for doc_id in item["sources"]:
        text = source_text(doc_id)
        assert any(quote in text for quote in item["evidence"]), doc_id


@pytest.mark.parametrize("item", ANSWERABLE, ids=item_id)
def test_source_counts_match_type(item: dict) -> None:
    if item["type"] == "factoid":
        assert len(item["sources"]) == 1
    else:
        assert len(item["sources"]) >= 2


@pytest.mark.parametrize("item", [i for i in ITEMS if i["type"] == "unanswerable"], ids=item_id)
def test_unanswerable_is_empty(item: dict) -> None:
    assert item["answers"] == item["sources"] == item["evidence"] == []


@pytest.mark.parametrize("item", [i for i in ITEMS if i["type"] == "factoid"], ids=item_id)
def test_factoid_answer_is_grounded(item: dict) -> None:
    haystacks = item["evidence"] + [source_text(doc_id) for doc_id in item["sources"]]
    lowered = [text.lower() for text in haystacks]
    assert any(answer.lower() in text for answer in item["answers"] for text in lowered)
