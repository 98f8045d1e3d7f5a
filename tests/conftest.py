"""Shared fixtures: a deterministic fake embedder, settings that point into tmp_path, and (for
tests marked slow) one real-model index over the real corpus, built once per session.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from rag.answer.extractive import Scored, score_rows
from rag.config import Settings
from rag.embedding.model import Embedder, Vectors, make_embedder
from rag.engine import Engine, build_engine, clear_engines
from rag.index.core import Index
from rag.index.core import load as load_index
from rag.ingestion import IngestReport, ingest
from rag.retrieval import Retriever

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
REAL_CORPUS = ROOT / "corpus"
FAKE_MODEL = "fake-sha256"
_WORD = re.compile(r"[a-z0-9]+")
# What a real embedder must cope with: a figure, a question, a text past MiniLM's 256 tokens
# (truncated), one word, and accents and CJK.
EMBEDDING_TEXTS = [
    "Amazon's $8 billion investment made it Anthropic's largest backer.",
    "Who is the CEO of Nvidia?",
    "Lyft cut customer service resolution time by 87%. " * 30,
    "ok",
    "Café prices rose 3.5% — résumé, naïve, 東京.",
]


class FakeEmbedder:
    """Bag of hashed words plus a little noise seeded from the SHA-256 of the whole text.

    Texts that share words get close vectors, so retrieval tests mean something; the same text
    always gets the same vector. Every embedded text is recorded in `texts`.
    """

    name = FAKE_MODEL
    dim = 384

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: list[str], progress: bool = False) -> Vectors:
        self.texts.extend(texts)
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row] = fake_vector(text, self.dim)
        return vectors


def fake_vector(text: str, dim: int = 384) -> Vectors:
    vector = np.zeros(dim, dtype=np.float64)
    for word in _WORD.findall(text.lower()):
        digest = hashlib.sha256(word.encode("utf-8")).digest()
        bucket = int.from_bytes(digest[:4], "big") % dim
        vector[bucket] += 1.0 if digest[4] & 1 else -1.0
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    vector += 0.01 * np.random.default_rng(seed).standard_normal(dim)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def make_settings(corpus_dir: Path, index_dir: Path, **overrides: Any) -> Settings:
    """Small chunks so that each test article spans several of them."""
    values: dict[str, Any] = {
        "corpus_dir": corpus_dir,
        "index_dir": index_dir,
        "model_name": FAKE_MODEL,
        "chunk_size": 200,
        "chunk_overlap": 1,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture(scope="session", autouse=True)
def _no_rag_env() -> Iterator[None]:
    """A developer's RAG_* variables must not change what the tests see."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.upper().startswith("RAG_"):
                patch.delenv(name)
        yield


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    clear_engines()
    yield
    clear_engines()


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model exported once (fp32 and int8) for the session: a few seconds, torch needed."""
    from rag.embedding.onnx_model import ensure_exported

    folder = tmp_path_factory.mktemp("onnx")
    ensure_exported(folder, quantize=True)
    return folder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of tests/data that a test may edit."""
    return Path(shutil.copytree(DATA, tmp_path / "corpus"))


@pytest.fixture
def settings(corpus_dir: Path, tmp_path: Path) -> Settings:
    return make_settings(corpus_dir, tmp_path / "index")


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def ingested(settings: Settings, embedder: FakeEmbedder) -> IngestReport:
    """The test corpus ingested once into tmp_path; the embedder's log is reset afterwards."""
    report = ingest(settings, embedder)
    embedder.texts.clear()
    return report


@pytest.fixture
def index(ingested: IngestReport, settings: Settings) -> Index:
    return load_index(settings.index_dir, settings)


@pytest.fixture
def engine(ingested: IngestReport, settings: Settings, embedder: FakeEmbedder) -> Engine:
    """The engine over the ingested test corpus, with the fake embedder."""
    return build_engine(settings, embedder)


@pytest.fixture
def res(settings: Settings, engine: Engine) -> Any:
    """The UI's shared resources over that engine (Gradio imported only by the tests using it)."""
    from ui.handlers import Resources

    return Resources(settings, engine)


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Any:
    """The whole Gradio app over that engine, not served."""
    from ui.app import create_app

    return create_app(settings, engine)


@pytest.fixture
def retriever(index: Index, embedder: FakeEmbedder, settings: Settings) -> Retriever:
    return Retriever(index, embedder, settings)


def scored_by_text(question: str, doc_id: str, retriever: Retriever) -> dict[str, Scored]:
    """Every sentence of one document scored for the question, by its text."""
    rows = np.asarray(retriever.index.doc_sentence_rows(doc_id))
    return {s.sentence.text: s for s in score_rows(question, rows, retriever)}


def engine_over(
    tmp_path: Path, files: dict[str, str], embedder: Embedder
) -> tuple[Settings, Engine]:
    """A corpus of `files` (file name → text) under `tmp_path`, ingested with `embedder`, and
    the settings and engine that answer from it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    ingest(settings, embedder)
    return settings, build_engine(settings, embedder)


def use_embedder(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    """The CLI builds its embedder in two places: `rag ingest` and the engine behind search."""
    monkeypatch.setattr("rag.embedding.model.make_embedder", lambda settings, bulk=False: embedder)
    monkeypatch.setattr("rag.engine.make_embedder", lambda settings: embedder)


@pytest.fixture
def rag(settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner whose `rag` sees the test corpus, a tmp index and the fake embedder."""
    use_embedder(monkeypatch, embedder)
    monkeypatch.setenv("RAG_MODEL_NAME", FAKE_MODEL)
    monkeypatch.setenv("RAG_CHUNK_SIZE", str(settings.chunk_size))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    return CliRunner()


# --- the real model on the real corpus (tests marked slow) -----------------------------------


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    index_dir = tmp_path_factory.mktemp("real") / "index"
    return Settings(corpus_dir=REAL_CORPUS, index_dir=index_dir)


@pytest.fixture(scope="session")
def real_embedder(real_settings: Settings) -> Embedder:
    return make_embedder(real_settings)


@pytest.fixture(scope="session")
def real_ingest(real_settings: Settings, real_embedder: Embedder) -> IngestReport:
    """The one real-model build of the session (~20 s); tests must not modify it."""
    return ingest(real_settings, real_embedder)


@pytest.fixture(scope="session")
def real_engine(
    real_ingest: IngestReport, real_settings: Settings, real_embedder: Embedder
) -> Engine:
    return build_engine(real_settings, real_embedder)


# --- the Milvus store: milvus-lite, or the server `make test-milvus-server` starts -------------

MILVUS_SERVER = os.environ.get("MILVUS_TEST_URI", "")  # not RAG_*: _no_rag_env clears those


@contextmanager
def milvus_store(base: Settings, folder: Path) -> Iterator[Settings]:
    """`base` with the index in Milvus: a milvus-lite file in `folder`, or on the test server
    under a prefix of its own, whose collections are dropped afterwards."""
    uri = MILVUS_SERVER or str(folder / "rag.db")
    prefix = f"t{uuid.uuid4().hex[:12]}_" if MILVUS_SERVER else "rag_"
    made = base.model_copy(update={"store": "milvus", "milvus_uri": uri, "milvus_prefix": prefix})
    try:
        yield made
    finally:
        if MILVUS_SERVER:
            drop_milvus(made)


def drop_milvus(settings: Settings) -> None:
    """Drop the collections under `settings.milvus_prefix` (tests' own prefixes only)."""
    from pymilvus import MilvusClient

    client = MilvusClient(uri=settings.milvus_uri)
    for name in client.list_collections():
        if name.startswith(settings.milvus_prefix):
            client.drop_collection(name)
