"""Hits → Answer chosen by the learned judge (rag/judge.py): the rules scorer only shortlists
sentences; the judge reads each with the question and decides what answers it.

Answers with every shortlisted sentence that clears the judge's calibrated threshold, the best
of each source first (so a fact several sources state is cited from each), and abstains when
none clears it, listing the closest as related. Its span head also gives each source's short
answer in `compare`. Does NOT verify citations (citations.py does).
"""

from __future__ import annotations

from dataclasses import replace

from rag.answer_extractive import DUPLICATE_COSINE, Scored, abstain, compose, score_sentences
from rag.config import Settings
from rag.judge import Candidate, Judge
from rag.retrieval import Retriever
from rag.schema import Answer, Hit, ShortAnswer

# How many of the rules scorer's best sentences the judge reads. On 300 answerable questions of
# the allowlisted SQuAD 2.0 split (`bench.squad2 --shortlist-only`), the gold answer was in the
# first 12 for 0.913 of them, against 0.927 in the first 24 and 0.903 in the first 8; the judge
# scores ~47 pairs/s with ONNX on 2 loaded cores (results/judge_speed.json), ~0.26 s for 12.
# Not tuned on any answer score.
SHORTLIST = 12
NOT_SUPPORTED = "No sentence in the retrieved passages answers the question (learned judge)."


def judged_answer(
    question: str, hits: list[Hit], retriever: Retriever, settings: Settings, judge: Judge
) -> Answer:
    ranked = judge_sentences(question, score_sentences(question, hits, retriever), retriever, judge)
    if not ranked or ranked[0].score < judge.threshold:
        return abstain(question, ranked, retriever, reason=NOT_SUPPORTED)
    picked = pick_judged(ranked, judge.threshold, retriever, settings)
    return compose(question, picked, retriever)


def judge_sentences(
    question: str, scored: list[Scored], retriever: Retriever, judge: Judge
) -> list[Scored]:
    """The shortlist re-scored by the judge (score = probability it answers), best first."""
    shortlist = scored[:SHORTLIST]
    candidates = [Candidate(s.sentence.text, before(s.row, retriever)) for s in shortlist]
    probabilities = judge.score(question, candidates)
    rescored = [replace(s, score=p) for s, p in zip(shortlist, probabilities, strict=True)]
    return sorted(rescored, key=lambda s: -s.score)


def learned_short_answers(
    question: str, items: list[Scored], retriever: Retriever, judge: Judge
) -> dict[int, ShortAnswer | None]:
    """By sentence row: the judge's short answer in that sentence (article offsets), or None.

    The span head's best span, where the [CLS] head finds the sentence answers (its calibrated
    threshold) or the span head alone does (its margin over "no answer" > 0, SQuAD 2.0's rule).
    The span head alone is too strict: trained against near-miss sentences, it reads "no answer"
    in "Bryan was born in Alexandria, Louisiana on February 8, 1900." for "When was General
    Bryan born?". One batch for every source's statements. Nothing here was tuned on RAMDocs."""
    unique = list({item.row: item for item in items}.values())
    candidates = [Candidate(i.sentence.text, before(i.row, retriever)) for i in unique]
    out: dict[int, ShortAnswer | None] = {}
    for item, read in zip(unique, judge.read(question, candidates), strict=True):
        answers = read.probability >= judge.threshold or read.span_margin > 0
        a, b = read.span or (0, 0)
        raw = item.sentence.text[a:b]
        text = raw.strip()
        start = item.sentence.start + a + len(raw) - len(raw.lstrip())
        out[item.row] = (
            ShortAnswer(text=text, start=start, end=start + len(text))
            if answers and read.span and text
            else None
        )
    return out


def before(row: int, retriever: Retriever) -> str:
    """The sentence before `row` in its article (the judge's context), or ""."""
    sentences = retriever.index.sentences
    if row == 0 or sentences[row - 1].doc_id != sentences[row].doc_id:
        return ""
    return sentences[row - 1].text


def pick_judged(
    ranked: list[Scored], threshold: float, retriever: Retriever, settings: Settings
) -> list[Scored]:
    """Above the threshold: each source's best sentence first, then the next best, no repeats."""
    passing = [s for s in ranked if s.score >= threshold and not s.sentence.heading] or ranked[:1]
    firsts: dict[str, Scored] = {}
    for item in passing:
        firsts.setdefault(item.sentence.doc_id, item)
    order = list(firsts.values()) + [s for s in passing if s not in firsts.values()]
    index = retriever.index
    picked: list[Scored] = []
    for item in order:
        if len(picked) >= settings.max_answer_sentences:
            break
        if all(index.sentence_cosine(item.row, p.row) < DUPLICATE_COSINE for p in picked):
            picked.append(item)
    return picked
