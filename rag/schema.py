"""Pydantic models that cross module boundaries, from raw article to cited answer.

Offsets are always character offsets into the article's raw text, so that
`article.text[x.start:x.end] == x.text` (or `.quote`) holds for every span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from rag.text.dates import DatePrecision, date_range
from rag.text.figures import Figure
from rag.text.short_answers import ShortAnswer


class Span(BaseModel):
    """A stretch of one article's raw text."""

    doc_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


# The mark a title made of a document's first words ends with (corpus/reader.derive_title): a
# web snippet or a paragraph with no headline of its own.
UNTITLED = "…"


class Article(BaseModel):
    doc_id: str
    title: str
    author: str | None = None
    path: Path
    text: str
    sha256: str
    body_start: int = Field(0, ge=0, description="where the text after a fused headline begins")
    text_start: int = Field(
        default=0,
        ge=0,
        description="where the text begins after a front matter block (chunked from here)",
    )
    published: str | None = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD; None = unknown"
    )
    publisher: str | None = None

    @field_validator("published")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            date_range(value)
        return value

    @property
    def has_title(self) -> bool:
        """A headline of its own (front matter, metadata, a first line), not its first words cut."""
        return not self.title.endswith(UNTITLED)


class SkippedFile(BaseModel):
    path: Path
    reason: str


class CorpusLoad(BaseModel):
    articles: list[Article]
    skipped: list[SkippedFile] = []


class Sentence(Span):
    idx: int = Field(ge=0, description="position within its article")
    heading: bool = False


class Chunk(Span):
    idx: int = Field(ge=0, description="position within its article")
    first_sentence: int = Field(ge=0)
    last_sentence: int = Field(ge=0)

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}#{self.idx}"


class Hit(BaseModel):
    """One retrieved chunk with the scores that ranked it (ranks are 1-based, None = not found)."""

    chunk: Chunk
    title: str
    rank: int = Field(ge=1)
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    bm25_score: float | None = None
    bm25_rank: int | None = None


class Citation(BaseModel):
    n: int = Field(ge=1)
    doc_id: str
    title: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float
    verified: bool = False
    context: str = Field(
        default="",
        description="the sentence before, verbatim, when the quote refers back to it "
        "(“The pharmaceutical giant …” after “Pfizer adopted Claude …”); or the section "
        "heading that dates it (“Added Windows support.” under “3.1.0 — 2024-06-18”)",
    )
    published: str | None = Field(
        default=None, description="the article's publication date, if known"
    )


# How an answer marks what it cites ("… $4 billion [1][2]"), and finds those marks again.
MARKER = re.compile(r"\s*\[(\d+)\]")
UNVERIFIED = "(unverified)"  # after an LLM sentence no source sentence backs


def marker(n: int) -> str:
    return f"[{n}]"


class AnswerSentence(BaseModel):
    """One sentence of the answer text and the citation numbers that back it."""

    text: str
    citations: list[int] = []
    verified: bool = True
    support: float = 1.0

    def written(self) -> str:
        """As the answer's text shows it: "Costs fell 87%. [1][2]", "(unverified)" when nothing
        backs it."""
        marks = "".join(marker(n) for n in self.citations)
        return " ".join(filter(None, [self.text, marks, "" if self.verified else UNVERIFIED]))


AnswererUsed = Literal["extractive", "llm", "llm-fallback"]


class Filters(BaseModel):
    """Which articles a question searches: by id or title, and by publication date.

    `since`/`until` take partial dates ("2024", "2024-11"); an article of unknown date is left
    out whenever either is given. Empty = every article.
    """

    sources: list[str] = []
    since: str | None = None
    until: str | None = None

    @field_validator("since", "until")
    @classmethod
    def _valid_date(cls, value: str | None) -> str | None:
        if value is not None:
            date_range(value)
        return value

    def is_empty(self) -> bool:
        return not self.sources and self.since is None and self.until is None


class AnswerGroup(BaseModel):
    """Sources giving the same short answer: its normalized key, the wording shown, and who says
    it ("mahesh bhatt", "Mahesh Bhatt", [doc_ids], [the statements' citations])."""

    key: str
    answer: str
    doc_ids: list[str] = []
    citations: list[Citation] = []


class Answer(BaseModel):
    question: str
    text: str
    abstained: bool
    reason: str = ""
    citations: list[Citation] = []
    related: list[Citation] = Field(default=[], description="closest passages when abstaining")
    sentences: list[AnswerSentence] = []
    answerer: AnswererUsed = "extractive"
    sources_differ: bool = False
    short_answers: list[AnswerGroup] = Field(
        default=[],
        description="the short answer of each source the answer quotes (learned judge only), "
        "with who gives it and the citations, most-given first; none is hidden",
    )
    answer_summary: str = Field(
        default="", description='"3 sources say Mahesh Bhatt; 2 say Raj Kapoor" ("": none)'
    )
    understood_as: str = Field(
        default="", description='the standalone question a follow-up was rewritten to ("": none)'
    )
    unmentioned: list[str] = Field(
        default=[],
        description='names the question asks about that no source mentions ("Krakow" in a '
        "collection about Warsaw, a misspelt name): the answer, if any, is about something else",
    )
    filters: Filters | None = Field(
        default=None, description="the filters the question was asked with"
    )
    timings: dict[str, float] = {}

    # The one way an answer's text, sentences and citations are put together, so that they
    # always agree: every [n] in the text is citations[n - 1], numbered 1..m in order.
    @classmethod
    def from_sentences(
        cls,
        question: str,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        lead: str = "",
        **fields: Any,
    ) -> Answer:
        """An answer of these sentences (each with the numbers of the citations behind it)."""
        text = lead + " ".join(s.written() for s in sentences)
        return cls(
            question=question,
            text=text,
            abstained=False,
            sentences=list(sentences),
            citations=list(citations),
            **fields,
        )

    @classmethod
    def from_quotes(
        cls, question: str, citations: Sequence[Citation], lead: str = "", **fields: Any
    ) -> Answer:
        """An answer that quotes each citation verbatim, in order, numbered from 1.

        >>> c = Citation(n=7, doc_id="a", title="A", quote="It rained.", start=0, end=10, score=1)
        >>> Answer.from_quotes("Did it rain?", [c, c.model_copy(update={"doc_id": "b"})]).text
        'It rained. [1] It rained. [2]'
        """
        numbered, sentences = _quoted(citations, first=1)
        return cls.from_sentences(question, sentences, numbered, lead, **fields)

    def quoting_also(self, citations: Sequence[Citation]) -> Answer:
        """This answer with more quotes after its own, numbered on from its last citation."""
        added, sentences = _quoted(citations, first=len(self.citations) + 1)
        text = " ".join([self.text, *(s.written() for s in sentences)])
        return self.model_copy(
            update={
                "text": text,
                "citations": [*self.citations, *added],
                "sentences": [*self.sentences, *sentences],
            }
        )


def _quoted(
    citations: Sequence[Citation], first: int
) -> tuple[list[Citation], list[AnswerSentence]]:
    """The citations numbered from `first`, and a sentence quoting each."""
    numbered = [c.model_copy(update={"n": n}) for n, c in enumerate(citations, start=first)]
    return numbered, [AnswerSentence(text=c.quote, citations=[c.n]) for c in numbered]


class Statement(BaseModel):
    citation: Citation
    figures: list[Figure] = []
    short_answer: ShortAnswer | None = None


class SourceView(BaseModel):
    doc_id: str
    title: str
    addresses: bool
    statements: list[Statement] = []


class Disagreement(BaseModel):
    kind: str
    subject: str
    claims: list[Statement]
    summary: str


class Comparison(BaseModel):
    question: str
    sources: list[SourceView]
    disagreements: list[Disagreement] = []
    answer_groups: list[AnswerGroup] = []
    notes: list[str] = Field(
        default=[],
        description="what the reader should know, said in words: names of the question no "
        "source mentions; what looks like a disagreement and is not (sources that answer in "
        "the same words about different subjects)",
    )
    unmentioned: list[str] = Field(
        default=[], description="names the question asks about that no source mentions"
    )
    filters: Filters | None = None
    timings: dict[str, float] = {}


class DatedClaim(BaseModel):
    """One dated statement on a topic: when (as written and normalised), what, from where."""

    date_text: str = Field(description='the date as the source writes it: "September 2024"')
    precision: DatePrecision
    start: str | None = Field(
        default=None, description="ISO first day the date covers; None = relative, unresolved"
    )
    end: str | None = Field(default=None, description="ISO last day the date covers")
    resolved: bool = Field(
        default=False, description="a relative date placed by the article's publication date"
    )
    what: str = Field(description="what happened: the sentence, verbatim")
    figures: list[Figure] = []
    citation: Citation


class Timeline(BaseModel):
    """Every dated statement on a topic across sources, in date order (relative ones last)."""

    topic: str
    claims: list[DatedClaim] = []
    disagreements: list[Disagreement] = []
    filters: Filters | None = None
    timings: dict[str, float] = {}
