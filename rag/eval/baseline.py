"""The textbook LangChain RAG, as the yardstick for `rag eval --baseline langchain-naive`.

RecursiveCharacterTextSplitter(1000, 200) over each indexed article, dense-only top-4 by inner
product with the same embedding model, and the top chunk, verbatim, as the answer (cited at the
splitter's start index). It never abstains. Does NOT use langchain-community, nor our chunker,
retriever or answerer: only the index's article texts and the engine's embedder are shared.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from rag.answer.citations import verify_answer
from rag.embedding.model import Embedder
from rag.engine import Engine
from rag.index.core import Index
from rag.schema import Answer, AnswerSentence, Citation, Span


def split_articles(index: Index, chunk_size: int = 1000, chunk_overlap: int = 200) -> list[Span]:
    """Every article cut by LangChain's splitter; offsets from `add_start_index=True`."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    spans = []
    for doc_id, article in sorted(index.articles.items()):
        for doc in splitter.create_documents([article.text]):
            start = int(doc.metadata["start_index"])
            spans.append(
                Span(
                    doc_id=doc_id,
                    start=start,
                    end=start + len(doc.page_content),
                    text=doc.page_content,
                )
            )
    return spans


class NaiveRag:
    """Question → (the top chunk as the answer, the top-k chunks retrieved)."""

    def __init__(self, index: Index, embedder: Embedder, k: int = 4) -> None:
        self.index = index
        self.embedder = embedder
        self.k = k
        self.spans = split_articles(index)
        self.vectors = embedder.embed([s.text for s in self.spans])

    def __call__(self, question: str) -> tuple[Answer, list[Span]]:
        started = time.perf_counter()
        # Embedded afresh (not from our retriever's cache) so its latency is honest.
        scores = self.vectors @ self.embedder.embed([question])[0]
        top = [int(i) for i in np.argsort(-scores)[: self.k]]
        passages = [self.spans[i] for i in top]
        answer = verify_answer(
            self._answer(question, passages[0], float(scores[top[0]])), self.index
        )
        total = round((time.perf_counter() - started) * 1000, 2)
        return answer.model_copy(update={"timings": {"total_ms": total}}), passages

    def _answer(self, question: str, top: Span, score: float) -> Answer:
        citation = Citation(
            n=1,
            doc_id=top.doc_id,
            title=self.index.articles[top.doc_id].title,
            quote=top.text,
            start=top.start,
            end=top.end,
            score=round(score, 4),
        )
        return Answer(
            question=question,
            text=top.text,
            abstained=False,
            citations=[citation],
            sentences=[AnswerSentence(text=top.text, citations=[1])],
        )


def langchain_naive(engine: Engine) -> NaiveRag:
    return NaiveRag(engine.index, engine.embedder)


BASELINES: dict[str, Callable[[Engine], NaiveRag]] = {"langchain-naive": langchain_naive}
