"""The loaded, shared resources a query needs: index, embedder, retriever.

Loaded lazily, once per process and settings, then read-only, so the CLI, the UI threads and
the eval harness share one copy. Does NOT answer anything itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.config import Settings
from rag.embedding.device import resolve
from rag.embedding.model import Embedder, make_embedder
from rag.index.core import Index
from rag.judge.scorer import MODEL_DIR, Backend, Judge
from rag.retrieval import Retriever
from rag.store.faiss_folder import open_store

if TYPE_CHECKING:  # LangChain lives in chain.py and the LLM plug-in, not here.
    from langchain_core.language_models import BaseChatModel

_cache: dict[str, Engine] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Engine:
    settings: Settings
    index: Index
    embedder: Embedder
    retriever: Retriever
    chat_model: BaseChatModel | None = None  # for the LLM answerer; None = built from Settings
    judge: Judge | None = None  # None: the rules decide (Settings.sentence_judge == "rules")


def load_engine(settings: Settings, embedder: Embedder | None = None) -> Engine:
    """The engine for these settings, loading it on first use (thread-safe)."""
    key = settings.model_dump_json() + (f"|{id(embedder)}" if embedder else "")
    with _lock:
        if key not in _cache:
            _cache[key] = build_engine(settings, embedder or make_embedder(settings))
        return _cache[key]


def build_engine(settings: Settings, embedder: Embedder) -> Engine:
    index = open_store(settings).load(embedder.dim)
    retriever = Retriever(index, embedder, settings)
    return Engine(settings, index, embedder, retriever, judge=make_judge(settings))


def make_judge(settings: Settings) -> Judge | None:
    """The learned judge (its weights load on first use), unless the rules are asked for."""
    if settings.sentence_judge == "rules":
        return None
    device = resolve(settings.device)
    # The judge is a fine-tuned MiniLM: it runs through OpenVINO when the embedder does.
    backend: Backend = "openvino" if settings.embedding_backend == "openvino" else "auto"
    return Judge(
        settings.judge_dir or MODEL_DIR,
        backend=backend,
        cache_dir=settings.onnx_dir,
        device=device,
        precision=settings.openvino_precision,
    )


def clear_engines() -> None:
    with _lock:
        _cache.clear()
