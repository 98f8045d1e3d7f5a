"""The one interface every answerer implements, and which one answers a question.

An answerer turns a question and its retrieved hits into an Answer; whatever else it reads
(retriever, settings, the judge, a chat model) comes from the engine. Does NOT retrieve, check
other sources or verify citations (chain.py runs those around it).
"""

from __future__ import annotations

from typing import Protocol

from rag.answer.extractive import extractive_answer
from rag.answer.judged import judged_answer
from rag.engine import Engine
from rag.options import AnswererName
from rag.schema import Answer, Hit


class Answerer(Protocol):
    def __call__(self, question: str, hits: list[Hit], engine: Engine) -> Answer: ...


def answerer_for(engine: Engine) -> Answerer:
    """RAG_ANSWERER's answerer; the extractive one reads sentences with the learned judge when
    the engine has one (RAG_SENTENCE_JUDGE=learned), with the rules otherwise."""
    if engine.settings.answerer == AnswererName.LLM:
        from rag.answer.llm import llm_answer  # LangChain's chat models: only when asked for

        return llm_answer
    return judged_answer if engine.judge is not None else extractive_answer
