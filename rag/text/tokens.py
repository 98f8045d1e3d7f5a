"""Words → stemmed terms: the one tokenizer every part of the product uses (BM25, overlap, cues).

bm25s's English stop-words and the Snowball English stemmer (PyStemmer). Does NOT build or
search an index (rag/index/lexical.py does).
"""

from __future__ import annotations

from functools import lru_cache

import bm25s
import Stemmer


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: "Designs chips" → ["design", "chip"]."""
    out = bm25s.tokenize(
        texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False
    )
    return [list(tokens) for tokens in out]


@lru_cache(maxsize=1 << 16)
def terms(text: str) -> frozenset[str]:
    """tokenize() of one short text as a set, kept: a figure's window or a quote recurs with
    every question that reaches its sentence, and each bm25s call has a fixed cost (~0.1 ms)."""
    return frozenset(tokenize([text])[0])


def stems(words: str) -> frozenset[str]:
    """The terms of a list of English words, as tokenize() reads them: written as words, so that
    a list cannot hold a stem the stemmer never produces, or a stop-word tokenize() drops.

    >>> sorted(stems("how many roughly was"))
    ['how', 'mani', 'rough']
    """
    return frozenset(t for word in words.split() for t in tokenize([word])[0])


def same_word(a: str, b: str) -> bool:
    """One word with another ending (words or stems): "customer" and "customers", "companies"
    and "company", "trainium2" and "trainium"; not "custom" and "customers", nor "train" and
    "trainium".

    >>> same_word("company", "companies"), same_word("gpu", "gpus"), same_word("train", "trainium")
    (True, True, False)
    """
    short, long = sorted((a, b), key=len)
    return (
        bool(short)
        and long.startswith(short[:-1] if short.endswith("y") else short)
        and len(long) - len(short) <= 2
    )
