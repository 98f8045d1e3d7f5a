"""Short answers to questions asking for a class of thing: the phrase of a sentence whose meaning
is nearest the asked class. "What sport is China Clipper associated with?" in "China Clipper, a
legendary figure in Chinese sports history, is most famously associated with basketball." →
"basketball", by the embedding model's similarity of each phrase to "sport", not a list of
sports.

The class and the phrases are read in text/classes.py. Does NOT choose the sentence.
"""

from __future__ import annotations

import numpy as np

from rag.embedding.model import Embedder, Vectors
from rag.text.classes import asked_class, named_instance, phrases
from rag.text.short_answers import ShortAnswer

# The least cosine similarity (all-MiniLM-L6-v2) between a phrase and the asked class for the
# phrase to name a thing of that class; under it the rules' span stands. Chosen on RAMDocs'
# public half (allowlisted): see bench/README.md, "Answers naming a class of thing".
MIN_SIMILARITY = 0.5
_CACHE_SIZE = 1 << 17
_vectors: dict[tuple[str, str], np.ndarray] = {}


def class_answer(
    question: str, sentence: str, offset: int, embedder: Embedder
) -> ShortAnswer | None:
    """The phrase of `sentence` nearest in meaning to the class `question` asks for, if near
    enough (MIN_SIMILARITY); offsets shifted by `offset`. None when the question asks no class
    or no phrase is near it."""
    wanted = asked_class(question)
    if wanted is None:
        return None
    named = named_instance(question, sentence)  # "Koltsevaya line": named with the class's noun
    if named is not None:
        return ShortAnswer(
            text=sentence[slice(*named)], start=offset + named[0], end=offset + named[1]
        )
    spans = phrases(question, sentence)
    if not spans:
        return None
    texts = [sentence[a:b] for a, b in spans]
    found = _embedded(embedder, [wanted, *texts])
    similarity = found[1:] @ found[0]
    best = int(np.argmax(similarity))
    if similarity[best] < MIN_SIMILARITY:
        return None
    # The most similar phrase, not the nearest to the question's names: on RAMDocs' public half
    # (allowlisted) the nearest of those over the bar gave 178 documents right against 185
    # (bench/README.md), though a list of several people's ("Maren Oduya (vocals, harp), Tomás
    # Ibáñez (guitar)") then answers "What instrument does Maren Oduya play?" with "guitar".
    start, end = spans[best]
    return ShortAnswer(text=texts[best], start=offset + start, end=offset + end)


def _embedded(embedder: Embedder, texts: list[str]) -> Vectors:
    """The texts' vectors, each phrase embedded once per process: sources repeat sentences, and
    a sentence's phrases recur across questions."""
    missing = list(dict.fromkeys(t for t in texts if (embedder.name, t) not in _vectors))
    if missing:
        if len(_vectors) > _CACHE_SIZE:
            _vectors.clear()
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            _vectors[embedder.name, text] = vector
    return np.stack([_vectors[embedder.name, t] for t in texts])
