"""schema.Answer's constructors: the one place an answer's text, sentences and citations are put
together, so every [n] in the text is the n-th citation and each sentence lists its own."""

from __future__ import annotations

from rag.schema import MARKER, UNVERIFIED, Answer, AnswerSentence, Citation


def _citation(doc_id: str, quote: str, n: int = 9) -> Citation:
    return Citation(n=n, doc_id=doc_id, title=doc_id, quote=quote, start=0, end=len(quote), score=1)


def _marks(answer: Answer) -> list[int]:
    return [int(m) for m in MARKER.findall(answer.text)]


def test_quotes_are_numbered_in_order_whatever_numbers_they_came_with() -> None:
    answer = Answer.from_quotes("Q?", [_citation("a", "One."), _citation("b", "Two.", n=1)])
    assert answer.text == "One. [1] Two. [2]"
    assert [c.n for c in answer.citations] == _marks(answer) == [1, 2]
    assert [s.citations for s in answer.sentences] == [[1], [2]]
    assert not answer.abstained


def test_more_quotes_are_numbered_on_and_keep_the_answer_s_own_fields() -> None:
    first = Answer.from_quotes("Q?", [_citation("a", "One.")], lead="Sources differ: ")
    first = first.model_copy(update={"reason": "why"})
    both = first.quoting_also([_citation("b", "Two.", n=1)])
    assert both.text == "Sources differ: One. [1] Two. [2]"
    assert [c.n for c in both.citations] == _marks(both) == [1, 2]
    assert both.reason == "why"


def test_a_sentence_without_backing_is_marked_unverified() -> None:
    sentences = [
        AnswerSentence(text="Backed.", citations=[1, 2]),
        AnswerSentence(text="Made up.", verified=False, support=0.1),
    ]
    cited = [_citation("a", "x", 1), _citation("b", "y", 2)]
    answer = Answer.from_sentences("Q?", sentences, cited, answerer="llm")
    assert answer.text == f"Backed. [1][2] Made up. {UNVERIFIED}"
    assert answer.answerer == "llm"
