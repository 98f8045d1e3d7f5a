"""Which source says what: each article's best statements on a question, their figures, and
flags where sources give different values of the same kind for the same subject.

Does NOT merge or pick a winner: every claim is shown with its own verified quote.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from rag.answer_extractive import Scored, citation_for, question_entities, score_rows
from rag.citations import verify_citation
from rag.config import Settings
from rag.cues import asks_status, status_of, wanted_kinds
from rag.engine import Engine, load_engine
from rag.figures import extract_figures
from rag.retrieval import terms
from rag.schema import (
    Answer,
    AnswerSentence,
    Comparison,
    Disagreement,
    Figure,
    Hit,
    SourceView,
    Statement,
)
from rag.validation import clean_question

MAX_STATEMENTS = 3
OTHER_SOURCE_MARGIN = 0.05
STATEMENT_MARGIN = 0.08
WINDOW_WORDS = 8
STATUS_TERMS = 3  # question words a statement must share to count as being about the same thing
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
    views = source_views(text, sorted(engine.index.articles), engine)
    found = disagreements(text, views)
    ms = round((time.perf_counter() - started) * 1000, 2)
    return Comparison(
        question=question, sources=views, disagreements=found, timings={"total_ms": ms}
    )


def source_views(
    question: str, doc_ids: list[str], engine: Engine, figures: bool = True
) -> list[SourceView]:
    """Each source's 0–3 best statements on the question, or `addresses=False`; every sentence
    of the sources is scored in one pass (one matrix product, the question's terms once).
    `figures=False` leaves the statements' figures out (a check that compares none)."""
    index = engine.index
    rows = {row: 1 for doc_id in doc_ids for row in index.doc_sentence_rows(doc_id)}
    by_doc: dict[str, list[Scored]] = {doc_id: [] for doc_id in doc_ids}
    for item in score_rows(question, rows, engine.retriever):
        if not item.sentence.heading:
            by_doc[item.sentence.doc_id].append(item)
    return [_view(question, doc_id, by_doc[doc_id], engine, figures) for doc_id in doc_ids]


def _view(
    question: str, doc_id: str, scored: list[Scored], engine: Engine, figures: bool
) -> SourceView:
    kept = _statements(question, scored, engine.settings)
    statements = [_statement(question, item, engine, figures) for item in kept]
    return SourceView(
        doc_id=doc_id,
        title=engine.index.articles[doc_id].title,
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


def _statement(question: str, item: Scored, engine: Engine, figures: bool) -> Statement:
    citation = citation_for(1, item, engine.retriever)
    citation.verified = verify_citation(citation, engine.index)
    if not figures:
        return Statement(citation=citation, figures=[])
    sentence = item.sentence
    found = [
        f
        for f in extract_figures(sentence.text, sentence.start)
        if about_subject(question, sentence.text, f.start - sentence.start)
    ]
    return Statement(citation=citation, figures=found)


def about_subject(question: str, sentence: str, at: int) -> bool:
    """Is the figure at `at` about what the question asks? Its nearby words must share a term
    with the question; a name the question asks about must not stand only far past it ("the $25
    billion … against the gravity of Google DeepMind" is no Google figure); and the nearest
    "Name verb" before it must not name someone the question doesn't ask about ("Google
    maintains … $2 billion" is Google's figure, not Amazon's)."""
    before, after = sentence[:at].split(), sentence[at:].split()
    window = " ".join(before[-WINDOW_WORDS:] + after[:WINDOW_WORDS])
    if not _subject_terms(question) & terms(window):
        return False
    asked = _entities(question)
    near = terms(" ".join(before + after[:WINDOW_WORDS]))
    beyond = terms(" ".join(after[WINDOW_WORDS:])) - near
    if any(_same_name(a, q) for a in beyond for q in asked):
        return False
    actors = _ACTOR.findall(sentence[:at])
    if not actors:
        return True
    actor = terms(actors[-1])
    return any(_same_name(a, q) for a in actor for q in asked)


def _same_name(a: str, b: str) -> bool:
    """Stems of one name: "trainium2" and "trainium", "gpu" and "gpus"; not "train" and
    "trainium"."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(long) - len(short) <= 2


@lru_cache(maxsize=256)
def _subject_terms(question: str) -> frozenset[str]:
    return terms(question) - {"much", "mani", "how", "what"}


@lru_cache(maxsize=256)
def _entities(question: str) -> frozenset[str]:
    return frozenset(question_entities(question))


def disagreements(question: str, views: list[SourceView]) -> list[Disagreement]:
    """A flag for the figure kind the question asks for, when two sources give values that
    share nothing; or, for a question about availability, when one source's best statement
    says it is here now and another's that it is still to come. Other questions get none:
    "Does Amazon compete…?" asks for neither."""
    kinds = [k for k in wanted_kinds(question) if k in _FIGURE_KINDS]
    found = []
    for kind in kinds:
        claims = _claims_of_kind(views, kind)
        if len(claims) >= 2 and _conflicting(claims, kind):
            found.append(_flag(question, kind, claims))
            break  # the most specific kind asked for is the one to report
    status = _status_flag(question, views) if asks_status(question) else None
    return found + ([status] if status else [])


def _status_flag(question: str, views: list[SourceView]) -> Disagreement | None:
    """Sources' best statements on the same thing (STATUS_TERMS of the question's words in
    each) that disagree on whether it is available: "can now access" against "the forthcoming"."""
    by_status: dict[str, list[Statement]] = {}
    for view in views:
        if not view.statements:
            continue
        best = view.statements[0]
        shared = _subject_terms(question) & terms(best.citation.quote)
        status = status_of(best.citation.quote)
        if status and len(shared) >= STATUS_TERMS:
            by_status.setdefault(status, []).append(best)
    if len(by_status) < 2:
        return None
    now, later = by_status["current"], by_status["upcoming"]
    summary = (
        "Sources differ on whether it is available yet: "
        + "; ".join(f"{st.citation.title} says it is available now" for st in now)
        + "; "
        + "; ".join(f"{st.citation.title} says it is still to come" for st in later)
        + "."
    )
    return Disagreement(kind="availability", subject=question, claims=now + later, summary=summary)


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


def _side(statements: list[Statement]) -> Statement:
    """The statement that words its claim most fully: "a potential $25 billion" over a passing
    "$25 billion investment becomes a legacy asset"; the stronger one on a tie."""
    return max(statements, key=lambda st: max((len(f.qualifiers) for f in st.figures), default=0))


def reconcile(answer: Answer, nearby: list[Hit], engine: Engine) -> Answer:
    """Check the answer against every source among the `nearby` hits: if they conflict, answer
    with each side, cited; otherwise add a source's statement nearly as strong as the answer.

    "How much has Amazon invested?" → "Sources differ: … $5 billion … [1] … $8 billion … [2] …"
    """
    if answer.abstained:
        return answer
    doc_ids = sorted({hit.chunk.doc_id for hit in nearby})
    figures = any(k in _FIGURE_KINDS for k in wanted_kinds(answer.question))
    views = source_views(answer.question, doc_ids, engine, figures=figures)
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
    sides: dict[str, list[Statement]] = {}
    for st in flag.claims:
        sides.setdefault(st.citation.doc_id, []).append(st)
    quoted = [_side(statements) for statements in sides.values()]
    citations = [st.citation.model_copy(update={"n": n}) for n, st in enumerate(quoted, start=1)]
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
