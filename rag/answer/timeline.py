"""A topic → every dated statement on it across sources, in date order, with conflicts flagged.

"Amazon's investment in Anthropic" → [September 2024: the UK CMA cleared it …, November 2024:
an additional $4 billion …]. Statements are picked and their figures read by answer/comparison.py's
own scoring and figure extraction; dates by text/dates.py. Does NOT answer questions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

import numpy as np

from rag.answer.comparison import NAMED_FLOOR, scored_by_doc, statement
from rag.answer.extractive import Scored, dated_section, lent_by_title
from rag.config import Settings
from rag.engine import Engine, load_engine
from rag.filters import select_documents
from rag.schema import DatedClaim, Disagreement, Figure, Filters, Statement, Timeline
from rag.text.dates import DateMention, find_dates
from rag.text.figures import extract_figures
from rag.text.names import name_held, names_held, question_entities
from rag.validation import clean_question

MAX_DATES_PER_SENTENCE = 3  # a sentence listing ten years is background, not ten events
_ORDER = ("day", "month", "quarter", "fiscal_year", "year", "range", "relative")


def timeline(
    topic: str, settings: Settings, engine: Engine | None = None, filters: Filters | None = None
) -> Timeline:
    """Every dated statement on `topic` across the (filtered) sources, earliest first; dates
    that stay relative (no publication date to place them by) come last."""
    started = time.perf_counter()
    text = clean_question(topic, settings.max_question_chars)
    engine = engine or load_engine(settings)
    docs = select_documents(engine.index.articles, filters)
    scored = scored_by_doc(text, sorted(docs or engine.index.articles), engine)
    names = question_entities(text)
    claims = [
        claim
        for items in scored.values()
        for item in items
        if _on_topic(item, names, engine)
        for claim in _claims(text, item, engine)
    ]
    claims.sort(key=_order)
    return Timeline(
        topic=topic,
        claims=claims,
        disagreements=_flags(claims),
        filters=None if filters is None or filters.is_empty() else filters,
        timings={"total_ms": round((time.perf_counter() - started) * 1000, 2)},
    )


def _on_topic(item: Scored, names: frozenset[str], engine: Engine) -> bool:
    """Names everything the topic names (itself, through the sentence it refers back to, or,
    naming nobody of its own, through its document's title: "Released 14 April 2026." in
    "Tessera 3.2 release notes", as the answerer reads it) and scores like a statement compare
    would show; a topic without names: the answer bar."""
    if names:
        held = engine.retriever.sentence_terms([item.row])[0]
        if item.score >= NAMED_FLOOR and not names_held(names, held):
            index, row = engine.index, np.asarray([item.row])
            lent, _ = lent_by_title(
                names, row, lambda n, at: np.asarray([name_held(n, held)]), index
            )
            if lent[0]:
                held = held | index.title_terms[int(index.sentences.columns["doc"][item.row])]
        return item.score >= NAMED_FLOOR and names_held(names, held)
    return item.score >= engine.settings.abstain_threshold


def _claims(topic: str, item: Scored, engine: Engine) -> list[DatedClaim]:
    article = engine.index.articles[item.sentence.doc_id]
    sentence = item.sentence
    dates = find_dates(sentence.text, article.published, sentence.start)[:MAX_DATES_PER_SENTENCE]
    heading = None if dates else dated_section(engine.index, item.row)
    if heading is not None:
        # A changelog's "Added Windows support." under "3.1.0 — 2024-06-18": the section's date,
        # the heading shown beside the quote.
        dates = find_dates(heading.text, article.published, heading.start)[:1]
        item = replace(item, dated_by=heading.text) if dates else item
    if not dates:
        return []
    said = statement(topic, item, engine, figures=False)
    figures = [f for f in extract_figures(sentence.text, sentence.start) if f.kind != "date"]
    return [_claim(mention, said.model_copy(update={"figures": figures})) for mention in dates]


def _claim(mention: DateMention, said: Statement) -> DatedClaim:
    return DatedClaim(
        date_text=mention.raw,
        precision=mention.precision,
        start=mention.first.isoformat() if mention.first else None,
        end=mention.last.isoformat() if mention.last else None,
        resolved=mention.resolved,
        what=said.citation.quote,
        figures=said.figures,
        citation=said.citation,
    )


def _order(claim: DatedClaim) -> tuple[object, ...]:
    return (
        claim.start is None,
        claim.start or "",
        _ORDER.index(claim.precision),
        claim.citation.doc_id,
        claim.citation.start,
    )


def _flags(claims: list[DatedClaim]) -> list[Disagreement]:
    """Sources giving different amounts for the same month, and one amount that sources date
    to different months; each as a Disagreement, like compare's."""
    by_month: dict[str, list[DatedClaim]] = defaultdict(list)
    for claim in claims:
        if claim.start and claim.precision in ("day", "month"):
            by_month[claim.start[:7]].append(claim)
    found = [
        flag for month, group in sorted(by_month.items()) if (flag := _same_month(month, group))
    ]
    return found + _dated_apart(claims)


def _same_month(month: str, claims: list[DatedClaim]) -> Disagreement | None:
    """Two or more sources dating money to `month` with no amount in common."""
    amounts: dict[str, set[float]] = defaultdict(set)
    first: dict[str, DatedClaim] = {}
    for claim in claims:
        for figure in claim.figures:
            if figure.kind == "money":
                amounts[claim.citation.doc_id].add(figure.value)
                first.setdefault(claim.citation.doc_id, claim)
    if len(amounts) < 2 or set.intersection(*amounts.values()):
        return None
    said = "; ".join(
        f"{c.citation.title} says {', '.join(f.raw for f in c.figures if f.kind == 'money')}"
        for c in first.values()
    )
    return Disagreement(
        kind="money",
        subject=month,
        claims=[Statement(citation=c.citation, figures=c.figures) for c in first.values()],
        summary=f"Sources give different amounts for {month}: {said}.",
    )


def _dated_apart(claims: list[DatedClaim]) -> list[Disagreement]:
    """The same money figure, dated to non-overlapping months by different sources, where no
    source dates it twice itself (then it is two events, not a disagreement)."""
    dated: dict[tuple[float, float | None], dict[str, set[str]]] = defaultdict(dict)
    cited: dict[tuple[float, float | None], dict[str, DatedClaim]] = defaultdict(dict)
    for claim in claims:
        if claim.precision not in ("day", "month") or claim.start is None:
            continue
        for figure in claim.figures:
            if figure.kind == "money":
                key = (figure.value, figure.high)
                dated[key].setdefault(claim.citation.doc_id, set()).add(claim.date_text)
                cited[key].setdefault(claim.citation.doc_id, claim)
    found = []
    for key, by_doc in dated.items():
        dates = {next(iter(d)) for d in by_doc.values() if len(d) == 1}
        if len(by_doc) >= 2 and all(len(d) == 1 for d in by_doc.values()) and len(dates) >= 2:
            found.append(_apart_flag(_figure_of(cited[key]), cited[key]))
    return found


def _figure_of(claims: dict[str, DatedClaim]) -> Figure:
    first = next(iter(claims.values()))
    return next(f for f in first.figures if f.kind == "money")


def _apart_flag(figure: Figure, claims: dict[str, DatedClaim]) -> Disagreement:
    said = "; ".join(f"{c.citation.title} says {c.date_text}" for c in claims.values())
    return Disagreement(
        kind="date",
        subject=figure.raw,
        claims=[Statement(citation=c.citation, figures=c.figures) for c in claims.values()],
        summary=f"Sources date {figure.raw} differently: {said}.",
    )
