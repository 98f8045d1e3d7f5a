"""A model's reply → its sentences, each with the citation markers ([1], [2, 3]) that close it.

"Costs fell 87% [1]. U.S. users agree. [2]" → ["Costs fell 87% [1].", "U.S. users agree. [2]"]:
English sentence ends, less abbreviations and initials. Does NOT check what a sentence claims
(answer/llm.py and answer/citations.py do).
"""

from __future__ import annotations

import re

# The passage numbers a model cites in its reply ("[1]", "[2, 3]"): not an answer's own "[n]"
# (schema.MARKER), which cites one source sentence and is written by the Answer constructors.
_MARKS = r"\[\d+(?:\s*[,;]\s*\d+)*\]"
PASSAGE_MARKER = re.compile(_MARKS)
# A sentence ends at . ! or ? (plus closing quotes and any citation markers) before white space.
_END = re.compile(rf"[.!?]+[\"”’)]*(?:\s*{_MARKS})*(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:[A-Z]|[A-Z]\.[A-Z]|Mr|Mrs|Ms|Dr|St|vs|Inc|Corp|e\.g|i\.e)$"
)
_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+")


def split_sentences(reply: str) -> list[str]:
    """Reply → sentences, markers kept with the sentence they close:
    "Costs fell 87% [1]. U.S. users agree. [2]" → ["Costs fell 87% [1].", "U.S. users agree. [2]"]
    """
    pieces = []
    for raw in reply.splitlines():
        line = _BULLET.sub("", raw.strip())
        start = 0
        for end in _END.finditer(line):
            rest = line[end.end() :].lstrip()
            if _ABBREVIATION.search(line, start, end.start()) or rest[:1].islower():
                continue
            pieces.append(line[start : end.end()].strip())
            start = end.end()
        if line[start:].strip():
            pieces.append(line[start:].strip())
    return pieces
