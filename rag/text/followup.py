"""What a follow-up can refer back to in the previous turn: its subject, the name its answer
gave, its time phrase, and its clause, read from the shape of English questions.

"Which pharma company is named as a Claude customer?" answered "Pfizer adopted Claude …" →
subject "Claude", answered "Pfizer", asks_for_name True. Does NOT rewrite (rewrite.py does).
Nothing here knows any article: only question words, auxiliaries, pronouns, months, capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.dates import MONTH_WORD, YEAR
from rag.text.names import CAPITALISED_RUN, PERSON_NAME, PERSONAL_TITLE, POSSESSIVE

WH_WORDS = "what|which|who|whom|whose|when|where|why|how"
AUX_WORDS = "is|are|was|were|has|have|had|do|does|did|will|would|can|could|should|might"
WH = re.compile(rf"^(?:{WH_WORDS})\b", re.I)
AUX = re.compile(rf"\b(?:{AUX_WORDS})\b", re.I)
# "How much has Amazon invested in Anthropic" → wh "How much", aux "has", rest "Amazon …"
CLAUSE = re.compile(
    rf"^(?P<wh>(?:{WH_WORDS})\b(?:\s+(?!(?:{AUX_WORDS})\b)\S+){{0,5}}?)\s+"
    rf"(?P<aux>{AUX_WORDS})\s+(?P<rest>.+)$",
    re.I,
)
# Capitalised words that are not names: question words, a sentence's opening word, and job
# titles, which a follow-up never swaps ("Who is the CEO of Amazon?" → "And Nvidia?").
NOT_NAMES = {w.capitalize() for w in f"{WH_WORDS}|{AUX_WORDS}|i|and|but|so|may".split("|")}
NOT_NAMES |= {"Tell", "List", "Give", "Show", "Name", "Explain", "Describe", "Compare", "Please"}
NOT_NAMES |= {"Summarize", "Summarise", "CEO", "CFO", "CTO", "COO", "Chief", "Founder"}
NOT_NAMES |= {"The", "This", "That", "These", "Those", "In", "On", "At", "For", "By", "With"}
NOT_NAMES |= {"As", "It", "Its", "A", "An", "Yet", "While", "Since", "After", "Before", "Now"}
NOT_NAMES |= {"According", "Meanwhile", "However", "Still", "Also", "To", "From", "If", "Sources"}
NOT_NAMES |= {"Through", "Into", "Over", "Under", "Between", "Among", "Across", "During", "Of"}
# Sentence openers an answer's quote starts with ("Following the American Civil War, President
# Charles W. Eliot …" made "Following" the name a "Who …?" was answered by).
NOT_NAMES |= {"Following", "Including", "Despite", "Although", "Because", "Unlike", "Once"}
NOT_NAMES |= {"Today", "Later", "Earlier", "Instead", "Thus", "Then", "Here", "There", "Both"}
# and pronouns ('"Our users tell us …," stated Dario Amodei' made "Our" the CEO asked for)
NOT_NAMES |= {"We", "Our", "My", "Your", "He", "His", "She", "Her", "They", "Their"}
_DATE = (
    rf"(?:(?:{MONTH_WORD})\.?\s+)?{YEAR}|fy\s?(?:19|20)?\d{{2}}|"
    rf"fiscal\s+(?:year\s+)?(?:19|20)\d{{2}}|q[1-4]\s+{YEAR}|"
    r"(?:the\s+)?(?:last|next|this|previous|coming|same)\s+(?:year|quarter|month|decade)|the\s+year"
)
TIME_PHRASE = re.compile(
    r"(?:\b(?:in|during|for|by|since|before|after|at|until|through|over)\s+)?"
    r"(?:(?:the\s+)?(?:start|end|beginning|middle|close|first\s+half|second\s+half)\s+of\s+)?"
    rf"\b(?:{_DATE})\b",
    re.I,
)
_DATE_CORE = re.compile(rf"(?:(?:{MONTH_WORD})\.?\s+)?{YEAR}|fy\s?\d{{2,4}}", re.I)


@dataclass(frozen=True)
class Previous:
    """The previous turn, as a follow-up may refer to it."""

    question: str  # its standalone form, without the question mark
    subject: str  # the name its clause is about ("" if none)
    answered: str  # the name its answer gave, when it asked for one ("Pfizer"); else ""
    asks_for_name: bool  # "Which company …?", "Who …?": the wh-phrase is what is asked
    noun: str  # what a "Which model …?" asked for ("model"), "" otherwise
    time: str  # its time phrase ("at the start of 2025"), "" if none

    @property
    def thing(self) -> str:
        """What "it"/"its" means where that differs from the antecedent: the question's subject
        after a "Who …?", whose answer is a person ("Who founded Harvard?" → "How big is its
        endowment?" is Harvard's); "" otherwise."""
        asked_who = self.asks_for_name and self.question.split()[0].lower() in ("who", "whom")
        return self.subject if asked_who else ""

    @property
    def is_person(self) -> bool:
        """The antecedent is a person by its title ("Professor Ingrid Vale"): "it" is not them."""
        return bool(PERSONAL_TITLE.match(self.antecedent))

    @property
    def antecedent(self) -> str:
        """What "it"/"they" most likely mean: the name just answered when the question asked
        for one as its subject ("Which company makes Trainium?"), else the question's subject."""
        if self.asks_for_name and self.answered:
            return self.answered
        return self.subject or self.answered

    def statement(self) -> str:
        """The previous question as a statement when its answer named the thing asked for:
        "Which legislature uses Claude …" + "European Parliament" → "European Parliament uses
        Claude …"; else the question itself, lower-cased where it starts with a question word."""
        if not (self.answered and self.asks_for_name):
            return lower_first(self.question)
        clause = CLAUSE.match(self.question)
        if clause and not _starts_with_name(clause["rest"]):
            return f"{self.answered} {clause['aux'].lower()} {clause['rest']}"
        words = self.question.split()
        skip = 1 if words[0].lower() in ("who", "what") else 2
        return " ".join([self.answered, *words[skip:]])


@dataclass(frozen=True)
class Turn:
    """An earlier turn as a follow-up sees it: the question (as understood) and the first quote
    its answer gave ("" when it abstained)."""

    question: str
    quote: str = ""


_WHAT_ABOUT = re.compile(r"(?i)what about\s+(.+)")


def previous_turn(turn: Turn) -> Previous:
    question = bare(turn.question)
    clause = CLAUSE.match(question)
    rest = clause["rest"] if clause else ""
    if clause and _starts_with_name(rest):
        subject, asks = names(rest)[0], False
    else:
        found = names(rest or question)
        subject, asks = (found[0] if found else ""), _asks_for_name(question)
    about = _WHAT_ABOUT.match(question)
    if about and not subject:  # "What about the county?" → "When will it publish?" is its
        subject = about.group(1)
    event = verb_object(question)
    if event and not subject:  # "What caused the outage?" → "Who fixed it?" is the outage
        subject = event
    named = _asks_for_name(question)
    answered = answered_name(turn.quote, question) if named else ""
    noun = question.split()[1].lower() if named and len(question.split()) > 2 else ""
    time = TIME_PHRASE.search(question)
    return Previous(question, subject, answered, asks, noun, time.group() if time else "")


def swap_target(question: str) -> str | None:
    """The name a bare "And X?" replaces: the clause's first name ("did Intel shelve"), else
    the question's first."""
    clause = CLAUSE.match(question)
    found = (names(clause["rest"]) if clause else []) or names(question)
    return found[0] if found else None


def answered_name(quote: str, question: str) -> str:
    """The name the answer gives for what was asked: in its first quote, the first name the
    question did not hold, preferring one right after the asked noun ("model called Claude
    Mythos Preview" for "Which model …", "Trainium3" for "Which Trainium generation …"), not a
    bullet's label, and, for "Who …?", one shaped like a person's, the
    quote's speaker first ('"Our users tell us Claude …," stated Dario Amodei' → "Dario Amodei",
    not "Claude")."""
    if not quote:
        return ""
    asked = question.casefold()
    noun = question.split()[1] if len(question.split()) > 2 else ""
    # the asked word as the quote may inflect it: "painted" → "painter Pieter van Aelst"
    stem = noun[:5] if len(noun) > 5 else noun
    anchor = re.search(rf"\b{re.escape(stem)}\w*\b(.{{0,60}})", quote, re.I) if noun else None
    if anchor and noun[:1].isupper():  # "Which Trainium generation …?" → "Trainium3"
        word = anchor.group().split()[0]
        if word.casefold() != noun.casefold() and word[:1].isupper():
            return word
    who = question.split()[0].lower() in ("who", "whom")
    for text in ([anchor.group(1)] if anchor else []) + [quote]:
        found = [
            n
            for n in names(text)
            if n.casefold() not in asked and not re.search(rf"^\W*{re.escape(n)}\s*:", text)
        ]  # not a bullet's label: "Massive Compute Capacity: Anthropic will …"
        people = [n for n in found if who and PERSON_NAME.search(n)]
        speakers = [n for n in people if re.search(_SPEAKER + re.escape(n), text)]
        if found:
            return (speakers or people or found)[0]
    return ""


# Who a quote is attributed to: '"…," said Ada Quill', 'according to Ada Quill'.
_SPEAKER = r"\b(?:said|says|stated|states|told|wrote|added|explained|according to)\s+"


def date_core(time: str) -> str:
    """ "at the start of November 2024" → "November 2024"; "" when it names no date."""
    found = _DATE_CORE.search(time)
    return found.group() if found else ""


def names(text: str) -> list[str]:
    """Capitalised names, in order, without a possessive ending or a non-name capital."""
    found = []
    for match in CAPITALISED_RUN.finditer(text):
        words = [w for w in match.group().split() if POSSESSIVE.sub("", w) not in NOT_NAMES]
        name = POSSESSIVE.sub("", " ".join(words)).rstrip(".")
        if name:
            found.append(name)
    return found


# "What caused the outage?": "what", a verb, then the thing the question is about (a noun
# phrase opened by a determiner; "What company makes …" has none there). It asks for a cause or
# an event, not a name, and "it" in the next question is that thing ("How many customers did it
# affect?" → "… did the outage affect?").
_WHAT_VERB = re.compile(
    r"^what\s+[a-z]+\s+(?P<thing>(?:the|a|an|this|that|these|those)\s+[a-z][\w'’ -]*)$", re.I
)


def verb_object(question: str) -> str:
    """The thing a "What <verb> <the thing>?" question is about ("What caused the outage?" →
    "the outage"); "" for any other question."""
    found = _WHAT_VERB.match(bare(question))
    return found["thing"] if found else ""


def _asks_for_name(question: str) -> bool:
    """ "Who …", "Whose chips …", "Which company …", "What safety approach …" (not "What did",
    nor "What caused the outage")."""
    words = question.split()
    if not words or words[0].lower() not in ("who", "whom", "whose", "which", "what"):
        return False
    if verb_object(question):
        return False
    return words[0].lower() in ("who", "whom") or (
        len(words) > 1
        and not AUX.fullmatch(words[1])
        and words[1].lower() not in ("of", "about", "if", "else")  # "What about the county?"
    )


def _starts_with_name(text: str) -> bool:
    first = names(" ".join(text.split()[:3]))
    return bool(first) and text.lstrip().startswith(first[0].split()[0])


def lower_first(text: str) -> str:
    """ "Which company …" → "which company …" (a name keeps its capital)."""
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in NOT_NAMES else text


def bare(question: str) -> str:
    return question.strip().rstrip("?.! ").strip()
