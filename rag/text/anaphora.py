"""Whom a sentence refers back to: "The pharmaceutical giant reported 30% faster literature
review cycles" is about the Pfizer named in the sentence before it. Pure regexes, no model.

Does NOT know sentences or documents, and does NOT score anything: the index adds the names carried
over to the sentence's terms.
"""

from __future__ import annotations

import re

from rag.text.names import CAPITALISED

# A sentence that opens on a pronoun or on "the/this <up to two words> <kind of actor or thing>":
# a company and its deals, a work ("The record was produced by …" after the album's release), a
# study or a law, a body ("The band will tour …"). Nouns of what news and reference articles name
# and then refer back to, not fitted; places are left out ("The city …" often opens a new topic).
_REFERS_BACK = re.compile(
    r"^\W*(?:(?:The|This|That|These|Those|Such)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:company|companies|firm|giant|group|startup|lab|maker|provider|retailer|bank|insurer|"
    r"agency|organi[sz]ation|business|partner|partnership|deal|agreement|investment|system|"
    r"platform|service|tool|model|chip|customer|client|"
    r"record|album|single|song|film|movie|book|novel|series|show|episode|game|"
    r"report|study|trial|survey|paper|product|drug|device|vehicle|"
    r"project|programme|program|plan|law|act|bill|treaty|policy|"
    r"band|team|club|party|government|council|court|university|school|hospital|museum)s?"
    r"|It|Its|They|Their|He|She|His|Her)\b"
)


# A blank line starts a new paragraph. A single line break does not: news and plain-text
# exports put each paragraph of one or two sentences on its own line, and "The record was
# produced by …" on the line after the album's release still refers back to it. Carrying across
# single line breaks changed nothing on the seed articles, SQuAD or RAMDocs (bench/README.md,
# "Works, studies and bodies referred back to").
_NEW_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def refers_back(text: str) -> bool:
    """ "The pharmaceutical giant reported …" → True; "Pfizer adopted Claude …" → False."""
    return bool(_REFERS_BACK.match(text))


def carried_names(text: str, previous: str, between: str) -> str:
    """The capitalised words of the sentence before (`previous`), when `text` refers back to it
    and no blank line (`between` is what separates them) starts a new paragraph; "" otherwise."""
    if _NEW_PARAGRAPH.search(between) or not refers_back(text):
        return ""
    return " ".join(CAPITALISED.findall(previous))
