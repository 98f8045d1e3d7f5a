"""Whom a sentence refers back to: "The pharmaceutical giant reported 30% faster literature
review cycles" is about the Pfizer named in the sentence before it. Pure regexes, no model.

Does NOT know sentences or documents, and does NOT score anything: the index adds the names carried
over to the sentence's terms.
"""

from __future__ import annotations

import re

from rag.text.names import CAPITALISED

# A sentence that opens on a pronoun or on "the/this <up to two words> <kind of actor or thing>".
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:The|This|That|These|Those|Such)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:company|companies|firm|giant|group|startup|lab|maker|provider|retailer|bank|insurer|"
    r"agency|organi[sz]ation|business|partner|partnership|deal|agreement|investment|system|"
    r"platform|service|tool|model|chip|customer|client)s?"
    r"|It|Its|They|Their|He|She|His|Her)\b"
)


def refers_back(text: str) -> bool:
    """ "The pharmaceutical giant reported …" → True; "Pfizer adopted Claude …" → False."""
    return bool(_REFERS_BACK.match(text))


def carried_names(text: str, previous: str, between: str) -> str:
    """The capitalised words of the sentence before (`previous`), when `text` refers back to it
    and no line break (`between` is what separates them) starts a new paragraph; "" otherwise."""
    if "\n" in between or not refers_back(text):
        return ""
    return " ".join(CAPITALISED.findall(previous))
