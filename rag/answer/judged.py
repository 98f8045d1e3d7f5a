"""Hits → Answer chosen by the learned judge (rag/judge/scorer.py): the rules scorer only shortlists
sentences; the judge reads each with the question and decides what answers it.

Answers with every shortlisted sentence that clears the judge's calibrated threshold, the best
of each source first (so a fact several sources state is cited from each), and abstains when
none clears it, listing the closest as related. Its span head also gives each source's short
answer in `compare`. Does NOT verify citations (answer/citations.py does).
"""

from __future__ import annotations

from dataclasses import replace

from rag.answer.extractive import DUPLICATE_COSINE, Scored, abstain, compose, score_sentences
from rag.config import Settings
from rag.engine import Engine
from rag.errors import RagError
from rag.judge.picker import SPANS_PER_SENTENCE, Picker, SpanCandidate
from rag.judge.scorer import Candidate, Judge, Reading
from rag.retrieval import Retriever
from rag.schema import Answer, Hit, ShortAnswer
from rag.text.short_answers import normalize

# How many of the rules scorer's best sentences the judge reads. On 300 answerable questions of
# the allowlisted SQuAD 2.0 split (`bench.squad2 --shortlist-only`), the gold answer was in the
# first 12 for 0.913 of them, against 0.927 in the first 24 and 0.903 in the first 8; the judge
# scores ~47 pairs/s with ONNX on 2 loaded cores (results/judge_speed.json), ~0.26 s for 12.
# Not tuned on any answer score.
SHORTLIST = 12
NOT_SUPPORTED = "No sentence in the retrieved passages answers the question (learned judge)."


def judged_answer(question: str, hits: list[Hit], engine: Engine) -> Answer:
    """The sentences the engine's judge passes, or an abstention (an Answerer)."""
    retriever, settings, judge = engine.retriever, engine.settings, engine.judge
    if judge is None:
        raise RagError("The judged answerer needs a judge: set RAG_SENTENCE_JUDGE=learned.")
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


# How many of a source's best sentences (by the rules' scorer) the judge reads in `compare`: a
# third of what it reads for an answer (SHORTLIST), as compare reads every source; not tuned on
# any score.
PER_SOURCE = 4


# How many of a source's best sentences (by the rules' scorer) the answer picker reads for its
# short answer. Question-wise 2-fold CV on RAMDocs' public half (allowlisted for the comparison):
# per-document attribution 0.588 with 4, 0.601 with 8, 0.605 with every sentence (its documents
# have 5.4 sentences on average, 24 at most).
ANSWER_SENTENCES = 8


def judged_statements(
    question: str,
    scored: dict[str, list[Scored]],
    retriever: Retriever,
    judge: Judge,
    most: int,
    picker: Picker | None = None,
) -> tuple[dict[str, list[Scored]], dict[int, ShortAnswer | None]]:
    """Each source's statements as the judge picks them: of its PER_SOURCE best sentences, those
    that clear the judge's threshold, most probable first (at most `most`); none → the source
    does not address the question. With short answers by sentence row: under a `picker`, only
    each source's one answer (its sentence shown first, added if the judge did not pass it);
    else the span head's best span of every picked sentence. One batch for every source."""
    if picker:
        ranked = read_sources(
            question, scored, retriever, judge, ANSWER_SENTENCES, SPANS_PER_SENTENCE
        )
    else:
        ranked = read_sources(question, scored, retriever, judge, PER_SOURCE, 1)
    statement_rows = {item.row for items in scored.values() for item in items[:PER_SOURCE]}
    kept: dict[str, list[Scored]] = {doc_id: [] for doc_id in scored}
    answers: dict[int, ShortAnswer | None] = {}
    for item, read in ranked:
        doc = kept[item.sentence.doc_id]
        if item.row in statement_rows and read.probability >= judge.threshold and len(doc) < most:
            doc.append(replace(item, score=read.probability))
            answers[item.row] = None if picker else _short(item, read, judge.threshold)
    if picker:
        _picked_answers(question, ranked, judge, picker, kept, answers)
    return kept, answers


def _picked_answers(
    question: str,
    ranked: list[tuple[Scored, Reading]],
    judge: Judge,
    picker: Picker,
    kept: dict[str, list[Scored]],
    answers: dict[int, ShortAnswer | None],
) -> None:
    """The picker's answer for each source, in `answers` by row, its sentence first in `kept`."""
    by_source, items = source_candidates(ranked, list(kept))
    for doc, pick in picker.pick(question, by_source, judge.threshold).items():
        if pick is None:
            continue
        c = pick.candidate
        item, read = items[c.row]
        start = item.sentence.start + c.start
        answers[c.row] = ShortAnswer(text=c.text, start=start, end=start + len(c.text))
        others = [s for s in kept[doc] if s.row != c.row]
        kept[doc] = [replace(item, score=read.probability), *others]


def read_sources(
    question: str,
    scored: dict[str, list[Scored]],
    retriever: Retriever,
    judge: Judge,
    width: int,
    spans: int,
) -> list[tuple[Scored, Reading]]:
    """Each source's `width` best sentences read by the judge (with its `spans` best spans), in
    one batch, most probable first."""
    shortlist = [item for items in scored.values() for item in items[:width]]
    candidates = [Candidate(i.sentence.text, before(i.row, retriever)) for i in shortlist]
    if spans > 1:
        readings = judge.read(question, candidates, spans=spans)
    else:
        readings = judge.read(question, candidates)
    return sorted(zip(shortlist, readings, strict=True), key=lambda p: -p[1].probability)


def source_candidates(
    ranked: list[tuple[Scored, Reading]], doc_ids: list[str]
) -> tuple[dict[str, list[SpanCandidate]], dict[int, tuple[Scored, Reading]]]:
    """The judge's spans per source (each sentence ranked within its source by probability),
    and each read sentence by row."""
    by_source: dict[str, list[SpanCandidate]] = {doc: [] for doc in doc_ids}
    items: dict[int, tuple[Scored, Reading]] = {}
    places: dict[str, int] = {}
    for item, read in ranked:  # most probable first
        doc = item.sentence.doc_id
        rank = places[doc] = places.get(doc, -1) + 1
        items[item.row] = (item, read)
        by_source[doc].extend(span_candidates(item, read, rank))
    return by_source, items


def span_candidates(item: Scored, read: Reading, rank: int) -> list[SpanCandidate]:
    """The spans the judge proposes in one sentence, verbatim (surrounding spaces trimmed)."""
    text = item.sentence.text
    best = read.spans[0][2] if read.spans else 0.0
    out = []
    for place, (a, b, margin) in enumerate(read.spans):
        raw = text[a:b]
        span = raw.strip()
        if not normalize(span):  # punctuation only: nothing to compare
            continue
        start = a + len(raw) - len(raw.lstrip())
        out.append(
            SpanCandidate(
                row=item.row,
                text=span,
                start=start,
                end=start + len(span),
                place=place,
                margin=margin,
                gap=best - margin,
                probability=read.probability,
                logit=read.logit,
                rank=rank,
                rules=(item.score, item.dense, item.lexical),
                sentence_length=len(text),
            )
        )
    return out


def _short(item: Scored, read: Reading, threshold: float) -> ShortAnswer | None:
    """The judge's short answer in the item's sentence (article offsets), or None.

    The span head's best span, where the [CLS] head finds the sentence answers (its calibrated
    threshold) or the span head alone does (its margin over "no answer" > 0, SQuAD 2.0's rule).
    The span head alone is too strict: trained against near-miss sentences, it reads "no answer"
    in "Bryan was born in Alexandria, Louisiana on February 8, 1900." for "When was General
    Bryan born?" (a RAMDocs question: the rule was chosen reading its public half, which the
    allowlist admits for tuning the comparison; no number here was fitted)."""
    if not read.span or not (read.probability >= threshold or read.span_margin > 0):
        return None
    raw = item.sentence.text[read.span[0] : read.span[1]]
    text = raw.strip()
    start = item.sentence.start + read.span[0] + len(raw) - len(raw.lstrip())
    return ShortAnswer(text=text, start=start, end=start + len(text)) if text else None


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
