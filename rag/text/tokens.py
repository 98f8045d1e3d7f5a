"""Words → stemmed terms: the one tokenizer every part of the product uses (BM25, overlap, cues).

Accents on Latin letters are dropped first ("Kraków" and "Krakow" are one term: people type
names without them), Chinese, Japanese and Korean runs become overlapping character pairs
(they are written without spaces between words), then bm25s's English stop-words and the
Snowball English stemmer (PyStemmer). Does NOT build or search an index (rag/index/lexical.py
does).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import bm25s
import Stemmer


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def _latin_base_letters() -> dict[int, str]:
    """Each precomposed Latin letter whose canonical decomposition is an ASCII letter and
    accents ("é" → "e", "Ł" has none and stays), over the Latin blocks (U+00C0–U+024F,
    U+1E00–U+1EFF). Other scripts are left as they are: a Japanese kana's voicing mark or a
    Cyrillic breve changes the letter, not how it is typed."""
    table = {}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        parts = unicodedata.normalize("NFD", chr(code))
        base, marks = parts[0], parts[1:]
        if base.isascii() and base.isalpha() and marks and all(map(unicodedata.combining, marks)):
            table[code] = base
    return table


_FOLD = str.maketrans(_latin_base_letters())


def fold_accents(text: str) -> str:
    """Latin letters without their accents, whether the text writes them precomposed or as a
    letter and combining marks.

    >>> fold_accents("Kraków, São Paulo, Zürich, Łódź")
    'Krakow, Sao Paulo, Zurich, Łodz'
    """
    return text if text.isascii() else unicodedata.normalize("NFC", text).translate(_FOLD)


# Han, kana and Hangul: scripts written without spaces between words (Korean puts particles on
# its words), so a run of them was one token and a question matched it only word for word.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def cjk_bigrams(text: str) -> str:
    """Each run of CJK characters as its overlapping character pairs, the usual way to index
    such text without a dictionary (Lucene's CJK analyzer does the same); a lone character
    is left as it is, and the tokenizer, which keeps words of two characters or more, drops it.

    >>> cjk_bigrams("北京是中国的首都, Claude是")
    ' 北京 京是 是中 中国 国的 的首 首都 , Claude 是 '
    """
    if text.isascii():
        return text
    return _CJK_RUN.sub(lambda m: " " + _pairs(m.group()) + " ", text)


def _pairs(run: str) -> str:
    return " ".join(run[i : i + 2] for i in range(len(run) - 1)) if len(run) > 1 else run


# A word of two characters or more (bm25s's own pattern), or a number with a decimal part: a
# version, a section or a figure ("3.2", "4.2.1", "1.5"), which the word pattern cut into
# one-digit pieces and dropped, so "Tessera 3.2" and "Tessera 3.1" were the same terms.
_TOKEN = r"(?u)\b\d+(?:\.\d+)+\b|\b\w\w+\b"
_BM25S_TOKEN = r"(?u)\b\w\w+\b"


def tokenize(texts: list[str], fold: bool = True) -> list[list[str]]:
    """Lower-cased, stop-word-free, stemmed tokens: "Designs chips" → ["design", "chip"];
    "Kraków" → ["krakow"]; "中国的首都" → ["中国", "国的", "的首", "首都"]; "version 3.2" →
    ["version", "3.2"]. `fold=False` keeps accents, CJK runs and decimal numbers whole as
    bm25s cuts them (the judge's training data was selected so, rag/judge/data.py)."""
    out = bm25s.tokenize(
        [cjk_bigrams(fold_accents(t)) for t in texts] if fold else texts,
        token_pattern=_TOKEN if fold else _BM25S_TOKEN,
        stopwords="en",
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
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


def stem_match(word: str, wanted: Iterable[str]) -> bool:
    """ "directed" ~ "directors", "born" ~ "born": five letters in common from the start; "died"
    ~ "die": one word with another ending.

    >>> stem_match("directed", {"directors"}), stem_match("died", {"die"})
    (True, True)
    >>> stem_match("dire", {"die"})
    False
    """
    return any(
        word == w or (len(w) >= 5 and word[:5] == w[:5]) or same_word(word, w) for w in wanted
    )
