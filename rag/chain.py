"""The LangChain composition: question → retriever → answerer → source check → verifier → Answer.

`ask(question, settings)` is the one entry point the CLI, the UI and the evals use. Also holds
the `BaseRetriever` adapter for LangChain users. Does NOT score or persist anything itself.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict

from rag.answer.answerer import answerer_for
from rag.answer.citations import verify_answer
from rag.answer.comparison import reconcile
from rag.answer.followup import rewrite
from rag.config import Settings
from rag.engine import Engine, load_engine
from rag.filters import select_documents
from rag.retrieval import Retriever
from rag.schema import Answer, Filters, Hit
from rag.text.names import asked_figures, asked_lettered, asked_names
from rag.validation import clean_question


class HybridRetriever(BaseRetriever):
    """Our hybrid retriever as a LangChain retriever: Documents carry offsets and scores."""

    retriever: Retriever
    k: int = 5
    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(hit) for hit in self.retriever.search(query, self.k)]


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    meta = {
        "doc_id": c.doc_id,
        "title": hit.title,
        "start": c.start,
        "end": c.end,
        "chunk_id": c.chunk_id,
        "rank": hit.rank,
        "score": hit.score,
        "dense_score": hit.dense_score,
        "bm25_score": hit.bm25_score,
    }
    return Document(page_content=c.text, metadata=meta, id=c.chunk_id)


class Turn(BaseModel):
    """State carried through the chain."""

    question: str
    docs: frozenset[str] | None = None  # the documents the filters admit; None = all
    hits: list[Hit] = []  # the top k, what the answer is drawn from
    nearby: list[Hit] = []  # every candidate found (hits first), for the source check
    answer: Answer | None = None
    timings: dict[str, float] = {}


def _timed(name: str, step: Any) -> RunnableLambda:
    def run(turn: Turn) -> Turn:
        started = time.perf_counter()
        out: Turn = step(turn)
        out.timings[name] = round((time.perf_counter() - started) * 1000, 2)
        return out

    return RunnableLambda(run, name=name)


def build_chain(engine: Engine, k: int | None = None) -> Runnable[Turn, Turn]:
    settings = engine.settings

    def retrieve(turn: Turn) -> Turn:
        top = k or settings.k
        n = max(settings.candidates, top)
        turn.nearby = engine.retriever.search(turn.question, n, docs=turn.docs)
        turn.hits = turn.nearby[:top]
        return turn

    def answer(turn: Turn) -> Turn:
        turn.answer = answerer_for(engine)(turn.question, turn.hits, engine)
        return turn

    def reconcile_sources(turn: Turn) -> Turn:
        assert turn.answer is not None
        turn.answer = reconcile(turn.answer, turn.nearby, engine)
        return turn

    def verify(turn: Turn) -> Turn:
        assert turn.answer is not None
        turn.answer = verify_answer(turn.answer, engine.index)
        return turn

    return (
        _timed("retrieve_ms", retrieve)
        | _timed("answer_ms", answer)
        | _timed("compare_ms", reconcile_sources)
        | _timed("verify_ms", verify)
    )


def ask(
    question: str,
    settings: Settings,
    engine: Engine | None = None,
    k: int | None = None,
    history: Sequence[Answer] = (),
    filters: Filters | None = None,
) -> Answer:
    """Answer `question` from the index, every sentence cited and every citation verified.

    `history`: the conversation's earlier answers, oldest first; a follow-up ("And Google?") is
    answered as the standalone question it stands for, given in `Answer.understood_as`.
    `filters`: only these sources / dates are searched (FilterError when none match).
    """
    started = time.perf_counter()
    text = clean_question(question, settings.max_question_chars)
    engine = engine or load_engine(settings)
    docs = select_documents(engine.index.articles, filters)
    standalone = rewrite(text, history)
    turn = build_chain(engine, k).invoke(Turn(question=standalone or text, docs=docs))
    assert turn.answer is not None
    timings = {**turn.timings, "total_ms": round((time.perf_counter() - started) * 1000, 2)}
    update: dict[str, Any] = {"question": question, "understood_as": standalone, "timings": timings}
    asked = standalone or text
    named = asked_names(asked) + asked_figures(asked) + asked_lettered(asked)
    update["unmentioned"] = engine.retriever.unmentioned(named)
    if filters is not None and not filters.is_empty():
        update["filters"] = filters
    return turn.answer.model_copy(update=update)
