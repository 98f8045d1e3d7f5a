"""A follow-up question + the turns before it → a standalone question, read from the shape of
English questions (no LLM, nothing about any article).

"And Google?" after "How much has Amazon invested in Anthropic?" → "How much has Google invested
in Anthropic?"; "When was that?" → "When has Amazon invested in Anthropic?". A question that
stands alone comes back as "" (unchanged). What the previous turn offers is read in followup.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text.followup import (
    AUX,
    AUX_WORDS,
    CLAUSE,
    TIME_PHRASE,
    WH,
    Previous,
    Turn,
    bare,
    date_core,
    names,
    previous_turn,
    swap_target,
    verb_object,
)
from rag.text.names import POSSESSIVE

_LEAD = re.compile(r"^(?:and|but|also|so|ok(?:ay)?|then|now)\b[\s,]*", re.I)
_ABOUT = re.compile(r"^(?:(?:what|how)\s+about|what\s+of|(?:the\s+)?same\s+(?:for|with))\s+", re.I)
_ASKS_SOURCE = re.compile(
    r"\b(?:sources?|articles?|reports?|according|mentions?|says?\s+(?:so|that|this|it)|"
    r"said\s+(?:so|that|this|it))\b",
    re.I,
)
_REFERS_BACK = re.compile(r"\b(?:that|this|it|they|them|those|these|so|there|its|their)\b", re.I)
# Pronouns that cannot be read without the previous turn, even in a question with names.
_PERSONAL = re.compile(r"\b(?:it|its|they|them|their|he|his|him|she|her)\b", re.I)
_OBJECT = re.compile(r"\b(?:it|they|them|he|him|she)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:its|their|his|her)\b", re.I)
_IT = re.compile(r"\bit\b", re.I)
_ITS = re.compile(r"\bits\b", re.I)
_THAT_TIME = re.compile(r"\b(?:that|the\s+same)\s+(?:month|year|quarter|day|time)\b", re.I)
_THAT_THING = re.compile(
    rf"\b(?:that|this|those|these)\s+(?!(?:month|year|quarter|day|time|be|been|{AUX_WORDS})\b)"
    r"([a-z]+)"
)
_PREP = re.compile(r"^(?:for|from|at|with|by|on|in|of|to|against|among)\s+", re.I)
_SINCE = re.compile(r"^(?:since|until|till|after|before|through|during)\s+", re.I)
_CONNECTOR = re.compile(r"^(?:and|&|of|the|de)$", re.I)
# "And by the end of the year?" is a fragment; a longer tail is a question of its own. Both
# limits were hand-set on the follow-ups of evals/conversations.jsonl (a leak).
MAX_FRAGMENT_WORDS = 6
# "How many documents?", "Since when?", "To how many people?": a measure with no clause.
MAX_ELLIPSIS_WORDS = 4


def rewrite(question: str, history: Sequence[Turn]) -> str:
    """The standalone form of `question` given the earlier turns (oldest first); "" when it
    stands alone already.

    >>> before = [Turn("How much has Amazon invested in Anthropic?")]
    >>> rewrite("And Google?", before)
    'How much has Google invested in Anthropic?'
    >>> rewrite("When was that?", before)
    'When has Amazon invested in Anthropic?'
    >>> rewrite("Who is the CEO of Nvidia?", before)
    ''
    """
    if not history:
        return ""
    previous = previous_turn(history[-1])
    body = bare(question)
    led = _LEAD.match(body)
    body = body[led.end() :] if led else body
    about = _ABOUT.match(body)
    if about:
        return _swap(previous, body[about.end() :])
    if led and _is_fragment(body):
        return _swap(previous, body)
    if _ASKS_SOURCE.search(body) and _REFERS_BACK.search(body) and not names(body):
        return _source(previous)
    resolved = _resolve(body, previous)
    if resolved != body:
        return _ended(resolved[0].upper() + resolved[1:])
    if names(body) or not (_REFERS_BACK.search(body) or _is_bare_wh(body) or _is_ellipsis(body)):
        return ""
    return _reask(previous, body)


def _swap(previous: Previous, new: str) -> str:
    """Put `new` (a name, a time or a topic) in place of its counterpart in the previous."""
    new = new.strip()
    if TIME_PHRASE.fullmatch(new):
        year = date_core(previous.time)
        new = re.sub(r"\bthe year\b", year, new) if year else new
        kept = (
            TIME_PHRASE.sub("", previous.question, count=1) if previous.time else previous.question
        )
        return _ended(f"{' '.join(kept.split())} {new}")
    prep = _PREP.match(new)
    if prep and _is_only_names(new[prep.end() :]):  # "for Google": the name after the same word
        name, word = new[prep.end() :], prep.group().strip()
        after = re.search(rf"\b(?i:{word})\s+([A-Z][\w&'’.-]*)", previous.question)
        if after:
            return _ended(previous.question.replace(after.group(1), name, 1))
        new = name
    if _is_only_names(new):
        # "And Amazon's?" after "Who is the CEO of Google?": the name goes where the other was,
        # with whatever followed that ("Google's revenue" → "Amazon's revenue")
        new = POSSESSIVE.sub("", new)
        target = swap_target(previous.question)
        if target is not None and target not in new:
            return _ended(previous.question.replace(target, new, 1))
        return f"{previous.question} ({new})?"
    return f"What about {_resolve(new, previous)}?"


def _source(previous: Previous) -> str:
    """ "Which sources say so?": the previous question, with the name it was answered by."""
    if previous.answered:
        return f"{previous.question} — {previous.answered}?"
    return _ended(previous.question)


def _resolve(text: str, previous: Previous) -> str:
    """Pronouns, "that month" and "that model" replaced by what the previous turn names."""
    when = previous.time and date_core(previous.time)
    if when:
        text = _THAT_TIME.sub(when, text)
    thing = _THAT_THING.search(text)
    if thing and previous.answered and (previous.asks_for_name or thing[1] == previous.noun):
        text = text.replace(thing.group(), previous.answered, 1)
    who = previous.antecedent
    own = names(text)
    # A pronoun after a name of the question's own refers to it ("What is AMD pitching its
    # CPUs for?"); only one before any name needs the previous turn ("Does it use Nvidia?").
    cut = text.find(own[0]) if own else len(text)
    head, tail = text[:cut], text[cut:]
    if who and _PERSONAL.search(head):
        if previous.thing:  # "it" is not the person a "Who …?" was answered by
            head = _IT.sub(previous.thing, _ITS.sub(f"{previous.thing}’s", head))
        elif previous.is_person and (_IT.search(head) or _ITS.search(head)):
            return text  # nor "Professor Vale": "Who paid for it?" is re-asked with the previous
        head = _OBJECT.sub(who, _POSSESSIVE.sub(f"{who}’s", head))
    return head + tail


def _reask(previous: Previous, body: str) -> str:
    """A new question word about the previous question: "When was that?", "How many documents?"."""
    clause = CLAUSE.match(previous.question)
    if clause and _is_bare_wh(body) and not previous.asks_for_name:
        return f"{_new_wh(body)} {clause['aux'].lower()} {clause['rest']}?"
    return f"{body} ({previous.statement()})?"


def _new_wh(body: str) -> str:
    """The question words of a bare re-ask: "How much was that" → "How much"."""
    words = body.split()
    kept = [words[0]]
    for word in words[1:]:
        if AUX.fullmatch(word) or _REFERS_BACK.fullmatch(word):
            break
        kept.append(word)
    return " ".join(kept)


def _is_bare_wh(body: str) -> bool:
    """A question word with nothing of its own: "Why", "How much was that", "When was it"."""
    if not WH.match(body):
        return False
    filler = ("much", "many")
    return all(
        AUX.fullmatch(w) or _REFERS_BACK.fullmatch(w) or w in filler for w in body.split()[1:]
    )


def _is_ellipsis(body: str) -> bool:
    """ "How many documents", "Since when", "In how many languages": a short measure, no verb
    ("What caused the outage" has one: a question of its own)."""
    if verb_object(body):
        return False
    words = body.split()
    led = len(words) > 1 and (_PREP.match(body) or _SINCE.match(body)) and WH.match(words[1])
    starts = WH.match(body) or led
    return bool(starts) and len(words) <= MAX_ELLIPSIS_WORDS and not AUX.search(body)


def _is_fragment(body: str) -> bool:
    """ "Google", "in 2023", "for Microsoft Azure": no question word, no verb of its own."""
    words = body.split()
    return 0 < len(words) <= MAX_FRAGMENT_WORDS and not WH.match(body) and not AUX.search(body)


def _is_only_names(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w[0].isupper() or _CONNECTOR.match(w) for w in words)


def _ended(question: str) -> str:
    return f"{bare(question)}?"
