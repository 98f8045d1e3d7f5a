"""Per-question metrics: how an Answer and its retrieved passages score against an EvalItem.

Matching is on normalised text (case, white space, dash and quote variants, thousands
separators). Does NOT run the system or aggregate (eval/harness.py does).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel

from rag.answer.citations import verify_citation
from rag.eval.dataset import EvalItem
from rag.index.core import Index
from rag.schema import Answer, Span

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹘﹣－"), "-")
_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′＇`"), "'") | dict.fromkeys(map(ord, "“”„‟″«»＂"), '"')
# A separator between digits with three digits after it: "8,100" and "8\u202f100" → "8100".
# Plain spaces are left alone: "in 2024 100 firms" must not become "2024100".
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u2009\u202f](?=\d{3}(?!\d))")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold what differs in form but not meaning, for answer and evidence matching.

    "The  “AI‑first” plan: $8,100\u00a0—\u202fin 2024" → 'the "ai-first" plan: $8100 - in 2024'
    """
    text = _THOUSANDS.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", text.translate(_DASHES).translate(_QUOTES)).strip()


def contains(text: str, answer: str) -> bool:
    """Whether normalised `answer` occurs in normalised `text`, not as part of a longer number:
    "37" is in "37 of 90 days" but not in "1937" or "3.37"; "Trainium" is in "Trainium2"."""
    needle = normalize(answer)
    if not needle:
        return False
    before = r"(?<!\d)(?<!\d[.,])" if needle[0].isdigit() else ""
    after = r"(?!\d)(?![.,]\d)" if needle[-1].isdigit() else ""
    return re.search(before + re.escape(needle) + after, normalize(text)) is not None


# --- per-question metrics --------------------------------------------------------------------


class QuestionMetrics(BaseModel):
    """None = does not apply (no gold evidence, no citations, an unanswerable item)."""

    evidence_recall: float | None = None
    reciprocal_rank: float | None = None
    answer_hit: bool | None = None
    source_recall: float | None = None
    citations: int = 0
    precise_citations: int = 0
    citation_precision: float | None = None
    abstained: bool = False
    latency_ms: float = 0.0


def evidence_recall(evidence: list[str], passages: Sequence[Span]) -> float | None:
    """Share of gold evidence quotes found (normalised) inside some retrieved passage."""
    if not evidence:
        return None
    texts = [normalize(p.text) for p in passages]
    return sum(any(normalize(q) in t for t in texts) for q in evidence) / len(evidence)


def reciprocal_rank(evidence: list[str], passages: Sequence[Span]) -> float | None:
    """1/rank of the first passage holding any gold evidence quote; 0 when none does.

    Computed directly, not with ranx: its relevance here is "contains a quote", decided by us
    anyway, and importing + JIT-compiling ranx (numba) costs 10–30 s for a one-line formula.
    """
    if not evidence:
        return None
    quotes = [normalize(q) for q in evidence]
    for rank, passage in enumerate(passages, start=1):
        text = normalize(passage.text)
        if any(q in text for q in quotes):
            return 1.0 / rank
    return 0.0


def answer_hit(answers: list[str], answer: Answer) -> bool | None:
    """Any acceptable answer appears in the answer text; an abstention never hits."""
    if not answers:
        return None
    return not answer.abstained and any(contains(answer.text, a) for a in answers)


def source_recall(sources: list[str], answer: Answer) -> float | None:
    """Share of gold sources that the answer cites."""
    if not sources:
        return None
    cited = {c.doc_id for c in answer.citations}
    return sum(s in cited for s in sources) / len(sources)


def precise_citations(item: EvalItem, answer: Answer, index: Index) -> int:
    """Citations verbatim at their offsets and in a gold source; none for unanswerable items."""
    if item.type == "unanswerable":
        return 0
    return sum(
        verify_citation(c, index) and (not item.sources or c.doc_id in item.sources)
        for c in answer.citations
    )


def score_question(
    item: EvalItem, answer: Answer, passages: Sequence[Span], index: Index
) -> QuestionMetrics:
    cited, precise = len(answer.citations), precise_citations(item, answer, index)
    return QuestionMetrics(
        evidence_recall=evidence_recall(item.evidence, passages),
        reciprocal_rank=reciprocal_rank(item.evidence, passages),
        answer_hit=answer_hit(item.answers, answer),
        source_recall=source_recall(item.sources, answer),
        citations=cited,
        precise_citations=precise,
        citation_precision=precise / cited if cited else None,
        abstained=answer.abstained,
        latency_ms=answer.timings.get("total_ms", 0.0),
    )


def failures(item: EvalItem, m: QuestionMetrics) -> list[str]:
    """What went wrong for one question, in words; empty = the question passes."""
    out: list[str] = []
    if item.type == "unanswerable":
        return [] if m.abstained else ["answered instead of abstaining"]
    if m.abstained:
        out.append("abstained")
    elif m.answer_hit is False:
        out.append("no acceptable answer in the text")
    if m.evidence_recall is not None and m.evidence_recall < 1:
        found = round(m.evidence_recall * len(item.evidence))
        out.append(f"evidence retrieved {found}/{len(item.evidence)}")
    if m.source_recall is not None and m.source_recall < 1 and not m.abstained:
        cited = round(m.source_recall * len(item.sources))
        out.append(f"sources cited {cited}/{len(item.sources)}")
    if m.citations and m.precise_citations < m.citations:
        out.append(f"imprecise citations {m.citations - m.precise_citations}/{m.citations}")
    return out
