"""Article → sentences and sentence-aligned chunks, each with exact character offsets.

Does NOT change the text: a span only narrows (bullets, markdown marks and white space at its
edges fall outside it), so `article.text[s.start:s.end] == s.text` always holds.
"A $5.5 billion deal. U.S. firms agree." → sentences [(0, 20), (21, 38)]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

import pysbd

from rag.schema import Article, Chunk, Sentence
from rag.text.headlines import fused_headline

# Bump when segmentation or chunking changes what spans come out: indexes record it and an
# index made by another version is stale, so `rag ingest` rebuilds instead of reusing it.
CHUNKING_VERSION = 13  # 3: sentences end at CJK full stops and are at most MAX_SENTENCE long;
# 4: a piece cut from inside a heading line is a heading; 5: nor is an emphasised line a bullet;
# 6: no sentence ends inside a path or a URL ("~/.config", "index.php?title="); 7: a table row
# holding a figure is no heading; 8: a Markdown front matter block is no text; 9: the terms the
# lexical files hold keep decimal numbers ("3.2", text/tokens.py); 10: a one-word sentence
# ("Yes.") joins the next; 11: a line of a field list ("Company Name: Brightfield Creamery LLC")
# is a sentence, whole; 12: a sentence opening on "The record", "The study", "The band" … refers
# back to the sentence before, across a single line break too (text/anaphora.py: the names it
# carries are among its terms); 13: no headline is read inside an article where its end would
# fall inside brackets or its body open on a word ending a phrase ("Present: Mayor Tom Feld
# (Green Party), …" was cut after "(Green", text/headlines.py)
_LINE = re.compile(r"[^\n]+")
# Bullets that an export flattened into one line: "... dimensions: - * Google* has ...".
_INLINE_BULLET = re.compile(r"\s[-•]\s+(?=[*\"“A-Z])")
_EDGE_JUNK = " \t\r\f\v•*#-–—>|_"
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]\s+")
_BARE_LIST_NUMBER = re.compile(r"\d{1,2}[.)]")  # pysbd cuts "  1. Item." into "1." and "Item."
_TERMINAL = '.!?:;"”’)'
# A piece with no sentence-ending mark before its closing ones is one sentence: skipping pysbd
# for it (most headings and bullets) saves ~20 % of segmentation time.
_CLOSING = " \t.!?…'\"”’)]"
_ENDS = frozenset(".!?…")
# Chinese and Japanese sentence ends, with the closing marks that follow them: pysbd's English
# rules do not know them, and a paragraph of such text stayed one "sentence".
_CJK_END = re.compile(r"[。！？]+[」』）〉》”’\"]*")
# The longest sentence kept whole (characters). A line with no sentence mark (a table row, a
# transcript, text whose punctuation was lost) was one sentence however long: a 1 MB line was
# quoted whole as an answer, and the embedder reads only its first ~256 word pieces (~1,100
# characters of English). Longer ones are cut at a space, or at the limit where there is none.
# 3 of SQuAD v1.1 dev's 10,336 sentences and none of the seed articles' are longer.
MAX_SENTENCE = 1_000
_SPACES = " \t\u3000"
# A sentence of one word ("Yes.", "No.") joins the sentence after it in the same piece: quoted
# alone it says nothing ("Yes." cited for "How often does it fly to Halden?", under an FAQ's "Do
# you fly to Halden?"), and pysbd cuts abbreviations it does not know the same way ("Vol.",
# "p."). None of the seed articles' 402 sentences, 2 of SQuAD v1.1 dev's 10,327 and 22 of
# RAMDocs' public 6,975 are such.
_ONE_WORD = re.compile(r"[^\W\d_]+[.!]")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(article: Article) -> list[Sentence]:
    """Every sentence of the article, in order, with headings flagged."""
    text = article.text
    spans = [
        span
        for piece in _pieces(article)
        for segment in _segment(text, *piece)
        for span in _bounded(text, *segment)
    ]
    sentences: list[Sentence] = []
    for start, end in spans:
        start, end = _trim(article.text, start, end)
        if end - start >= 2 and not _BARE_LIST_NUMBER.fullmatch(article.text, start, end):
            text = article.text[start:end]
            heading = _is_heading(article.text, start, end)
            sentences.append(
                Sentence(
                    doc_id=article.doc_id,
                    idx=len(sentences),
                    start=start,
                    end=end,
                    text=text,
                    heading=heading,
                )
            )
    return sentences


def make_chunks(
    article: Article, sentences: list[Sentence], size: int, overlap: int
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `size` characters (one long sentence may exceed
    it); neighbouring chunks share `overlap` sentences."""
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = first
        while (
            last + 1 < len(sentences) and sentences[last + 1].end - sentences[first].start <= size
        ):
            last += 1
        start, end = sentences[first].start, sentences[last].end
        chunks.append(
            Chunk(
                doc_id=article.doc_id,
                idx=len(chunks),
                start=start,
                end=end,
                text=article.text[start:end],
                first_sentence=first,
                last_sentence=last,
            )
        )
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return chunks


def _pieces(article: Article) -> Iterator[tuple[int, int]]:
    """Lines after the front matter, further cut at inline bullets and after a headline fused
    into the line's start."""
    for line in _LINE.finditer(article.text, article.text_start):
        bounds = [line.start(), *_inline_cuts(line), line.end()]
        at_top = line.start() <= article.text_start
        field = _in_field_list(article.text, line.start())
        headline = None if field else fused_headline(article.text, line.start(), not at_top)
        if headline and headline[2] < line.end():
            bounds.append(headline[2])
        bounds.sort()
        yield from ((a, b) for a, b in itertools.pairwise(bounds) if b > a)


def _inline_cuts(line: re.Match[str]) -> list[int]:
    return [line.start() + m.start() for m in _INLINE_BULLET.finditer(line.group())]


# Where pysbd ends a sentence with no space after it and the next goes on in lower case, a digit
# or a path's characters, the text was a path or a URL ("Tidewater reads ~/." + "config/…", "…
# index.php?" + "title=…"): one sentence. A CJK full stop is followed by no space by rule. On
# the seed articles, SQuAD and RAMDocs, 8 such ends, all inside a URL or a domain name.
_NO_END_BEFORE = re.compile(r"[a-z0-9/_~`=]")
_CJK_STOPS = "。！？"


def _segment(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """pysbd's sentences located back in the raw text, those it ended inside a path or a URL
    joined again, and a one-word sentence joined to the next (_ONE_WORD)."""
    spans: list[tuple[int, int]] = []
    for first, last in _pysbd_spans(text, start, end):
        glued = spans and spans[-1][1] == first and text[first - 1] not in _CJK_STOPS
        if (glued and _NO_END_BEFORE.match(text, first)) or (
            spans and _ONE_WORD.fullmatch(text, *spans[-1])
        ):
            spans[-1] = (spans[-1][0], last)
        else:
            spans.append((first, last))
    yield from spans


def _pysbd_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """pysbd's sentences located back in the raw text (pysbd may alter white space)."""
    piece = text[start:end]
    if not piece.strip():
        return
    if _one_sentence(piece):
        yield start, end
        return
    cursor = 0
    # pysbd's own rules (its Processor), without `segment`'s last step: that one locates each
    # sentence in the text by compiling a regex of the sentence itself and scanning the whole
    # text with it, which we do below with `find`. Same sentences on 2.7M characters (seed,
    # SQuAD, RAMDocs), in 0.58 of the time.
    for sent in _segmenter().processor(piece).process():
        core = sent.strip()
        found = piece.find(core, cursor) if core else -1
        if found < 0:
            continue
        yield start + found, start + found + len(core)
        cursor = found + len(core)
    if piece[cursor:].strip():
        yield start + cursor, end


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """A segment cut after each CJK full stop, then into pieces of at most MAX_SENTENCE
    characters: at the last space before the limit, or at the limit when the piece's second
    half has no space (text written without spaces)."""
    cuts = [m.end() for m in _CJK_END.finditer(text, start, end) if m.end() < end]
    for first, last in itertools.pairwise([start, *cuts, end]):
        while last - first > MAX_SENTENCE:
            limit = first + MAX_SENTENCE
            space = max(text.rfind(c, first + MAX_SENTENCE // 2, limit) for c in _SPACES)
            cut = space + 1 if space >= 0 else limit
            yield first, cut
            first = cut
        yield first, last


def _one_sentence(piece: str) -> bool:
    return _ENDS.isdisjoint(piece.rstrip(_CLOSING))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    number = _LIST_NUMBER.match(text, start, end)
    if number and end - number.end() > 3:
        start = number.end()
    while end > start and text[end - 1] in " \t\r\f\v*#|_":
        end -= 1
    return start, end


def _is_heading(text: str, start: int, end: int) -> bool:
    """A short line of its own with no closing punctuation, or a question standing as a title.
    A piece cut from inside such a line is part of it: "Council outlines plan - Riverton Herald"
    is cut at " - " (an inline bullet's mark), and "Riverton Herald" alone read as a statement
    (the answer to "Who is the mayor of Riverton?")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[:line_start].strip() and _DATA_ROW.search(text, line_start, line_end):
        return False  # (not the first line: that is the article's title)
    if _in_field_list(text, line_start):
        return False
    at_line_start = not text[line_start:start].strip(" \t•*#-0123456789.")
    if not at_line_start:
        line = text[line_start:line_end].strip()
        return _short_line(line) and not line.startswith(("-", "•", "*"))
    body = text[start:end]
    # A markdown "## " marks a heading, not a bullet; nor does emphasis ("*By Ann Lee, May 2*").
    mark = text[line_start:start].strip(" \t#")
    bulleted = mark != "" and not (set(mark) <= {"*", "_"} and text[start - 1] in "*_")
    return body.endswith("?") or (not bulleted and _short_line(body))


# A table row that holds a figure, short cells set apart by " | " (how HTML and Markdown tables
# read): "Q3 2024 | $378 million | 21%" is data, not a heading; the header row ("Quarter |
# Revenue | Margin") stays one, and so does a web page's title on its first line ("Lake Mills,
# Iowa Population History | 1990 - 2022 US » …").
_CELL = r"[^|\n]{1,40}"  # a short cell: a page title's tail ("… | Military Wiki | Fandom Start
# a Wiki Sign In …") is no row
_DATA_ROW = re.compile(rf"^\|?\s*(?=[^\n]*\d){_CELL}(?: \| {_CELL})+\s*\|?\s*$", re.M)


# A line of a field list, "Label: value" among lines like it, as notices, forms, profiles and
# e-mail headers have ("Company Announcement Date: March 14, 2026" / "Product Type: Dairy" /
# "Company Name: Brightfield Creamery LLC"), states its value: a sentence, whole. Read as short
# lines with no closing mark they were headings, so "When was the recall announced?" could not
# quote the date, and "Reason for Announcement: Potential Listeria contamination" was cut as a
# fused headline before "Listeria". A heading may have a colon too, and two run together
# ("The Competitive Landscape: Comparing Hyperscaler AI Strategies" over "Microsoft's OpenAI
# Integration: Developer-First Approach", in a seed article): it takes FIELD_LIST_LINES such
# lines in a row to make a list. The label is a capitalised run of at most FIELD_LABEL_WORDS
# words (forms' labels have 1-4: "Birthplace", "Signed from", "Company Announcement Date"); a
# bulleted line is no field (bullets already are sentences: "• Custom Silicon Access: …").
# Set by hand on my own recall notice and a regulator's notice; on the seed articles no line is
# such, on RAMDocs' public half 13 lines of one document (a footballer's profile).
FIELD_LIST_LINES = 3
FIELD_LABEL_WORDS = 5
_FIELD = re.compile(r"[ \t]*(?:\*\*)?([A-Z][^:\n]{0,40}):(?:\*\*)?[ \t]+\S[^\n]*")


def _in_field_list(text: str, line_start: int) -> bool:
    r"""Is the line starting at `line_start` one of FIELD_LIST_LINES fields in a row?

    >>> notice = "Recall\nType: Dairy\nCompany Name: Brightfield LLC\nBrand: Valley Fresh\n"
    >>> _in_field_list(notice, 7), _in_field_list(notice, 0)
    (True, False)
    >>> _in_field_list("Intro.\nModel Commoditization: The Narrowing Moat\nText.", 7)
    False
    """
    return line_start in _field_list_lines(text)


@lru_cache(maxsize=1)  # split_sentences asks of each line and of each sentence of one article
def _field_list_lines(text: str) -> frozenset[int]:
    """Where the lines in field lists start: runs of FIELD_LIST_LINES or more fields, read in
    one pass over the text."""
    found: set[int] = set()
    run: list[int] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if _is_field(text, start, end):
            run.append(start)
        else:
            found.update(run if len(run) >= FIELD_LIST_LINES else ())
            run = []
        start = end + 1
    found.update(run if len(run) >= FIELD_LIST_LINES else ())
    return frozenset(found)


def _is_field(text: str, start: int, end: int) -> bool:
    found = _FIELD.fullmatch(text, start, end)
    return found is not None and len(found.group(1).split()) <= FIELD_LABEL_WORDS


def _short_line(body: str) -> bool:
    return body[-1] not in _TERMINAL and len(body.split()) <= 14
