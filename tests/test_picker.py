"""The answer picker (rag/judge/picker.py): each source's short answer among the judge's spans.
The committed artifact matches its card; its features see another source's support; a tiny fit
learns what separates right spans; compare and ask under the learned judge give one cited
short answer per source, grouped.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from rag.answer.comparison import compare
from rag.answer.train_picker import CARD, Source, attribution, fit
from rag.chain import ask
from rag.engine import Engine
from rag.judge.card import sha256
from rag.judge.picker import (
    FEATURES,
    PICKER_DIR,
    PICKER_FILE,
    Picker,
    SpanCandidate,
    features,
    load_picker,
)
from rag.judge.scorer import Candidate, Judge, Reading

INVESTMENT = "How much has Amazon invested in Anthropic?"


def span(row: int, text: str, probability: float = 0.9, place: int = 0) -> SpanCandidate:
    return SpanCandidate(
        row=row,
        text=text,
        start=0,
        end=len(text),
        place=place,
        margin=1.0,
        gap=0.0,
        probability=probability,
        logit=1.0,
        rank=0,
        rules=(0.5, 0.5, 0.5),
        sentence_length=40,
    )


def test_committed_artifact_matches_its_card_and_loads() -> None:
    card = (PICKER_DIR / CARD).read_text(encoding="utf-8")

    assert sha256(PICKER_DIR / PICKER_FILE) in card
    picker = load_picker()
    assert picker is not None and 0 < picker.threshold < 1
    assert len(picker.span.weights) == len(FEATURES)


def test_support_counts_other_sources_proposing_the_same_answer() -> None:
    """ "Mahesh Bhatt" proposed by two other sources; "Raj Kapoor" by none."""
    by_source = {
        "a": [span(0, "Mahesh Bhatt"), span(0, "Raj Kapoor", place=1)],
        "b": [span(1, "directed by Mahesh Bhatt")],
        "c": [span(2, "Bhatt", probability=0.1)],
    }
    x = features("Who directed the film?", by_source, threshold=0.5)
    passing = FEATURES.index("support_passing")
    any_support = FEATURES.index("support_any")

    assert x["a"].shape == (2, len(FEATURES))
    assert x["a"][0, passing] == 1 and x["a"][0, any_support] == 2  # b passes, c is weak
    assert x["a"][1, any_support] == 0
    assert x["a"][0, FEATURES.index("name_for_person")] == 1


def test_a_tiny_fit_learns_to_pick_the_supported_span_and_to_say_none() -> None:
    """Synthetic documents where the right span is the one other sources support; noise ones
    have only weak spans."""
    rng = np.random.default_rng(0)
    sources = []
    for n in range(60):
        x = rng.normal(size=(4, len(FEATURES)))
        right = np.zeros(4, dtype=np.bool_)
        right[n % 4] = True
        x[n % 4, FEATURES.index("support_sum")] += 3.0
        sources.append(Source(x, right, right, "correct"))
        noise = rng.normal(size=(3, len(FEATURES)))
        noise[:, FEATURES.index("probability")] -= 3.0
        sources.append(
            Source(noise, np.zeros(3, dtype=np.bool_), np.zeros(3, dtype=np.bool_), "noise")
        )

    picker = fit(sources, {})
    measured = attribution(picker, sources)

    assert measured["attribution"]["correct"]["rate"] >= 0.9
    assert measured["attribution"]["noise"]["rate"] >= 0.9
    assert picker.span.weights[FEATURES.index("support_sum")] > 0


def test_saved_picker_loads_back_the_same(tmp_path) -> None:  # type: ignore[no-untyped-def]
    picker = load_picker()
    assert picker is not None

    picker.save(tmp_path)
    again = load_picker(tmp_path)

    assert isinstance(again, Picker)
    assert again.threshold == pytest.approx(picker.threshold)
    assert np.allclose(again.span.weights, picker.span.weights, atol=1e-5)


class DollarJudge:
    """A stand-in judge: a sentence with a dollar figure answers, its spans are its figures."""

    threshold = 0.5

    def score(self, question: str, candidates: list[Candidate]) -> list[float]:
        return [r.probability for r in self.read(question, candidates)]

    def read(self, question: str, candidates: list[Candidate], spans: int = 1) -> list[Reading]:
        out = []
        for c in candidates:
            found = [m.span() for m in re.finditer(r"\$\d[\d.,]*(?: billion| million)?", c.text)]
            alternatives = tuple((a, b, 2.0 - n) for n, (a, b) in enumerate(found[:spans]))
            first = found[0] if found else None
            p = 0.9 if found else 0.1
            out.append(
                Reading(p, first, 1.0 if found else -1.0, 2.0 if found else -2.0, alternatives)
            )
        return out


def test_compare_gives_each_source_at_most_one_cited_short_answer(real_engine: Engine) -> None:
    picker = load_picker()
    engine = dataclasses.replace(real_engine, judge=DollarJudge(), picker=picker)  # type: ignore[arg-type]

    comparison = compare(INVESTMENT, real_engine.settings, engine=engine)

    articles = real_engine.index.articles
    assert comparison.answer_groups
    for view in comparison.sources:
        given = [st for st in view.statements if st.short_answer]
        assert len(given) <= 1
        if given:
            assert view.statements[0] is given[0]  # the answer's sentence first
            a = given[0].short_answer
            assert a is not None and a.text.startswith("$") and a.text in given[0].citation.quote
            assert articles[view.doc_id].text[a.start : a.end] == a.text


def test_ask_states_the_short_answer_of_each_sentence_it_quotes(real_engine: Engine) -> None:
    engine = dataclasses.replace(real_engine, judge=DollarJudge(), picker=load_picker())  # type: ignore[arg-type]

    answer = ask(INVESTMENT, real_engine.settings, engine=engine)

    assert answer.short_answers and answer.answer_summary
    assert answer.answer_summary.startswith(f"{len(answer.short_answers[0].doc_ids)} source")
    quoted = {(c.doc_id, c.start, c.end) for c in answer.citations}
    for group in answer.short_answers:
        assert group.answer.startswith("$")
        for c in group.citations:
            assert (c.doc_id, c.start, c.end) in quoted  # only what the answer rests on
            assert c.doc_id in group.doc_ids
            assert real_engine.index.articles[c.doc_id].text[c.start : c.end] == c.quote


def test_without_a_picker_ask_states_no_short_answers(real_engine: Engine) -> None:
    answer = ask(INVESTMENT, real_engine.settings, engine=real_engine)

    assert answer.short_answers == [] and answer.answer_summary == ""


@pytest.mark.slow
def test_the_real_judge_proposes_several_spans_best_first() -> None:
    judge = Judge(backend="onnx")
    sentence = Candidate("The company was founded in 1998 by Larry Page and Sergey Brin.")

    [read] = judge.read("Who founded the company in 1998?", [sentence], spans=4)

    assert len(read.spans) == 4
    assert read.span == read.spans[0][:2]
    assert [m for _, _, m in read.spans] == sorted((m for _, _, m in read.spans), reverse=True)
    assert read.span_margin == pytest.approx(read.spans[0][2], abs=1e-4)
