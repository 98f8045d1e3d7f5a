"""The class of thing a question asks for, and the phrases of a sentence that may name one.

"What sport did Jack Snow play?" asks for a sport; "What type of aircraft was involved …?" for an
aircraft; "… is operated by which private railway operator?" for a railway operator. English
grammar, read here; which phrase names a thing of that class is decided by meaning
(answer/classes.py), not by a list of sports or parties.
Does NOT ask for figures, dates or persons (cues.wanted_kinds does).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.cues import wanted_kinds
from rag.text.followup import AUX_WORDS
from rag.text.tokens import stem_match

# "What type of …", "Which kind of …": the class is the noun after "of".
_TYPE_OF = r"(?:(?i:type|kind|sort|form|brand|make|variety)s?\s+of\s+)?"
# "What genre of music …?": a genre is the class itself ("indie folk" is a genre; the phrase
# nearest "music" in "an English indie folk band" is "band").
_GENRE_OF = re.compile(r"\b(?P<c>genre|style)s?\s+of\b", re.I)
# One to three lower-case words after "what"/"which", then the verb of the question ("What sport
# did …", "What political party was …") or its end ("… by which private railway operator?"). A
# capitalised word is a name, and a class holding one is no class ("Which AWS service …?").
_WH_CLASS = re.compile(
    rf"\b(?i:what|which)\s+{_TYPE_OF}(?P<c>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){{0,2}}?)"
    rf"\s*(?:\b(?i:{AUX_WORDS})\b|[?.]?\s*$)"
)
# "What is the profession of …?", "What was the primary medium associated with …?"
_WHAT_IS_THE = re.compile(
    rf"^\s*(?i:what|which)\s+(?i:is|was|are|were)\s+(?i:the|its|their|his|her)\s+{_TYPE_OF}"
    r"(?P<c>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)"
    r"\s+(?:of|associated|linked|connected|for|that|which|in|at|on|played|used)\b"
)
# Words after "what" that ask no class: how a question is put ("What else …?"), or a word that
# names no kind of thing an answer could be an instance of ("the name of", "the reason for").
_NO_CLASS = frozenset(
    "else exactly kind type sort name names title nickname reason reasons purpose role way "
    "ways meaning cause causes effect effects result results difference significance "
    "importance impact goal aim idea point problem issue issues matter thing things".split()
)
# Measures, not classes: "What is the median age …?", "… the founding date …?" ask for a value.
_MEASURES = frozenset(
    "age income date size height weight length width depth area rate number amount value price "
    "cost speed capacity score budget revenue salary population density temperature distance "
    "duration year total count improvement increase reduction decrease gain growth decline drop "
    "change rise fall margin share ratio".split()
)


_FUNCTION = frozenset(
    AUX_WORDS.split("|")
    + "the a an of in on at for to by with and or but from as its it this that these those "
    "his her their he she they we you i who whom whose which what when where why how than then "
    "also not no be been being into onto over under about after before since until while "
    "during between among through per via so such there here".split()
)


@lru_cache(maxsize=1 << 12)
def asked_class(question: str) -> str | None:
    """The class the question asks for an instance of, in its words; None when it asks for a
    figure, a date or a person, or names no class.

    >>> asked_class("What sport did Jack Snow play?")
    'sport'
    >>> asked_class("What type of aircraft was involved in Flight 109?")
    'aircraft'
    >>> asked_class("20000 series is operated by which private railway operator?")
    'private railway operator'
    >>> asked_class("What is the profession of Jon Hill?"), asked_class("What genre of music?")
    ('profession', 'genre')
    >>> asked_class("What year was it built?"), asked_class("What is the name of the band?")
    (None, None)
    >>> asked_class("What does Amazon sell?"), asked_class("What caused the contamination?")
    (None, None)
    """
    if wanted_kinds(question):
        return None
    genre = _GENRE_OF.search(question)
    if genre and re.match(r"\s*(?:what|which)\b", question[: genre.start()], re.I):
        return genre.group("c").lower()
    found = _WH_CLASS.search(question) or _WHAT_IS_THE.search(question)
    if found is None:
        return None
    words = found.group("c").lower().split()
    if words[-1] in _NO_CLASS | _MEASURES or any(w in _FUNCTION for w in words):
        return None  # "What caused the contamination?" asks no class
    return " ".join(words)


_TOKEN = re.compile(r"[A-Za-z][\w'’.-]*[\w]|[A-Za-z]")
MAX_PHRASE_WORDS = 3  # "American football", "Odakyu Electric Railway": short answers


def _asked_parts(question: str) -> set[str]:
    """The question's words in lower case, hyphenated ones in their parts too."""
    return {part for w in _TOKEN.findall(question.lower()) for part in w.split("-") if part}


def phrases(question: str, sentence: str) -> list[tuple[int, int]]:
    """Runs of one to MAX_PHRASE_WORDS content words of `sentence` that may name an instance of
    the asked class: no function word, no mark and no word of the question (nor one of its
    five-letter stems) inside.

    >>> s = "He is a retired Russian ice hockey player."
    >>> [s[a:b] for a, b in phrases("What sport is Bragin associated with?", s)][:4]
    ['retired', 'retired Russian', 'retired Russian ice', 'Russian']
    """
    asked = _asked_parts(question)
    words: list[tuple[int, int] | None] = []
    last = 0
    for m in _TOKEN.finditer(sentence):
        between = sentence[last : m.start()]
        if words and (between.strip() or "\n" in between):
            words.append(None)  # a mark or a line break ends a phrase
        word = m.group().lower().rstrip(".")
        # a word sharing a question word's stem says the class, not an instance of it:
        # "broadcasting" for "What broadcast format …?", "politician" for "What political party"
        usable = word not in _FUNCTION and not any(
            stem_match(part, asked) for part in word.split("-")
        )
        words.append(m.span() if usable else None)
        last = m.end()
    out = []
    for i, first in enumerate(words):
        if first is None:
            continue
        for j in range(i, min(i + MAX_PHRASE_WORDS, len(words))):
            end = words[j]
            if end is None:
                break
            out.append((first[0], end[1]))
    return out


def named_instance(question: str, sentence: str) -> tuple[int, int] | None:
    """The first name of a thing of the asked class written with the class's own noun, as
    English names parties, lines and rivers: "Koltsevaya line" for "Which line is Belorussky a
    station on?", "Quebec Liberal Party" for "What political party …?". Up to three capitalised
    words before the noun, none the question holds, and the noun as the question writes it
    ("United States" names no state); None when the sentence writes none.

    >>> s = "Belorusskaya is a station on the Moscow Metro's Koltsevaya line."
    >>> q = "Which line is Belorussky a station on?"
    >>> s[slice(*named_instance(q, s))]
    'Koltsevaya line'
    >>> named_instance(q, "The line opened in 1950.") is None
    True
    """
    wanted = asked_class(question)
    if wanted is None:
        return None
    head = re.escape(wanted.split()[-1])
    asked = _asked_parts(question)
    run = re.compile(rf"(?<![\w'’.-])((?:[A-Z][\w.-]*\s+){{1,3}})(?i:{head})\b")
    for m in run.finditer(sentence):
        words = list(re.finditer(r"\S+", m.group(1)))
        # "The Party", "Liberal" asked already: a run's leading function or asked words drop out
        while words and (
            words[0].group().lower() in _FUNCTION or stem_match(words[0].group().lower(), asked)
        ):
            words.pop(0)
        if words:
            return m.start(1) + words[0].start(), m.end()
    return None
