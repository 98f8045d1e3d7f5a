"""Which source says what: each article's best statements on a question, their figures, and
flags where sources give different values of the same kind for the same subject.

Does NOT merge or pick a winner: every claim is shown with its own verified quote.
"""

from __future__ import annotations

import re
import time

from rag.answer_extractive import Scored, citation_for, question_entities, score_rows
from rag.citations import verify_citation
from rag.config import Settings
from rag.cues import wanted_kinds
from rag.engine import Engine, load_engine
from rag.figures import extract_figures
from rag.retrieval import tokenize
from rag.schema import (
    Answer,
    AnswerSentence,
    Comparison,
    Disagreement,
    Figure,
    SourceView,
    Statement,
)
from rag.validation import clean_question

MAX_STATEMENTS = 3
OTHER_SOURCE_MARGIN = 0.05
STATEMENT_MARGIN = 0.08
WINDOW_WORDS = 8
_FIGURE_KINDS = ("money", "percent", "count", "multiplier")
_KIND_NAMES = {
    "money": "amount",
    "percent": "percentage",
    "count": "count",
    "multiplier": "multiple",
    "date": "date",
}
# A name acting on a figure: "Google maintains …", "Microsoft has invested …".
_ACTOR = re.compile(
    r"\b([A-Z][\w-]+)(?:’s|'s)?\s+(?:has|have|had|is|was|maintains|invested|invests|investing|"
    r"committed|commits|pledged|put|spent|spends|raised|paid)\b"
)


def compare(question: str, settings: Settings, engine: Engine | None = None) -> Comparison:
    """Every source's say on `question`, side by side, with disagreements flagged."""
    started = time.perf_counter()
    text = clean_question(question, settings.max_question_chars)
    engine = engine or load_engine(settings)
    doc_ids = sorted(engine.index.articles)
    views = [source_view(text, doc_id, engine) for doc_id in doc_ids]
    found = disagreements(text, views)
    ms = round((time.perf_counter() - started) * 1000, 2)
    return Comparison(
        question=question, sources=views, disagreements=found, timings={"total_ms": ms}
    )


def source_view(question: str, doc_id: str, engine: Engine) -> SourceView:
    """A source's 0–3 best statements on the question, or `addresses=False`."""
    index = engine.index
    rows = dict.fromkeys(index.doc_sentence_rows(doc_id), 1)
    scored = [s for s in score_rows(question, rows, engine.retriever) if not s.sentence.heading]
    kept = _statements(question, scored, engine.settings)
    statements = [_statement(question, item, engine) for item in kept]
    return SourceView(
        doc_id=doc_id,
        title=index.articles[doc_id].title,
        addresses=bool(statements),
        statements=statements,
    )


def _statements(question: str, scored: list[Scored], settings: Settings) -> list[Scored]:
    kinds = wanted_kinds(question)
    usable = [s for s in scored if s.score >= settings.abstain_threshold and (s.cue or not kinds)]
    if not usable:
        return []
    best = usable[0].score
    return [s for s in usable if s.score >= best - STATEMENT_MARGIN][:MAX_STATEMENTS]


def _statement(question: str, item: Scored, engine: Engine) -> Statement:
    citation = citation_for(1, item, engine.retriever)
    citation.verified = verify_citation(citation, engine.index)
    sentence = item.sentence
    figures = [
        f
        for f in extract_figures(sentence.text, sentence.start)
        if about_subject(question, sentence.text, f.start - sentence.start)
    ]
    return Statement(citation=citation, figures=figures)


def about_subject(question: str, sentence: str, at: int) -> bool:
    """Is the figure at `at` about what the question asks? Its nearby words must share a term
    with the question, and the nearest "Name verb" before it must not name someone the question
    doesn't ask about ("Google maintains … $2 billion" is Google's figure, not Amazon's)."""
    before, after = sentence[:at].split(), sentence[at:].split()
    window = " ".join(before[-WINDOW_WORDS:] + after[:WINDOW_WORDS])
    terms = set(tokenize([question])[0]) - {"much", "mani", "how", "what"}
    if not terms & set(tokenize([window])[0]):
        return False
    actors = _ACTOR.findall(sentence[:at])
    if not actors:
        return True
    actor = set(tokenize([actors[-1]])[0])
    asked = question_entities(question)
    return any(a.startswith(q) or q.startswith(a) for a in actor for q in asked)


def disagreements(question: str, views: list[SourceView]) -> list[Disagreement]:
    """A flag for the figure kind the question asks for, when two sources give values that
    share nothing. A question that asks for no figure ("Does Amazon compete…?") gets none."""
    kinds = [k for k in wanted_kinds(question) if k in _FIGURE_KINDS]
    found = []
    for kind in kinds:
        claims = _claims_of_kind(views, kind)
        if len(claims) >= 2 and _conflicting(claims, kind):
            found.append(_flag(question, kind, claims))
            break  # the most specific kind asked for is the one to report
    return found


def _claims_of_kind(views: list[SourceView], kind: str) -> dict[str, list[Statement]]:
    claims: dict[str, list[Statement]] = {}
    for view in views:
        for st in view.statements:
            figures = [f for f in st.figures if f.kind == kind]
            if figures:
                claims.setdefault(view.doc_id, []).append(
                    st.model_copy(update={"figures": figures})
                )
    return claims


def _conflicting(claims: dict[str, list[Statement]], kind: str) -> bool:
    values = {doc: [f for st in sts for f in st.figures] for doc, sts in claims.items()}
    docs = list(values)
    return any(
        not _overlap(values[a], values[b]) for i, a in enumerate(docs) for b in docs[i + 1 :]
    )


def _overlap(left: list[Figure], right: list[Figure]) -> bool:
    """Two sources agree when they share a figure (same value or range, within 1%):
    "$8 billion" agrees with "$8 billion and $4 billion"; "30–40%" differs from "30-50%"."""

    def same(a: Figure, b: Figure) -> bool:
        return _close(a.value, b.value) and _close(a.high or a.value, b.high or b.value)

    return any(same(a, b) for a in left for b in right)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b))


def _flag(question: str, kind: str, claims: dict[str, list[Statement]]) -> Disagreement:
    flat = [st for sts in claims.values() for st in sts]
    parts = [f"{sts[0].citation.title} says {_said(sts)}" for sts in claims.values()]
    summary = f"Sources differ on the {_KIND_NAMES[kind]}: " + "; ".join(parts) + "."
    return Disagreement(kind=kind, subject=question, claims=flat, summary=summary)


def _said(statements: list[Statement]) -> str:
    """Each distinct value once, in its most qualified wording: "a potential $25 billion"."""
    by_value: dict[tuple[float, float | None], Figure] = {}
    for f in (f for st in statements for f in st.figures):
        known = by_value.get((f.value, f.high))
        if known is None or len(f.qualifiers) > len(known.qualifiers):
            by_value[(f.value, f.high)] = f
    return " and ".join(" ".join([*f.qualifiers, f.raw]) for f in by_value.values())


def reconcile(answer: Answer, engine: Engine) -> Answer:
    """Check the answer against every nearby source: if their figures conflict, answer with
    each side, cited; otherwise add a source's statement that is nearly as strong as the answer.

    "How much has Amazon invested?" → "Sources differ: … $5 billion … [1] … $8 billion … [2] …"
    """
    if answer.abstained:
        return answer
    nearby = engine.retriever.search(answer.question, engine.settings.candidates)
    doc_ids = sorted({hit.chunk.doc_id for hit in nearby})
    views = [source_view(answer.question, doc_id, engine) for doc_id in doc_ids]
    found = disagreements(answer.question, views)
    if found:
        return _differing_answer(answer, found[0])
    return _with_other_sources(answer, views, engine.settings)


def _with_other_sources(answer: Answer, views: list[SourceView], settings: Settings) -> Answer:
    """Add each uncited source whose best statement scores within OTHER_SOURCE_MARGIN of the
    answer's best, so "which drugmaker…" cites every article that names it."""
    best = max((c.score for c in answer.citations), default=0.0)
    cited = {c.doc_id for c in answer.citations}
    extra = [
        v.statements[0].citation
        for v in views
        if v.statements
        and v.doc_id not in cited
        and v.statements[0].citation.score >= best - OTHER_SOURCE_MARGIN
    ]
    extra = sorted(extra, key=lambda c: -c.score)[: settings.max_answer_sentences]
    if not extra:
        return answer
    citations = list(answer.citations)
    sentences = list(answer.sentences)
    text = answer.text
    for citation in extra:
        citation = citation.model_copy(update={"n": len(citations) + 1})
        citations.append(citation)
        sentences.append(AnswerSentence(text=citation.quote, citations=[citation.n]))
        text += f" {citation.quote} [{citation.n}]"
    return answer.model_copy(update={"text": text, "citations": citations, "sentences": sentences})


def _differing_answer(answer: Answer, flag: Disagreement) -> Answer:
    firsts: dict[str, Statement] = {}
    for st in flag.claims:
        firsts.setdefault(st.citation.doc_id, st)
    citations = [
        st.citation.model_copy(update={"n": n}) for n, st in enumerate(firsts.values(), start=1)
    ]
    sentences = [AnswerSentence(text=c.quote, citations=[c.n]) for c in citations]
    text = "Sources differ: " + " ".join(f"{c.quote} [{c.n}]" for c in citations)
    return answer.model_copy(
        update={
            "text": text,
            "citations": citations,
            "sentences": sentences,
            "sources_differ": True,
            "reason": flag.summary,
        }
    )
