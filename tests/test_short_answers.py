"""rag/answer/short_answers.py: the span a sentence gives as its answer, the key that groups equal
answers, and `compare`'s answer groups and "answer" flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.comparison import compare
from rag.answer.disagreements import answer_flag, source_answers
from rag.answer.short_answers import worth_showing
from rag.engine import build_engine
from rag.ingestion import ingest
from rag.schema import AnswerGroup, Citation, SourceView, Statement
from rag.text.short_answers import normalize, short_answer
from tests.conftest import FakeEmbedder, make_settings


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Who directed Lahu Ke Do Rang?",
            "Lahu Ke Do Rang is a movie directed by Mahesh Bhatt.",
            "Mahesh Bhatt",
        ),
        (
            "How much did Zorbex raise?",
            "Zorbex raised $8 billion in 2024 from 12 backers.",
            "$8 billion",
        ),
        ("What percentage of users left?", "In 2023, 40% of users left the app.", "40%"),
        (
            "What is the population of Tarnby?",
            "As of 2010, there were 3,559 people in Tarnby.",
            "3,559",
        ),
        (
            "When did the merger close?",
            "The merger closed in September 2024 after a review.",
            "September 2024",
        ),
        (
            "When was the cathedral built?",
            "The cathedral was built in 1856 by local masons.",
            "1856",
        ),
        (
            "When was Bryan born?",
            "Bryan (February 8, 1900 – March 2, 1977) was a general.",
            "February 8, 1900",
        ),
    ],
)
def test_the_span_of_the_kind_asked(question: str, sentence: str, answer: str) -> None:
    found = short_answer(question, sentence)
    assert found is not None and found.text == answer
    assert sentence[found.start : found.end] == answer


def test_offsets_shift_into_the_article_and_nothing_is_made_up() -> None:
    found = short_answer("Who directed it?", "It was directed by Frank Oz.", offset=100)
    assert found is not None and (found.start, found.end) == (119, 127)
    assert short_answer("How much did it cost?", "It cost a great deal.") is None
    assert short_answer("Who wrote Loitering?", "Loitering is a fine book.") is None
    # A name holding what is asked is preferred, though its run is not yet trimmed to it.
    found = short_answer(
        "What is the language of Ardhangini?",
        "Ardhangini is an Assamese-language TV series by Zee.",
    )
    assert found is not None and "Assamese-language" in found.text


def test_normalize_groups_what_means_the_same() -> None:
    assert normalize("$8B") == normalize("$8 billion") == normalize("8 billion dollars")
    assert normalize("Dr. Mahesh Bhatt") == normalize("mahesh  bhatt.") == "mahesh bhatt"
    assert normalize("The Beatles") == normalize("Beatles")
    assert normalize("8 February 1900") == normalize("February 8, 1900")
    assert normalize("about 1820") == normalize("1820")
    assert normalize("Café") == "cafe"
    assert normalize("1900") != normalize("February 8, 1900")


def _view(doc_id: str, quote: str, question: str) -> SourceView:
    citation = Citation(
        n=1, doc_id=doc_id, title=doc_id, quote=quote, start=0, end=len(quote), score=1.0
    )
    said = short_answer(question, quote)
    return SourceView(
        doc_id=doc_id,
        title=doc_id,
        addresses=True,
        statements=[Statement(citation=citation, short_answer=said)],
    )


def test_groups_and_the_answer_flag() -> None:
    question = "Who directed the film Rang?"
    views = [
        _view("a", "Rang is a film directed by Mahesh Bhatt.", question),
        _view("b", "Rang was directed by Dr. Mahesh Bhatt.", question),
        _view("c", "The film Rang was directed by Raj Kapoor.", question),
    ]
    groups = source_answers(views)
    assert [(g.doc_ids, g.key) for g in groups] == [
        (["a", "b"], "mahesh bhatt"),
        (["c"], "raj kapoor"),
    ]
    flag = answer_flag(question, groups, views, [])
    assert flag is not None and flag.kind == "answer"
    assert flag.summary.startswith("2 sources say ") and flag.summary.endswith(
        "; 1 says Raj Kapoor."
    )
    assert {st.citation.doc_id for st in flag.claims} == {"a", "b", "c"}
    assert answer_flag(question, groups[:1], views, []) is None


def test_compare_groups_each_sources_answer(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {
        "one": "The film Zarnow was directed by Mahesh Bhatt in 1979.",
        "two": "The film Zarnow was directed by Raj Kapoor in 1979.",
        "three": "Film critics praised Zarnow and the film was directed by Mahesh Bhatt.",
    }
    for doc_id, text in texts.items():
        (corpus / f"{doc_id}.txt").write_text(f"Zarnow\n\n{text}\n", encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "index")
    embedder = FakeEmbedder()
    ingest(settings, embedder)
    engine = build_engine(settings, embedder)
    comparison = compare("Who directed the film Zarnow?", settings, engine=engine)
    groups = {g.key: sorted(g.doc_ids) for g in comparison.answer_groups}
    assert groups == {"mahesh bhatt": ["one", "three"], "raj kapoor": ["two"]}
    # Shown as groups, not yet flagged: the flag's precision is too low (rag/answer/comparison.py).
    assert not [d for d in comparison.disagreements if d.kind == "answer"]
    named = {
        s.short_answer.text for v in comparison.sources for s in v.statements if s.short_answer
    }
    assert named == {"Mahesh Bhatt", "Raj Kapoor"}


def test_only_groups_that_two_sources_back_are_printed() -> None:
    def group(answer: str, *docs: str) -> AnswerGroup:
        return AnswerGroup(key=answer.lower(), answer=answer, doc_ids=list(docs))

    assert worth_showing([group("Andy Jassy", "a")])
    assert worth_showing([group("Mahesh Bhatt", "a", "b"), group("Raj Kapoor", "c")])
    assert not worth_showing([group("November", "a"), group("AWS", "b"), group("Our", "c")])
    assert not worth_showing([])
