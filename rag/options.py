"""The choices a user names on the command line and in RAG_* settings, as enums.

Kept apart from config.py so that the CLI can declare its options without importing pydantic
(`rag --help` stays fast). Does NOT hold defaults (config.py does).
"""

from __future__ import annotations

from enum import StrEnum


class AnswererName(StrEnum):
    """Who writes an answer (`--answerer`, RAG_ANSWERER): quotes picked from the sources (by the
    rules, or by the learned judge when RAG_SENTENCE_JUDGE=learned), or an LLM's sentences, each
    checked against them."""

    EXTRACTIVE = "extractive"
    LLM = "llm"


class ExportFormat(StrEnum):
    """What `--format` prints instead of the terminal view (render/export.py writes each)."""

    MD = "md"
    JSON = "json"
    CSV = "csv"


class BaselineName(StrEnum):
    """The yardstick `rag eval --baseline` also runs (eval/baseline.py)."""

    LANGCHAIN_NAIVE = "langchain-naive"
