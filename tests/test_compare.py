"""rag/answer/comparison.py: which source says what on the real corpus, and `ask` citing each
side."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rag.answer import comparison
from rag.answer.citations import checked
from rag.answer.comparison import compare
from rag.answer.extractive import citation_for
from rag.answer.judged import PER_SOURCE
from rag.chain import ask
from rag.engine import Engine
from rag.judge.scorer import Candidate, Reading
from rag.schema import Answer

INVESTMENT = "How much has Amazon invested in Anthropic?"


@pytest.mark.slow
def test_investment_comparison_on_the_real_corpus(real_engine: Engine) -> None:
    comparison = compare(INVESTMENT, real_engine.settings, engine=real_engine)
    said = {v.doc_id: " ".join(s.citation.quote for s in v.statements) for v in comparison.sources}
    assert "up to an additional $20 billion" in said["001_29c1b148ce65f1bc"]
    assert "$8 billion" in said["002_9de286f62ec30d0e"]
    assert "additional $4 billion" in said["002_9de286f62ec30d0e"]
    assert "potential $25 billion" in said["003_0d4870f0a701256c"]
    assert len(comparison.sources) == 5
    [flag] = comparison.disagreements
    assert "cumulative $8 billion and additional $4 billion" in flag.summary
    assert (
        "up to additional $20 billion" in flag.summary and "potential $25 billion" in flag.summary
    )
    assert {c.citation.doc_id for c in flag.claims} >= {
        "001_29c1b148ce65f1bc",
        "002_9de286f62ec30d0e",
        "003_0d4870f0a701256c",
    }
    articles = real_engine.index.articles
    for view in comparison.sources:
        for st in view.statements:
            c = st.citation
            assert c.verified and articles[c.doc_id].text[c.start : c.end] == c.quote
    no_figure = {v.doc_id for v in comparison.sources if not any(s.figures for s in v.statements)}
    # 000 names no amount at all: it shows what it does say, not a passing "80% of token usage"
    assert "000_dfd9dcc9c56fc0bc" in no_figure, "sources without a figure are listed as such"


@pytest.mark.slow
def test_single_source_fact_is_not_flagged(real_engine: Engine) -> None:
    question = "How many customers run Claude on Bedrock?"
    comparison = compare(question, real_engine.settings, engine=real_engine)
    assert comparison.disagreements == []
    assert any("100,000" in s.citation.quote for v in comparison.sources for s in v.statements)


@pytest.mark.slow
def test_availability_question_cites_both_sides_on_the_real_corpus(real_engine: Engine) -> None:
    question = (
        "Can AWS customers already use the Claude Platform through their accounts, or not yet?"
    )
    answer = ask(question, real_engine.settings, engine=real_engine)
    assert answer.sources_differ
    quotes = {c.doc_id: c.quote for c in answer.citations}
    assert "can now access" in quotes["001_29c1b148ce65f1bc"]
    assert "forthcoming" in quotes["000_dfd9dcc9c56fc0bc"]


@pytest.mark.slow
def test_a_denial_in_another_source_is_cited_on_the_real_corpus(real_engine: Engine) -> None:
    question = "Does Amazon have AI models of its own that compete with Anthropic?"
    answer = ask(question, real_engine.settings, engine=real_engine)
    assert answer.sources_differ
    quotes = {c.doc_id: c.quote for c in answer.citations}
    assert "has its own AI models" in quotes["001_29c1b148ce65f1bc"]
    assert "lacks a first-party frontier model" in quotes["003_0d4870f0a701256c"]
    comparison = compare(question, real_engine.settings, engine=real_engine)
    [flag] = comparison.disagreements
    assert flag.kind == "contradiction"
    assert "Amazon" in flag.summary
    said = {v.doc_id: [s.citation.quote for s in v.statements] for v in comparison.sources}
    assert any("lacks a first-party" in q for q in said["003_0d4870f0a701256c"])  # in its row


@pytest.mark.slow
def test_a_source_giving_its_own_measure_is_cited_beside_the_answer(real_engine: Engine) -> None:
    """One source says "16,000 annual search hours", another "The pharmaceutical giant reported
    30% faster literature review cycles" (Pfizer named only in the sentence before)."""
    question = "How much time has Claude saved Pfizer's scientists?"
    answer = ask(question, real_engine.settings, engine=real_engine)
    quotes = {c.doc_id: c.quote for c in answer.citations}
    assert "16,000 annual search hours" in quotes["001_29c1b148ce65f1bc"]
    assert "30% faster literature review" in quotes["002_9de286f62ec30d0e"]
    assert not answer.sources_differ  # two measures of the saving, not a contradiction
    [giant] = [c for c in answer.citations if c.doc_id == "002_9de286f62ec30d0e"]
    assert giant.context.startswith("Pfizer adopted Claude")  # whom "the giant" refers to
    assert answer.citations[0].context == ""
    comparison = compare(question, real_engine.settings, engine=real_engine)
    [view] = [v for v in comparison.sources if v.doc_id == "002_9de286f62ec30d0e"]
    assert view.addresses
    assert "30%" in [f.raw for s in view.statements for f in s.figures]


@pytest.mark.slow
def test_another_names_figure_is_no_disagreement_on_the_real_corpus(real_engine: Engine) -> None:
    question = "How much has Google invested in Anthropic?"
    answer = ask(question, real_engine.settings, engine=real_engine)
    assert not answer.sources_differ  # Amazon's $25 billion is not Google's
    assert "$2 billion" in answer.citations[0].quote
    assert compare(question, real_engine.settings, engine=real_engine).disagreements == []


@pytest.mark.slow
def test_how_many_customers_is_answered_with_a_count_of_customers(real_engine: Engine) -> None:
    answer = ask("How many customers use Claude on Bedrock?", real_engine.settings, real_engine)
    assert "100,000 customers" in answer.citations[0].quote


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "How much compute capacity can Anthropic lock in on AWS under the deal?",
        "How much is Amazon committing to AWS infrastructure for Claude over the next ten years?",
        "How much of Amazon's new Anthropic money is contingent on commercial milestones?",
        "How much has Amazon invested in nuclear energy?",
    ],
)
def test_figures_on_other_things_raise_no_false_alarm(real_engine: Engine, question: str) -> None:
    """Each source gives money figures near these words, but not for what is asked."""
    assert compare(question, real_engine.settings, engine=real_engine).disagreements == []
    assert not ask(question, real_engine.settings, engine=real_engine).sources_differ


@pytest.mark.slow
def test_who_questions_keep_only_statements_naming_the_asked_names(real_engine: Engine) -> None:
    nobody = compare("Who is the CEO of Nvidia?", real_engine.settings, engine=real_engine)
    assert not any(
        view.addresses for view in nobody.sources
    )  # Intel's or Anthropic's are no answer
    ceo = compare("Who is the CEO of Anthropic?", real_engine.settings, engine=real_engine)
    said = [s.citation.quote for view in ceo.sources for s in view.statements]
    assert any("Dario Amodei, CEO" in quote for quote in said)


class DollarJudge:
    """A stand-in learned judge: its span head reads the first dollar figure of a sentence."""

    threshold = 0.5

    def score(self, question: str, candidates: list[Candidate]) -> list[float]:
        return [r.probability for r in self.read(question, candidates)]

    def read(self, question: str, candidates: list[Candidate]) -> list[Reading]:
        out = []
        for c in candidates:
            found = re.search(r"\$\d[\d.,]*(?: billion| million)?", c.text)
            span = found.span() if found else None
            out.append(Reading(0.9 if found else 0.1, span, 1.0 if found else -1.0))
        return out


def test_under_the_learned_judge_it_picks_statements_and_reads_short_answers(
    real_engine: Engine,
) -> None:
    """The judge picks each source's statements (only what it passes) and its span head reads
    their short answers, verbatim and in article offsets."""
    engine = dataclasses.replace(real_engine, judge=DollarJudge())  # type: ignore[arg-type]

    comparison = compare(INVESTMENT, real_engine.settings, engine=engine)

    articles = real_engine.index.articles
    answers = [st.short_answer for v in comparison.sources for st in v.statements]
    assert any(answers)
    assert all("$" in st.citation.quote for v in comparison.sources for st in v.statements)
    for view in comparison.sources:
        for st in view.statements:
            dollar = re.search(r"\$\d", st.citation.quote)
            assert (st.short_answer is not None) == bool(dollar), st.citation.quote
            if st.short_answer:
                a = st.short_answer
                assert a.text.startswith("$") and a.text in st.citation.quote
                assert articles[view.doc_id].text[a.start : a.end] == a.text


def test_under_the_learned_judge_ask_states_the_short_answer_of_each_quoted_source(
    real_engine: Engine,
) -> None:
    """Answer.short_answers: the judge's span in the sentences the answer quotes, one per source,
    grouped, each with its citation; the summary counts the sources."""
    engine = dataclasses.replace(real_engine, judge=DollarJudge())  # type: ignore[arg-type]

    answer = ask(INVESTMENT, real_engine.settings, engine=engine)

    assert answer.short_answers
    quoted = {(c.doc_id, c.start, c.end) for c in answer.citations}
    sources = [doc for group in answer.short_answers for doc in group.doc_ids]
    assert len(sources) == len(set(sources))  # one short answer per source
    for group in answer.short_answers:
        assert group.answer.startswith("$")
        assert group.answer in group.citations[0].quote  # worded as its first source words it
        assert all((c.doc_id, c.start, c.end) in quoted for c in group.citations)
    order = [(-len(g.doc_ids), min(c.n for c in g.citations)) for g in answer.short_answers]
    assert order == sorted(order)  # most-given first, then in the order the answer quotes them
    first = answer.short_answers[0]
    noun = "source says" if len(first.doc_ids) == 1 else "sources say"
    assert answer.answer_summary.startswith(f"{len(first.doc_ids)} {noun} {first.answer}")


class WordJudge(DollarJudge):
    """A stand-in judge that passes (P 0.9) exactly the sentences holding `word`."""

    def __init__(self, word: str) -> None:
        self.word = word

    def read(self, question: str, candidates: list[Candidate]) -> list[Reading]:
        return [Reading(0.9 if self.word in c.text else 0.1, None, 0.0) for c in candidates]


def test_under_the_learned_judge_ask_also_quotes_each_nearby_source_the_judge_passes(
    real_engine: Engine,
) -> None:
    """Issue 13: the answer comes from every source with a sentence the judge passes, also a
    source none of whose sentences made ask's shortlist: its most probable one joins, once."""
    engine = dataclasses.replace(real_engine, judge=WordJudge("Inferentia"))  # type: ignore[arg-type]
    question = "Which chips does Anthropic train its models on?"
    scored = comparison.scored_by_doc(question, sorted(real_engine.index.articles), engine)
    passing = {
        doc
        for doc, items in scored.items()
        if any("Inferentia" in i.sentence.text for i in items[:PER_SOURCE])
    }
    assert len(passing) >= 2 and len(passing) < len(scored)
    first = next(i for i in scored[min(passing)][:PER_SOURCE] if "Inferentia" in i.sentence.text)
    answer = Answer.from_quotes(
        question, [checked(citation_for(1, first, engine.retriever), engine.index)]
    )

    joined = comparison._with_judged_sources(answer, scored, engine)

    quoted = [c.doc_id for c in joined.citations]
    assert sorted(quoted) == sorted(passing)  # each passing source once, no other
    assert all("Inferentia" in c.quote for c in joined.citations)
    assert [c.n for c in joined.citations] == list(range(1, len(quoted) + 1))
    assert joined.text.startswith(answer.text)
    none = engine.settings.model_copy(update={"max_answer_sentences": 0})
    bounded = dataclasses.replace(engine, settings=none)
    assert comparison._with_judged_sources(answer, scored, bounded) == answer


def test_under_the_rules_ask_states_no_short_answers(real_engine: Engine) -> None:
    answer = ask(INVESTMENT, real_engine.settings, engine=real_engine)

    assert not answer.abstained
    assert answer.short_answers == [] and answer.answer_summary == ""


class RecordingJudge(DollarJudge):
    """DollarJudge that remembers every sentence it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def read(self, question: str, candidates: list[Candidate]) -> list[Reading]:
        self.seen.extend(c.text for c in candidates)
        return super().read(question, candidates)


class RememberingJudge(DollarJudge):
    """DollarJudge that remembers its readings, as the real Judge does, and records each batch
    of pairs it had not read before."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.known: dict[str, Reading] = {}

    def read(self, question: str, candidates: list[Candidate]) -> list[Reading]:
        new = list(dict.fromkeys(c.text for c in candidates if c.text not in self.known))
        if new:
            self.batches.append(new)
            fresh = super().read(question, [Candidate(text) for text in new])
            self.known.update(zip(new, fresh, strict=True))
        return [self.known[c.text] for c in candidates]


def test_ask_reads_every_sources_sentences_for_a_changed_answer_in_one_batch(
    real_engine: Engine,
) -> None:
    """The changed-answer check of `ask` reads each source's best sentences: one batch for every
    source, not a run of the judge per source (each run costs ~10 ms however few its pairs)."""
    judge = RememberingJudge()
    engine = dataclasses.replace(real_engine, judge=judge)  # type: ignore[arg-type]
    docs = sorted(real_engine.index.articles)
    scored = comparison.scored_by_doc(INVESTMENT, docs, engine)

    comparison._changed_and_notes(INVESTMENT, scored, engine)

    sources = [doc for doc in docs if scored[doc]]
    assert len(sources) >= 2
    assert len(judge.batches) == 1
    assert len(judge.batches[0]) == len(
        {s.sentence.text for doc in sources for s in scored[doc][:PER_SOURCE]}
    )


def test_under_the_learned_judge_every_source_is_read_however_low_the_rules_score_it(
    real_engine: Engine,
) -> None:
    """The rules' floor does not decide which sources the judge reads: a source where the rules
    find nothing still has its PER_SOURCE best sentences read (the answer on a long web page is
    often worded unlike the question)."""
    judge = RecordingJudge()
    engine = dataclasses.replace(real_engine, judge=judge)  # type: ignore[arg-type]
    question = "What colour are the walls of the cafeteria?"
    rules = compare(question, real_engine.settings, engine=real_engine)

    compare(question, real_engine.settings, engine=engine)

    assert not any(view.addresses for view in rules.sources)
    read_from = {s.doc_id for s in real_engine.index.sentences if s.text in set(judge.seen)}
    assert read_from == set(real_engine.index.articles)
    assert len(judge.seen) >= PER_SOURCE * len(real_engine.index.articles)


def test_under_the_learned_judge_the_sources_read_below_the_floor_are_bounded(
    real_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large corpus most sources say nothing on a question: only the UNSEEN_SOURCES of them
    nearest by retrieval are read, so the judge's work does not grow with the corpus."""
    monkeypatch.setattr(comparison, "UNSEEN_SOURCES", 2)
    judge = RecordingJudge()
    engine = dataclasses.replace(real_engine, judge=judge)  # type: ignore[arg-type]

    compare("What colour are the walls of the cafeteria?", real_engine.settings, engine=engine)

    read_from = {s.doc_id for s in real_engine.index.sentences if s.text in set(judge.seen)}
    assert len(read_from) == 2
