"""Check every citation against the source text, and score how well a quote supports a claim.

Does NOT choose what to cite. A citation is verified only when
`article.text[start:end] == quote` character for character.
"""

from __future__ import annotations

import re

import numpy as np

from rag.embedding.model import Embedder
from rag.index.core import Index
from rag.schema import Answer, Citation
from rag.text.tokens import terms

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def verify_citation(citation: Citation, index: Index) -> bool:
    article = index.articles.get(citation.doc_id)
    if article is None or not 0 <= citation.start < citation.end <= len(article.text):
        return False
    return article.text[citation.start : citation.end] == citation.quote


def checked(citation: Citation, index: Index) -> Citation:
    """The citation with `verified` set, and its article's publication date when known."""
    article = index.articles.get(citation.doc_id)
    published = article.published if article else None
    return citation.model_copy(
        update={"verified": verify_citation(citation, index), "published": published}
    )


def verify_answer(answer: Answer, index: Index) -> Answer:
    """Set `verified` on every citation; an answer sentence with no verified citation is not."""
    citations = [checked(c, index) for c in answer.citations]
    related = [checked(c, index) for c in answer.related]
    ok = {c.n for c in citations if c.verified}
    sentences = [
        s.model_copy(update={"verified": s.verified and any(n in ok for n in s.citations)})
        for s in answer.sentences
    ]
    return answer.model_copy(
        update={"citations": citations, "related": related, "sentences": sentences}
    )


# A sentence of an LLM's reply is backed only by a quote that holds at least half of its words:
# with meaning alone (MiniLM cosine), a real server's model (make test-llm, bench/README.md) had
# article titles "verified" by sentences that share a topic and few words. 0.5 is a plain
# majority, not a tuned value; the cases that showed the gap came from eval-set questions, so no
# eval score was optimised with it (it only ever removes "verified" marks).
MIN_WORDS_HELD = 0.5


def numbers_in(text: str) -> set[str]:
    """Digits as written, without thousands separators: "$1,300 and 4.9×" → {"1300", "4.9"}."""
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def support_score(claim: str, quote: str, embedder: Embedder) -> float:
    """0..1: how well `quote` backs `claim`. A number in the claim absent from the quote → 0,
    and so does a claim less than half of whose words the quote holds (MIN_WORDS_HELD)."""
    if not numbers_in(claim) <= numbers_in(quote):
        return 0.0
    claim_terms = terms(claim)
    lexical = len(claim_terms & terms(quote)) / max(len(claim_terms), 1)
    if lexical < MIN_WORDS_HELD:
        return 0.0
    vectors = embedder.embed([claim, quote])
    dense = float(np.dot(vectors[0], vectors[1]))
    return round(0.5 * lexical + 0.5 * max(dense, 0.0), 4)
