"""Hits → Answer chosen by the learned judge (rag/judge/scorer.py): the rules scorer only shortlists
sentences; the judge reads each with the question and decides what answers it.

Answers with every shortlisted sentence that clears the judge's calibrated threshold, the best
of each source first (so a fact several sources state is cited from each; every source's, then
others up to `max_answer_sentences`), and abstains when
none clears it, listing the closest as related. Its span head also gives each source's short
answer in `compare`. Does NOT verify citations (answer/citations.py does).
"""

from __future__ import annotations

from dataclasses import replace

from rag.answer.extractive import (
    DUPLICATE_COSINE,
    Scored,
    abstain,
    compose,
    score_sentences,
    unmentioned_figures,
)
from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from rag.judge.scorer import Candidate, Judge, Reading
from rag.retrieval import Retriever
from rag.schema import Answer, Hit, Sentence, ShortAnswer
from rag.text.followup import WH_WORDS
from rag.text.short_answers import reference_marks, whole_span
from rag.text.tokens import stems, terms

# How many of the rules scorer's best sentences the judge reads. On 300 answerable questions of
# the allowlisted SQuAD 2.0 split (`bench.squad2 --shortlist-only`), the gold answer was in the
# first 12 for 0.913 of them, against 0.927 in the first 24 and 0.903 in the first 8; the judge
# scores ~47 pairs/s with ONNX on 2 loaded cores (results/judge_speed.json), ~0.26 s for 12.
# Not tuned on any answer score.
SHORTLIST = 12
NOT_SUPPORTED = "No sentence in the retrieved passages answers the question (learned judge)."
NOTHING_NAMED = (
    "None of the question's words occurs in the sources, so there is nothing to look up "
    "(learned judge)."
)
QUESTION_WORDS = stems(WH_WORDS.replace("|", " "))


def judged_answer(question: str, hits: list[Hit], engine: Engine) -> Answer:
    """The sentences the engine's judge passes, or an abstention (an Answerer)."""
    retriever, settings, judge = engine.retriever, engine.settings, engine.judge
    if judge is None:
        raise RagError("The judged answerer needs a judge: set RAG_SENTENCE_JUDGE=learned.")
    if not names_something(question, retriever):  # nothing is related: no passages listed
        return abstain(question, [], retriever, reason=NOTHING_NAMED)
    if missing := unmentioned_figures(question, retriever):
        return abstain(question, score_sentences(question, hits, retriever), retriever, missing)
    ranked = judge_sentences(question, score_sentences(question, hits, retriever), retriever, judge)
    # A heading states a topic, a byline who and when it was written: the judge passed "By
    # Maria Okafor, City Desk | March 14, 2025" for "When was Helen Marsh hired?". Only a body
    # sentence answers (the rules weigh headings down for the same reason).
    if not any(s.score >= judge.threshold and not s.sentence.heading for s in ranked):
        return abstain(question, ranked, retriever, reason=NOT_SUPPORTED)
    picked = pick_judged(ranked, judge.threshold, retriever, settings)
    return compose(question, picked, retriever)


def names_something(question: str, retriever: Retriever) -> bool:
    """Does a word of the question, other than its question words, occur in the sources?

    "abc" or a bare "Who?" gives the judge nothing to read a sentence against, and it passed
    whatever scored highest ("abc" → a byline, "Isabella Gonzalez", P 0.26); the rules answerer
    abstains on them through its similarity floor. Measured against each question's own article
    (no number in it is fitted): 5 of SQuAD v1.1's 10,570 questions fail it, all answerable
    ("What is PPP?" where the text spells out "Public-Private Partnering"); 6 of SQuAD 2.0's
    public 2,828, 4 of them unanswerable ("What was hoho?"); none of evals/qa.jsonl.
    """
    return any(retriever.doc_freq(t) > 0 for t in terms(question) - QUESTION_WORDS)


def judge_sentences(
    question: str, scored: list[Scored], retriever: Retriever, judge: Judge
) -> list[Scored]:
    """The shortlist re-scored by the judge (score = probability it answers), best first."""
    shortlist = scored[:SHORTLIST]
    candidates = [candidate(s.row, retriever) for s in shortlist]
    probabilities = judge.score(question, candidates)
    rescored = [replace(s, score=p) for s, p in zip(shortlist, probabilities, strict=True)]
    return sorted(rescored, key=lambda s: -s.score)


# How many of a source's best sentences (by the rules' scorer) the judge reads in `compare`: a
# third of what it reads for an answer (SHORTLIST), as compare reads every source; not tuned on
# any score.
PER_SOURCE = 4


def judged_statements(
    question: str,
    scored: dict[str, list[Scored]],
    retriever: Retriever,
    judge: Judge,
    most: int,
) -> tuple[dict[str, list[Scored]], dict[int, ShortAnswer | None]]:
    """Each source's statements as the judge picks them: of its PER_SOURCE best sentences, those
    that clear the judge's threshold, most probable first (at most `most`); none → the source
    does not address the question. With each picked sentence's short answer (span head).
    One batch for every source."""
    shortlist = [item for items in scored.values() for item in items[:PER_SOURCE]]
    candidates = [candidate(i.row, retriever) for i in shortlist]
    readings = judge.read(question, candidates)
    kept: dict[str, list[Scored]] = {doc_id: [] for doc_id in scored}
    answers: dict[int, ShortAnswer | None] = {}
    ranked = sorted(zip(shortlist, readings, strict=True), key=lambda p: -p[1].probability)
    for item, read in ranked:
        doc = kept[item.sentence.doc_id]
        if read.probability >= judge.threshold and len(doc) < most:
            doc.append(replace(item, score=read.probability))
            answers[item.row] = short_span(question, item.sentence, read, judge.threshold)
    return kept, answers


def short_span(
    question: str, sentence: Sentence, read: Reading, threshold: float
) -> ShortAnswer | None:
    """The judge's short answer in the sentence (article offsets), or None.

    The span head's best span, where the [CLS] head finds the sentence answers (its calibrated
    threshold) or the span head alone does (its margin over "no answer" > 0, SQuAD 2.0's rule).
    The span head alone is too strict: trained against near-miss sentences, it reads "no answer"
    in "Bryan was born in Alexandria, Louisiana on February 8, 1900." for "When was General
    Bryan born?" (a RAMDocs question: the rule was chosen reading its public half, which the
    allowlist admits for tuning the comparison; no number here was fitted). A span that ends
    inside a figure or date ("417" of "1,417") is widened to the whole of it
    (text/short_answers.whole_span); one that is only reference marks ("25,32") is none."""
    if not read.span or not (read.probability >= threshold or read.span_margin > 0):
        return None
    first, last = whole_span(question, sentence.text, *read.span)
    raw = sentence.text[first:last]
    text = raw.strip()
    if reference_marks(text):
        return None
    start = sentence.start + first + len(raw) - len(raw.lstrip())
    return ShortAnswer(text=text, start=start, end=start + len(text)) if text else None


def candidate(row: int, retriever: Retriever) -> Candidate:
    """Sentence `row` as the judge reads it: with the sentence before it as context."""
    return Candidate(retriever.index.sentences[row].text, before(row, retriever))


def before(row: int, retriever: Retriever) -> str:
    """The sentence before `row` in its article (the judge's context), or ""."""
    sentences = retriever.index.sentences
    if row == 0 or sentences[row - 1].doc_id != sentences[row].doc_id:
        return ""
    return sentences[row - 1].text


def pick_judged(
    ranked: list[Scored], threshold: float, retriever: Retriever, settings: Settings
) -> list[Scored]:
    """Above the threshold: each source's best sentence, every source (issue 13: the answer
    comes from every source that has one), then the next best up to `max_answer_sentences`;
    no repeats."""
    passing = [s for s in ranked if s.score >= threshold and not s.sentence.heading]
    firsts: dict[str, Scored] = {}
    for item in passing:
        firsts.setdefault(item.sentence.doc_id, item)
    order = list(firsts.values()) + [s for s in passing if s not in firsts.values()]
    index = retriever.index
    picked: list[Scored] = []
    for n, item in enumerate(order):
        if n >= len(firsts) and len(picked) >= settings.max_answer_sentences:
            break
        if all(index.sentence_cosine(item.row, p.row) < DUPLICATE_COSINE for p in picked):
            picked.append(item)
    return picked
