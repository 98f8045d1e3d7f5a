"""Names: the patterns a capitalised name is read by, and the names and figures a question
mentions, as stemmed terms.

Does NOT say whom a name is (a person, a company): cues.py only guesses at people.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence, Set
from functools import lru_cache

from rag.text.dates import MONTH_NAMES, WEEKDAY_NAMES
from rag.text.tokens import stems, terms

_WORDS = re.compile(r"[\w'’.-]+")
# A capitalised word: "Pfizer", "O’Neil", "GPT-4".
CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
# A run of capitalised words, through the small words inside names: "Bank of America",
# "Vincent van Gogh", "AT&T", "Johnson & Johnson".
NAME_RUN = re.compile(r"\b[A-Z][\w&'’.-]*(?:\s+(?:(?:of|de|da|van|von|&)\s+)?[A-Z][\w&'’.-]*)*")
# The lower-case particles of surnames: "Pieter van Aelst", "Charles de Gaulle", "Ludwig van der
# Berg", "Osama bin Laden".
_PARTICLE = r"(?:van|von|der|den|de|da|di|del|della|du|la|le|bin|ibn|al|el)"
# A particle starting a surname: "van" in "When did van Aelst die?" is part of the name.
NAME_PARTICLE = re.compile(rf"\b{_PARTICLE}(?= (?:{_PARTICLE} )?[A-Z])")
# Capitalised words run together, through "&" and a surname's particles only: "CEO of Amazon"
# stays two names, so that a follow-up ("And Nvidia?") swaps "Amazon" and keeps the title
# (NAME_RUN made it one); "Pieter van Aelst" is one.
CAPITALISED_RUN = re.compile(rf"\b[A-Z][\w&'’.-]*(?:\s+(?:&\s+|{_PARTICLE}\s+)?[A-Z][\w&'’.-]*)*")
POSSESSIVE = re.compile(r"[’']s$")  # "Amazon’s" → "Amazon"
# A title only a person has, before a name: "Professor Ingrid Vale", "Dr. Paul Okonjo".
PERSONAL_TITLE = re.compile(r"(?:Professor|Prof|Dr|Mr|Mrs|Ms|Sir|Dame)\b\.?\s+[A-Z]")
# A person's name as news writes it, "First Last" or "First M. Last", through a surname's
# particles (cues.py reads "who" answers by it). Letters with accents count ("André Téchiné":
# read as no person's name, the film's star beside it answered "Who directed …?").
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = rf"[^\W\d_{_UPPER}]"
PERSON_NAME = re.compile(
    rf"\b[{_UPPER}]{_LOWER}+ (?:[{_UPPER}]\. )?(?:{_PARTICLE} ){{0,2}}"
    rf"[{_UPPER}]{_LOWER}{{2,}}\b(?!:)"
)


# The last words of names written as a person's are but no person's: "Word Records", "Century
# Media", "Avalon Books" (a label or a publisher beside the band or the author a "Who …?" asks
# for). Common English words of organisations and places, written after reading RAMDocs' public
# half (allowlisted), whose misses these were.
NOT_A_PERSON = frozenset(
    "Records Media Music Entertainment Studios Studio Pictures Films Press Books Publishing "
    "Publishers Inc Corp Corporation Company Ltd LLC Group Holdings University College School "
    "Institute Bank Airlines Club Association Society Council Party Committee Foundation "
    "Agency Department Ministry Museum Railway Station Street Road Avenue Park River Lake "
    "Mountains County City Games Software Systems Technologies Labs Network Channel".split()
)


def full_person_names(text: str) -> tuple[str, ...]:
    """The names a text writes in full as a person's: the "First Last" that ends a run of
    capitalised words, after at most one other word or a title in capitals ("Singer Maren
    Oduya", "Amazon CEO Andy Jassy"; "The New York Times" is none), ending in no organisation's
    word (NOT_A_PERSON: "Harbour Lane Records" is none).

    >>> full_person_names("In 2019 Tomás Ibáñez left Harbour Lane Records and The New York Times.")
    ('Tomás Ibáñez',)
    >>> full_person_names("Singer Maren Oduya met Amazon CEO Andy Jassy.")
    ('Maren Oduya', 'Andy Jassy')
    """
    out = []
    for run in CAPITALISED_RUN.finditer(text):
        words = POSSESSIVE.sub("", run.group().rstrip(".")).split()
        # "Maren Oduya", "Paul J. Okonjo", "Pieter van Aelst", "Ludwig van der Berg"
        for size in range(2, min(len(words), 4) + 1):
            name = " ".join(words[-size:])
            if PERSON_NAME.fullmatch(name):
                before = words[:-size]
                if (len(before) <= 1 or before[-1].isupper()) and words[-1] not in NOT_A_PERSON:
                    out.append(name)
                break
    return tuple(out)


def given_names(question: str) -> frozenset[str]:
    """The stemmed given names of the people a question names in full, whom a text may name by
    surname alone, as news does after the first mention ("Ibáñez left the band" for "Tomás
    Ibáñez"): `question_entities` without them is what a sentence must hold to name them.

    >>> sorted(given_names("Who replaced Tomás Ibáñez in the band?"))
    ['toma']
    """
    return terms(" ".join(n.rsplit(" ", 1)[0] for n in full_person_names(question)))


@lru_cache(maxsize=4096)  # by text: a corpus of copies reads each article once
def people_by_surname(text: str) -> dict[str, str]:
    """The people an article names in full, by surname: {"Ibáñez": "Tomás Ibáñez"}. Told from
    places and bodies by how the article writes them, as no list of names could: the given name
    is no stop-word and never stands without a capitalised word after it ("Scottish law" makes
    "Scottish Parliament" no person; "In 2019" "In England"), the surname never follows "the"
    ("the Normans"), and neither is written in lower case ("Edward Said", "Mental Health"). Read
    from SQuAD 2.0's public half (allowlisted), where "Who replaced the Normans as the ruling
    class?" was answered through "The Normans" read as a person.

    >>> people_by_surname("Tomás Ibáñez (guitar). The Normans ruled. In 2019 Ibáñez left.")
    {'Ibáñez': 'Tomás Ibáñez'}
    """
    found: dict[str, str] = {}
    for name in (n for line in text.splitlines() for n in full_person_names(line)):
        found.setdefault(name.rsplit(" ", 1)[-1], name)
    if not found:
        return {}
    lower = set(_LOWER_WORD.findall(text))
    alone = {m.group(1) for m in _CAPITAL_ALONE.finditer(text)}
    after_the = set(_AFTER_THE.findall(text))

    def as_a_person(surname: str, name: str) -> bool:
        given = name.split(" ", 1)[0]
        return (
            bool(stems(given.lower()))  # not "The", "In", "But"
            and given not in alone
            and surname not in after_the
            and given.lower() not in lower
            and surname.lower() not in lower
        )

    return {surname: name for surname, name in found.items() if as_a_person(surname, name)}


# What people_by_surname reads of an article: its words in lower case, the capitalised words
# with no capitalised word after them, the capitalised words after "the".
_LOWER_WORD = re.compile(rf"(?<![\w'’-])(?:{_LOWER})+(?![\w'’-])")
_CAPITAL_ALONE = re.compile(rf"(?<![\w'’-])([{_UPPER}][\w'’-]*)(?!\s+[{_UPPER}])(?![\w'’-])")
_AFTER_THE = re.compile(rf"\b[Tt]he\s+([{_UPPER}][\w'’-]*)(?![\w'’-])")


# Before a surname standing alone, words that make it a place: "in Britain", "from England".
_AT_A_PLACE = re.compile(r"\b(?:in|at|from|to|into|across|near|throughout|of|the)\s+$", re.I)


def surnames_alone(sentence: str, people: dict[str, str], question: str = "") -> list[str]:
    """The surnames of `people` (people_by_surname) the sentence names alone, but for names the
    question gives and words after "in", "at", "the" … (a place, not a person).

    >>> people = {"Ibáñez": "Tomás Ibáñez"}
    >>> surnames_alone("In 2019 Ibáñez left the band.", people)
    ['Ibáñez']
    >>> surnames_alone("In 2019 Ibáñez left the band.", people, "Who did Ibáñez join?")
    []
    """
    asked = {w.lower() for w in asked_names(question)}
    out = []
    for m in CAPITALISED.finditer(sentence):
        word = POSSESSIVE.sub("", m.group())
        place = _AT_A_PLACE.search(sentence, 0, m.start())
        if word in people and word.lower() not in asked and not place:
            out.append(word)
    return out


# A name a sentence gives itself: a capitalised word of two letters or more past its first word
# (which any sentence capitalises), not a month or a weekday ("Released 14 April 2026." names
# nobody; "AWS AI services could reach …" and "… said Tomasz Wenger" do).
_OWN_NAME = re.compile(
    rf"(?<=[\s(\[\"“‘'-])(?!(?:{MONTH_NAMES}|{WEEKDAY_NAMES})\b)"
    r"[A-Z][\w&'’.-]+"
)


# A version or section of its own: a number with a decimal part that is no amount ("A fix is
# planned for 3.3."; not "$1.5 billion", "2.5%", "1.5 million").
_OWN_VERSION = re.compile(
    r"(?<![\w.$€£])\d+(?:\.\d+)+(?![\w.]*\d)(?!\s?(?:%|(?:percent|billion|million|thousand|bn)\b))"
)


def names_someone(sentence: str) -> bool:
    """Does the sentence name a person, a thing or a place of its own (a capitalised word past
    its first, months and weekdays aside), or a version of its own?

    >>> names_someone("Released 14 April 2026."), names_someone("Fixed by Mei Okafor.")
    (False, True)
    >>> names_someone("A fix is planned for 3.3."), names_someone("It rose to $1.5 billion.")
    (True, False)
    """
    first = sentence.split(maxsplit=1)
    if len(first) < 2:
        return False
    return bool(_OWN_NAME.search(first[1]) or _OWN_VERSION.search(first[1]))


@lru_cache(maxsize=256)
def question_entities(question: str) -> frozenset[str]:
    """Stemmed names and figures in a question: "Who is the CEO of Nvidia?" → {"ceo", "nvidia"}."""
    words = _WORDS.findall(question)[1:]
    named = [w for w in words if w[0].isupper() or any(c.isdigit() for c in w)]
    return terms(" ".join(named))


ORDINALS = ("first", "second", "third", "fourth")
# Job titles a question writes as initials where texts spell them out ("RTA chief executive
# Helen Marsh"; "Officer" is usually dropped in prose). English usage, not any corpus's words:
# "Who is RTA's CEO?" abstained, and its note said no source mentions "CEO".
TITLE_INITIALS = {
    "ceo": "chief executive",
    "cfo": "chief financial",
    "coo": "chief operating",
    "cto": "chief technology",
    "cio": "chief information",
    "cmo": "chief marketing",
}
# Quarters as reports write them either way: "Q3 2024 | $378 million" for "revenue in the third
# quarter", "in the third quarter" for "Q3".
QUARTER_INITIALS = {f"q{n}": f"{word} quarter" for n, word in enumerate(ORDINALS, start=1)}
# The same as terms: "ceo" → {"chief", "execut"}, "q3" → {"third", "quarter"}.
TITLE_WORDS = {
    initials: terms(words) for initials, words in (TITLE_INITIALS | QUARTER_INITIALS).items()
}
_QUARTER_WORDS = re.compile(rf"\b({'|'.join(ORDINALS)})\s+quarter\b", re.I)


def initialled(question: str) -> str:
    """The question with each quarter written out as its initials, the one form `name_held`
    reads both ways: "revenue in the third quarter" → "revenue in the Q3"."""
    return _QUARTER_WORDS.sub(lambda m: f"Q{ORDINALS.index(m[1].lower()) + 1}", question)


def name_held(term: str, held: Set[str]) -> bool:
    """Does a text whose terms are `held` hold `term`, a title or quarter written out or as its
    initials? "RTA chief executive Helen Marsh" holds "ceo", "in the third quarter" "q3"."""
    return term in held or (term in TITLE_WORDS and TITLE_WORDS[term] <= held)


def one_name_of_its_own(sentence: str, question: str) -> bool:
    """Does the sentence name exactly one name of its own past its first word, besides the
    question's names: the person a "Who …?" asks for, and nobody it could be about instead?

    >>> one_name_of_its_own('"It matters," said chief executive Maren Solberg.', "Who runs Acme?")
    True
    >>> one_name_of_its_own("He met Globex CEO Satya Nadella.", "Who is Acme's CEO?")
    False

    A sentence's first word is capitalised whatever it is, so it counts as a name only before a
    word of the question: "Globex chief executive Tor Lind said …" names whose chief executive.
    """
    asked = {POSSESSIVE.sub("", w).lower() for w in _WORDS.findall(question)}
    first = sentence.split(maxsplit=1)
    if len(first) == 2 and first[0][:1].isupper() and first[0].lower() not in asked:
        following = _WORDS.match(first[1])
        if following and POSSESSIVE.sub("", following.group()).lower() in asked:
            return False
    names = 0  # the runs' stretches between the question's words: "Globex CEO Satya Nadella"
    for run in NAME_RUN.finditer(first[1] if len(first) == 2 else ""):
        if not _OWN_NAME.match(first[1], run.start()):
            continue
        held = [POSSESSIVE.sub("", w).lower() in asked for w in run.group().split()]
        names += sum(1 for own, _ in itertools.groupby(held) if not own)
    return names == 1


def names_held(names: frozenset[str], held: Set[str]) -> bool:
    """Does a text whose terms are `held` name every one of `names` (as `name_held` reads them)?
    "RTA chief executive Helen Marsh" names {"rta", "ceo"}."""
    return all(name_held(n, held) for n in names)


def asked_names(question: str) -> list[str]:
    """The capitalised words of a question, as written (possessive dropped), but for each
    sentence's first word and "I": "What did Amazon's CEO say? And Nvidia?" → ["Amazon", "CEO",
    "Nvidia"].

    >>> asked_names("Who founded Telnet? And what did the U.S. Army do?")
    ['Telnet', 'U.S', 'Army']
    """
    out = []
    for m in _WORDS.finditer(question):
        before = question[: m.start()].rstrip().rstrip("¿¡")  # "¿Cuánto …?" opens a sentence
        word = POSSESSIVE.sub("", m.group()).strip(".'’-")
        if before and before[-1] not in "?!" and word[:1].isupper() and word != "I":
            out.append(word)
    return list(dict.fromkeys(out))


# A year or a plain three-digit figure of a question: "in 1988", "231 seats" (not "1,000", "2.5",
# "1990s", "103.5FM": sources write those in too many ways for a word-for-word check). Where no
# source holds it, the question asks about something they don't cover: "Who passed the Scotland
# Act of 1988?" over articles that know only the Act of 1998. Measured against each question's
# own article, on the allowlisted articles: it is missing for 34 of SQuAD 2.0's 1,529 public
# unanswerable questions, 3 of its 1,299 answerable ones ("By 199 how many universities …", a
# typo) and 4 of the 7,595 allowlisted SQuAD v1.1 ones; none of evals/qa.jsonl's. Counting 1-
# and 2-digit numbers too caught 48 unanswerable for 11 answerable ("2 parties" where the text
# says "two"). No number here is fitted.
FIGURE = re.compile(r"(?<![\w.,])(?:\d{3}|1\d{3}|20\d{2})(?![\w'’]|[.,]\d)")


# A name told apart by a letter or a one-digit number: "Series A", "Phase 3", "Type 2", "Philip
# I", "Claude 4". The letter or digit is no word for the search (too short), so a question about
# "Series A" matched a source's "Series B" word for word; the pair is looked for as written. A
# month and a day ("January 7") is a date; a question word or a determiner before a letter or
# a number ("What U.S. entity …", "The 4 centers …") begins no such name.
_NOT_HEADS = (
    rf"{MONTH_NAMES}|What|Which|Who|Whom|Whose|When|Where|Why|How|The|This|That|These|Those|"
    r"And|But|For|From|With|Into|Its|Their|Our|Your|Did|Does|Was|Were|Are|Has|Have|Had|Can|Will"
)
LETTERED = re.compile(rf"\b(?!(?:{_NOT_HEADS})\b)[A-Z][a-z]{{2,}}[ -](?:[A-Z]|[1-9])\b(?![.,]?\d)")
# A digit and its Roman numeral name the same one: "World War 2" is "World War II".
_ROMAN = dict(zip("123456789", "I II III IV V VI VII VIII IX".split(), strict=True))


def asked_lettered(question: str) -> list[str]:
    """The names told apart by a letter or a digit a question asks about: "How much did Tessera
    Labs raise in its Series A?" → ["Series A"]."""
    return list(dict.fromkeys(LETTERED.findall(question)))


def lettered_pattern(name: str) -> re.Pattern[str]:
    """How a text writes such a name: its word in any case and maybe plural ("Super Bowls I and
    II"), a space or a hyphen, the letter or digit as it is, or a digit's Roman numeral
    ("series-A", "World War II" for "World War 2"; not "series a", an article)."""
    word, mark = name[:-1].rstrip(" -"), name[-1]
    marks = [re.escape(mark)] + ([_ROMAN[mark]] if mark in _ROMAN else [])
    return re.compile(rf"\b(?i:{re.escape(word)})s?[ -](?:{'|'.join(marks)})\b(?![.,]?\d)")


def asked_figures(question: str) -> list[str]:
    """The years and three-digit figures a question names: "Who passed the Scotland Act of
    1988?" → ["1988"]; "How many in the 1990s, for $1.5 billion?" → []."""
    return list(dict.fromkeys(FIGURE.findall(question)))


def unmentioned_reason(words: Sequence[str]) -> str:
    """'No source mentions "2012".' ("" for none): why an answer was not given."""
    return f"No source mentions {_quoted(words)}." if words else ""


def _quoted(words: Sequence[str]) -> str:
    """'"Krakow"', '"Krakow" or "Gdansk"', '"A", "B" or "C"'."""
    quoted = [f'"{w}"' for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def unmentioned_note(words: Sequence[str]) -> str:
    """'No source mentions "Krakow" or "Gdansk": check the spelling; the passages below may be
    about something else.' ("" for none)"""
    if not words:
        return ""
    named = _quoted(words)
    if all(FIGURE.fullmatch(w) for w in words):
        return (
            f"No source mentions {named}: the passages below may be about another figure or year."
        )
    return (
        f"No source mentions {named}: check the spelling; the passages below may be about "
        "something else."
    )
