"""A citation is verified only when its quote sits at its offsets, character for character."""

from __future__ import annotations

from rag.answer.citations import numbers_in, support_score, verify_answer, verify_citation
from rag.index.core import Index
from rag.schema import Answer, AnswerSentence, Citation
from tests.conftest import FakeEmbedder


def _citation(index: Index, **changes: object) -> Citation:
    sentence = index.sentences[1]
    base = Citation(
        n=1,
        doc_id=sentence.doc_id,
        title="t",
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        score=1.0,
    )
    return base.model_copy(update=changes)


def test_exact_quote_is_verified(index: Index) -> None:
    assert verify_citation(_citation(index), index)


def test_shifted_offsets_unknown_doc_and_edited_quote_are_not(index: Index) -> None:
    good = _citation(index)
    assert not verify_citation(_citation(index, start=good.start + 1), index)
    assert not verify_citation(_citation(index, doc_id="nope"), index)
    assert not verify_citation(_citation(index, quote=good.quote + "!"), index)
    assert not verify_citation(_citation(index, end=10**9), index)


def test_answer_sentence_with_a_bad_citation_is_unverified(index: Index) -> None:
    bad = _citation(index, quote="invented")
    answer = Answer(
        question="q",
        text="x [1]",
        abstained=False,
        citations=[bad],
        sentences=[AnswerSentence(text="x", citations=[1])],
    )
    checked = verify_answer(answer, index)
    assert not checked.citations[0].verified
    assert not checked.sentences[0].verified


def test_numbers_ignore_thousands_separators() -> None:
    assert numbers_in("$1,300 and 4.9× in 2024") == {"1300", "4.9", "2024"}


def test_a_wrong_number_gets_no_support() -> None:
    quote = "Resolution time fell by 87% at Lyft."
    assert support_score("Lyft cut resolution time by 95%.", quote, FakeEmbedder()) == 0.0
    assert support_score("Lyft cut resolution time by 87%.", quote, FakeEmbedder()) > 0.3


def test_a_claim_the_quote_holds_few_words_of_gets_no_support() -> None:
    quote = "Lyft incorporated Claude to cut average resolution time by 87%."
    title = "The Architecture of Enterprise AI: Lyft's Integrated Strategy"

    assert support_score(title, quote, FakeEmbedder()) == 0.0
