"""rag/answer/judged.py with a stand-in judge: the rules only shortlist; what the judge passes is
the answer (each source's best first), and nothing passing means an honest abstention.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import pytest

from rag.answer.judged import (
    NOT_SUPPORTED,
    NOTHING_NAMED,
    before,
    judged_answer,
    short_span,
)
from rag.config import Settings
from rag.judge.scorer import Candidate, Reading
from rag.retrieval import Retriever
from rag.schema import Sentence


class WordJudge:
    """Says a sentence answers when it holds every one of `words` (case-insensitive)."""

    threshold = 0.5

    def __init__(self, *words: str) -> None:
        self.words = [w.lower() for w in words]
        self.seen: list[Candidate] = []

    def score(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        self.seen.extend(candidates)
        return [0.9 if all(w in c.text.lower() for w in self.words) else 0.1 for c in candidates]


def answer_with(judge: WordJudge, question: str, retriever: Retriever, settings: Settings):  # type: ignore[no-untyped-def]
    hits = retriever.search(question, 5)
    engine = SimpleNamespace(retriever=retriever, settings=settings, judge=judge)
    return judged_answer(question, hits, engine)  # type: ignore[arg-type]


def test_the_sentence_the_judge_passes_is_the_answer(
    retriever: Retriever, settings: Settings
) -> None:
    answer = answer_with(
        WordJudge("$4 billion"), "How much will Orion invest in Lumen?", retriever, settings
    )

    assert not answer.abstained
    assert answer.citations[0].quote == (
        "Orion Cloud agreed to invest up to $4 billion in the model maker Lumen."
    )
    assert all(c.score >= 0.5 for c in answer.citations)


def test_nothing_passing_abstains_with_the_closest_as_related(
    retriever: Retriever, settings: Settings
) -> None:
    answer = answer_with(
        WordJudge("zeppelin"), "How much will Orion invest in Lumen?", retriever, settings
    )

    assert answer.abstained
    assert answer.reason == NOT_SUPPORTED
    assert answer.citations == [] and answer.related


def test_every_source_with_a_passing_sentence_is_cited_best_first(
    retriever: Retriever, settings: Settings
) -> None:
    answer = answer_with(WordJudge("orion"), "What does Orion do with chips?", retriever, settings)

    sources = [c.doc_id for c in answer.citations]
    assert len(set(sources)) == len(sources) == settings.max_answer_sentences
    assert all("orion" in c.quote.lower() for c in answer.citations)


def test_every_source_is_cited_even_beyond_the_answers_sentence_count(
    retriever: Retriever, settings: Settings
) -> None:
    """max_answer_sentences bounds the further sentences, not the sources: a source whose
    sentence the judge passes is never left out of the answer."""
    one = settings.model_copy(update={"max_answer_sentences": 1})

    answer = answer_with(WordJudge("orion"), "What does Orion do with chips?", retriever, one)

    naming = {d for d, a in retriever.index.articles.items() if "orion" in a.text.lower()}
    sources = [c.doc_id for c in answer.citations]
    assert len(naming) > 1
    assert len(set(sources)) == len(sources) and set(sources) == naming


def test_the_judge_reads_each_sentence_with_the_one_before_it(
    retriever: Retriever, settings: Settings
) -> None:
    judge = WordJudge("$4 billion")
    answer_with(judge, "What does the deal give Lumen?", retriever, settings)

    deal = next(c for c in judge.seen if c.text.startswith("The deal gives Lumen access"))
    assert deal.before == "Orion Cloud agreed to invest up to $4 billion in the model maker Lumen."


@pytest.mark.parametrize("first", [True, False])
def test_before_stays_inside_the_article(retriever: Retriever, first: bool) -> None:
    rows = retriever.index.doc_sentence_rows("beta")
    row = rows[0] if first else rows[1]

    expected = "" if first else retriever.index.sentences[rows[0]].text
    assert before(row, retriever) == expected


@pytest.mark.parametrize("question", ["Zyzzyva quux?", "Who?"])
def test_a_question_naming_nothing_in_the_sources_abstains_unjudged(
    retriever: Retriever, settings: Settings, question: str
) -> None:
    judge = WordJudge("orion")  # would pass any sentence about Orion, were it asked

    answer = answer_with(judge, question, retriever, settings)

    assert answer.abstained
    assert answer.reason == NOTHING_NAMED
    assert judge.seen == [] and answer.related == []


def test_one_known_word_is_enough_to_ask_the_judge(
    retriever: Retriever, settings: Settings
) -> None:
    judge = WordJudge("orion")

    answer = answer_with(judge, "Who is Orion, zyzzyva?", retriever, settings)

    assert not answer.abstained and judge.seen


@pytest.mark.parametrize(
    ("span", "expected"), [("25,32", None), ("100,000", "Over 100,000"), ("32", "32")]
)
def test_a_short_answer_is_never_a_run_of_reference_marks(span: str, expected: str | None) -> None:
    text = "Over 100,000 customers run Claude on Bedrock 25,32, says the filing of 32 pages."
    sentence = Sentence(doc_id="a", idx=0, start=10, end=10 + len(text), text=text)
    first = text.index(span) if span != "100,000" else text.index("Over")
    read = Reading(probability=0.9, span=(first, text.index(span) + len(span)), span_margin=1.0)

    short = short_span("How many customers?", sentence, read, threshold=0.5)

    assert (short.text if short else None) == expected
    assert short is None or text[short.start - 10 : short.end - 10] == short.text


def test_a_heading_alone_passing_is_no_answer(retriever: Retriever, settings: Settings) -> None:
    question = "Why did Orion invest in a model maker?"
    judge = WordJudge("why orion invested in a model maker")  # only beta's headline holds it

    answer = answer_with(judge, question, retriever, settings)

    assert any("Why Orion Invested" in c.text for c in judge.seen)
    assert answer.abstained and answer.reason == NOT_SUPPORTED


def test_a_year_no_source_mentions_abstains_unjudged(
    retriever: Retriever, settings: Settings
) -> None:
    judge = WordJudge("orion")  # would pass the $4 billion sentence, which is not about 2012

    answer = answer_with(judge, "How much did Orion invest in Lumen in 2012?", retriever, settings)

    assert answer.abstained and answer.related
    assert answer.reason == 'No source mentions "2012".' and judge.seen == []
