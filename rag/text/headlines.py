"""A Title Case headline fused into the sentence after it, as copied articles often have:
"Model Commoditization: The Narrowing Moat For Amazon's strategy, the…" → the headline ends
before "For".

Does NOT title an article (corpus/reader.py does) or split sentences (corpus/chunking.py).
"""

from __future__ import annotations

import re

_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the"}
_SMALL_WORDS |= {"to", "vs", "vs.", "with", "is", "&", "—", "-", "–"}
_WORD = re.compile(r"\S+")
# A shorter Title Case run is a sentence's capitalised start, not a headline; 400 characters
# hold any headline. Hand-set on the seed articles' fused titles (commit history: corpus.py).
MIN_HEADLINE_WORDS = 4
MAX_HEADLINE_CHARS = 400
_OPENERS = {"A", "An", "As", "At", "By", "For", "In", "On", "The", "To", "With", "We", "It", "This"}


def fused_headline(text: str, start: int, need_colon: bool = False) -> tuple[int, int, int] | None:
    """(start, end, body_start) of a Title Case headline run into the sentence after it.

    "Model Commoditization: The Narrowing Moat For Amazon's strategy, the…" → the headline ends
    before "For": a capitalised small word not after a colon opens the body; otherwise the body
    opens with the word before the first lower-case one.
    """
    words = list(_WORD.finditer(text, start, min(len(text), start + MAX_HEADLINE_CHARS)))
    for n, word in enumerate(words):
        token = word.group()
        if "\n" in text[words[0].start() : word.end()]:
            return None
        after_colon = n > 0 and words[n - 1].group().endswith(":")
        if n > 0 and token in _OPENERS and not after_colon:
            body = n
        elif _is_title_word(token):
            continue
        else:
            body = n - 1
        head = text[words[0].start() : words[max(body - 1, 0)].end()]
        if body < MIN_HEADLINE_WORDS or (need_colon and ":" not in head):
            return None
        if need_colon and (
            head.count("(") > head.count(")") or _ends_a_phrase(words[body].group())
        ):
            # within an article: a line listing names, not a headline ("Present: Mayor Tom
            # Feld (Green Party), councillors …" was cut after "(Green"), nor a bracket's
            # gloss ("The Normans (Norman: Nourmands; French: Normands; …) were …")
            return None
        return words[0].start(), words[body - 1].end(), words[body].start()
    return None


def _ends_a_phrase(word: str) -> bool:
    """A sentence does not open on a word that ends a phrase ("Feld," in "Present: Mayor Tom
    Feld, councillors …"): then the capitalised run is a list of names, not a headline."""
    return word.endswith((",", ";", ")"))


def _is_title_word(word: str) -> bool:
    bare = word.strip("\"'“”‘’()")
    return bool(bare) and (bare[0].isupper() or bare[0].isdigit() or bare.lower() in _SMALL_WORDS)
