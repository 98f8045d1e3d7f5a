"""Where sources disagree: different values of the figure a question asks for (about the same
subject), "available now" against "still to come", or one source denying what another affirms.

Does NOT find or score statements (compare.py does); it reads the ones it is given.
"Amazon invested $8 billion" vs "a potential $25 billion" → a "money" Disagreement.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.answer_extractive import question_entities
from rag.cues import MONTHS, asks_status, status_of, wanted_kinds
from rag.retrieval import terms
from rag.schema import Disagreement, Figure, SourceView, Statement

WINDOW_WORDS = 8
STATUS_TERMS = 3  # question words a statement must share to count as being about the same thing
DENIAL_TERMS = 3  # words two statements must share for one to deny the other
_FIGURE_KINDS = ("money", "percent", "count", "multiplier")
_QUESTION_WORDS = frozenset({"much", "mani", "how", "what"})
# Words that ask for an amount without saying of what.
_AMOUNT_WORDS = frozenset(
    "money big larg new recent latest total overal current far sum figur amount dollar year "
    "today now has have had most than from use did doe is are wa were".split()
)
# Ways of putting money into something (stemmed), one measure however a source words it.
_MONEY_IN = "invest"
_MONEY_IN_WORDS = frozenset("invest commit pledg fund put spend spent inject stake back".split())
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
# "Amazon has …" against "Amazon lacks …": a name, then a verb that affirms or denies having,
# offering or competing.
_NAME = r"\b([A-Z][\w-]+)(?:’s|'s)?\s+(?:\w+ly\s+)?"
_AFFIRMS = re.compile(_NAME + r"(?:has|have|owns?|competes?|offers?|includes?|supports?)\b")
_DENIES = re.compile(
    _NAME + r"(?:lacks?|has no|have no|(?:does not|doesn[’']t) (?:have|own|compete|offer|include|"
    r"support)|no longer \w+)\b"
)
_NAMED = re.compile(r"\b[A-Z][\w’'-]*")
# A name owning what follows: "Amazon’s $25 billion investment", "Microsoft’s OpenAI partnership".
_OWNER = re.compile(r"\b([A-Z][\w-]+)(?:’s|'s)\s")


def about_subject(question: str, sentence: str, at: int, carried: str = "") -> bool:
    """Is the figure at `at` about what the question asks?
    - Its nearby words, or the names the sentence refers back to (`carried`, when no other
      name comes first), must share a term with the question.
    - A name the question asks about must not stand only far past it ("the $25 billion …
      against the gravity of Google DeepMind" is no Google figure).
    - The nearest name acting on it or owning it must be one the question asks about:
      "Google maintains … $2 billion" and "Amazon’s $25 billion" are not Anthropic's revenue.
    """
    before, after = sentence[:at].split(), sentence[at:].split()
    window = " ".join(before[-WINDOW_WORDS:] + after[:WINDOW_WORDS])
    if carried and _NAMED.search(sentence[:at].split(" ", 1)[-1]):
        carried = ""  # a name between the anaphor and the figure is the figure's subject
    if not _subject_terms(question) & (terms(window) | terms(carried)):
        return False
    asked = question_entities(question)
    near = terms(" ".join(before + after[:WINDOW_WORDS]))
    beyond = terms(" ".join(after[WINDOW_WORDS:])) - near
    if any(_same_name(a, q) for a in beyond for q in asked):
        return False
    if _other_target(question, sentence[at:]):
        return False
    owner = _owner(sentence, at)
    return owner is None or any(_same_name(a, q) for a in terms(owner) for q in asked)


# What a figure goes into: "$5 billion in Anthropic", "$8 billion investment in Anthropic".
# ("… commitment in November 2024" is a date, not a target)
_FIGURE_TARGET = re.compile(
    r"^\S+(?:\s+(?:billion|million|trillion))?(?:\s+\w+)?\s+(?:in|into)\s+"
    rf"(?!(?:{MONTHS})\b)([A-Z][\w-]+)"
)
_QUESTION_TARGET = re.compile(r"\b(?:in|into|to)\s+\w", re.I)


def _other_target(question: str, from_figure: str) -> bool:
    """The question asks what went into or to something ("invested in nuclear energy",
    "committing to AWS infrastructure") and the figure went into a name the question doesn't
    mention ("$5 billion in Anthropic")."""
    target = _FIGURE_TARGET.match(from_figure)
    if not target or not _QUESTION_TARGET.search(question):
        return False
    return not terms(target.group(1)) & terms(question)


def _owner(sentence: str, at: int) -> str | None:
    """The last "Name verb" before the figure, or a closer "Name’s" among the WINDOW_WORDS
    words before it."""
    head = sentence[:at]
    actors = [(m.start(), m.group(1)) for m in _ACTOR.finditer(head)]
    near = len(head) - len(" ".join(head.split()[-WINDOW_WORDS:])) - 1
    owners = [(m.start(), m.group(1)) for m in _OWNER.finditer(head) if m.start() >= near]
    found = sorted(actors + owners)
    return found[-1][1] if found else None


def _same_name(a: str, b: str) -> bool:
    """Stems of one name: "trainium2" and "trainium", "gpu" and "gpus"; not "train" and
    "trainium"."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(long) - len(short) <= 2


@lru_cache(maxsize=256)
def _subject_terms(question: str) -> frozenset[str]:
    return terms(question) - _QUESTION_WORDS


def figure_kinds(question: str) -> list[str]:
    """The kinds of figure the question asks for that can be compared, most specific first."""
    return [k for k in wanted_kinds(question) if k in _FIGURE_KINDS]


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
    measure = _measure_terms(question)
    said = [measure & _measure_words(st.citation.quote) for sts in claims.values() for st in sts]
    if not any(said):
        return claims
    kept = {
        doc: [
            st for st in sts if len(measure & _measure_words(st.citation.quote)) * 2 >= len(measure)
        ]
        for doc, sts in claims.items()
    }
    return {doc: sts for doc, sts in kept.items() if sts}


def _measure_words(text: str) -> frozenset[str]:
    """Stemmed words, the ways of putting money in read as one: "committing" = "investment"."""
    return frozenset(_MONEY_IN if t in _MONEY_IN_WORDS else t for t in terms(text))


@lru_cache(maxsize=256)
def _measure_terms(question: str) -> frozenset[str]:
    """The question's words for what it measures, beyond names and amount words:
    "How much of Amazon's new Anthropic money is contingent on commercial milestones?" →
    {"conting", "commerci", "mileston"}."""
    names = question_entities(question)
    return frozenset(
        t
        for t in _measure_words(question) - _AMOUNT_WORDS - _QUESTION_WORDS
        if not any(_same_name(t, n) for n in names)
    )


def _own_words(question: str, statement: Statement, figure: Figure) -> bool:
    quote = statement.citation.quote
    return about_subject(question, quote, figure.start - statement.citation.start)


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


@lru_cache(maxsize=1 << 16)
def affirmed_names(text: str) -> frozenset[str]:
    """ "Amazon has its own AI models" → {"Amazon"}."""
    return frozenset(m.group(1) for m in _AFFIRMS.finditer(text))


@lru_cache(maxsize=1 << 16)
def denied_names(text: str) -> frozenset[str]:
    """ "Amazon lacks a first-party frontier model" → {"Amazon"}."""
    return frozenset(m.group(1) for m in _DENIES.finditer(text))


def denial(subject: str, claims: list[Statement]) -> Disagreement:
    said = "; ".join(f"{st.citation.title} says “{st.citation.quote}”" for st in claims)
    summary = f"Sources contradict each other on {subject}: {said}"
    return Disagreement(kind="contradiction", subject=subject, claims=claims, summary=summary)
