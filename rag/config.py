"""Settings for every stage, read from RAG_* environment variables or passed explicitly.

Callers build one `Settings` and hand it down the flow. The only process-wide state is caches of
read-only things: loaded engines (engine.py) and `lru_cache`s of pure functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_cache_path
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.options import AnswererName


def default_onnx_dir() -> Path:
    """Where exported models are cached unless RAG_ONNX_DIR says: the user's cache folder."""
    return user_cache_path("rag") / "onnx"


RetrievalMode = Literal["hybrid", "dense", "bm25"]
Fusion = Literal["convex", "rrf"]
# Where bulk model work runs (rag/embedding/device.py).
Device = Literal["auto", "cpu", "cuda"]
EmbeddingBackend = Literal["torch", "onnx", "openvino"]
# What OpenVINO computes in (embedding/openvino_runtime.py): "auto" = bf16 where the CPU has it.
OpenvinoPrecision = Literal["auto", "f32"]
ChunkVectors = Literal["encoded", "pooled"]
LlmProvider = Literal["openai", "bedrock", "anthropic"]
SentenceJudge = Literal["learned", "rules"]
StoreName = Literal["faiss", "milvus"]
MilvusIndexKind = Literal["auto", "flat", "hnsw"]
MilvusBm25 = Literal["app", "milvus"]


class Settings(BaseSettings):
    """All tunables in one place; `RAG_CHUNK_SIZE=600 rag ingest` overrides a field."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")

    # Where the index lives: "faiss" = files in `index_dir` (one machine, the default);
    # "milvus" = collections in Milvus (store/milvus.py), which several app processes can share.
    store: StoreName = "faiss"
    # A path (ending in .db) means milvus-lite, embedded; a URL (http://host:19530) a server.
    milvus_uri: str = ".milvus/rag.db"
    milvus_token: str = ""
    milvus_db: str = ""  # a server's database; "" = its default
    milvus_prefix: str = Field(default="rag_", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
    # The chunks' vector index in Milvus, chosen when ingest makes the collections: "auto" =
    # FLAT (exact) up to `ann_threshold` chunks and HNSW above, as the FAISS store does.
    milvus_index: MilvusIndexKind = "auto"
    # Which BM25 ranks chunks: "app" = the app's own (index/lexical.py), so that both stores give
    # the same answers; "milvus" = the server's (2.5 and later, and milvus-lite), whose other
    # tokenizer and per-segment statistics moved 2 of 103 eval answers (README "Scaling out").
    milvus_bm25: MilvusBm25 = "app"
    milvus_timeout_s: float = Field(default=10.0, gt=0)

    # Embedding: the packaged all-MiniLM-L6-v2; nothing is fetched from a hub.
    model_name: str = "sentence-transformers/all-MiniLM-L6-v2"
    # The model exported to ONNX starts in a fraction of torch's time. "openvino" embeds corpora
    # (and runs the learned judge) through OpenVINO (embedding/openvino_runtime.py): in bf16 on a
    # CPU that has it, ~1.8× onnxruntime with every eval answer unchanged (bench/README.md), else
    # in fp32; a question's own vector goes through onnxruntime, which starts faster. "onnx"
    # (onnxruntime throughout) gives torch's vectors to 1e-6. Without OpenVINO make_embedder
    # falls back to onnxruntime, and without the `onnx` extra to torch.
    embedding_backend: EmbeddingBackend = "openvino"
    # 16 texts per batch embedded the seed corpus ~15 % faster than 32 (less padding, warmer
    # caches) and ~40 % faster than 64 with ONNX on 2 cores.
    embed_batch_size: int = Field(default=16, ge=1)
    # ONNX backend (performance issue): the exported model is cached in `onnx_dir`; int8 dynamic
    # quantisation gives different vectors, so its index is named apart (see
    # embedding/onnx_model.py). The user's cache folder (~/.cache/rag/onnx on Linux, or
    # $XDG_CACHE_HOME/rag/onnx), not the working directory: relative to it, every folder `rag`
    # was run from got its own 90 MB copies and each first run there spent ~5 s exporting.
    onnx_dir: Path = Field(default_factory=default_onnx_dir)
    # int8 is onnxruntime's: with `onnx_quantize` the openvino backend hands over to it.
    onnx_quantize: bool = False
    # What OpenVINO computes in, for ingest and the judge: "auto" = bf16 on a CPU with native
    # bf16 (~1.8× onnxruntime there, vectors within cosine 0.99996), else fp32; "f32" always.
    openvino_precision: OpenvinoPrecision = "auto"
    # How a chunk gets its vector: "encoded" runs the model on the chunk's text; "pooled" averages
    # its sentences' vectors (weighted by length), so ingest encodes each sentence once and no
    # chunk at all: about half the encoder work, for a small loss in retrieval (bench/README.md).
    chunk_vectors: ChunkVectors = "encoded"
    # Where ingest's embedding and the learned judge run: "auto" takes a CUDA GPU when there is
    # one (embedding/device.py); a question's own vector always stays on the CPU.
    device: Device = "auto"

    # Chunking: sentence-aligned chunks of at most `chunk_size` characters. 900 characters (~200
    # tokens, under MiniLM's 256) and one sentence of overlap were set in the first version, not
    # tuned on any score.
    chunk_size: int = Field(default=900, ge=100, le=20_000)
    chunk_overlap: int = Field(default=1, ge=0, le=5, description="sentences shared by neighbours")
    max_file_bytes: int = Field(default=5_000_000, ge=1)

    # Retrieval.
    retrieval_mode: RetrievalMode = "hybrid"
    # Passages an answer reads, and hits per half before fusion: set in the first version, not
    # tuned; `bench.quality` reports recall@k for other values.
    k: int = Field(default=5, ge=1, le=100)
    # How the halves combine: "convex" (scaled scores, equal weights) beat reciprocal rank fusion
    # on both the eval set and SQuAD (bench/README.md); "rrf" stays selectable.
    fusion: Fusion = "convex"
    dense_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    rrf_k: int = Field(default=60, ge=1)  # the constant of the RRF paper (Cormack et al. 2009)
    candidates: int = Field(default=30, ge=1, description="hits per half before fusion")
    # Exact search takes ~11 ms at 100k chunks here (bench/README.md), and HNSW recall drops on
    # spread-out vectors, so approximate search starts only well above that.
    ann_threshold: int = Field(
        default=200_000, ge=1, description="chunks above which search is HNSW"
    )

    # Answering.
    answerer: AnswererName = AnswererName.EXTRACTIVE
    # What decides whether a sentence answers: the hand-written rules, or the learned judge
    # (rag/judge/scorer.py, trained on the allowlisted SQuAD data only). The rules stay the default
    # until the judge beats them on every set; today it does not (bench/README.md).
    sentence_judge: SentenceJudge = "rules"
    judge_dir: Path | None = Field(default=None, description="another judge artifact folder")
    max_answer_sentences: int = Field(default=3, ge=1, le=5)  # a short answer: set, not tuned
    # The rules' abstention threshold: calibrated on evals/qa.jsonl, the set we report (a leak;
    # the learned judge's own threshold is calibrated on held-out allowlisted SQuAD 2.0).
    abstain_threshold: float = 0.44
    max_question_chars: int = Field(default=2000, ge=10)

    # Optional LLM plug-in (never required).
    llm_provider: LlmProvider = "openai"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_temperature: float = 0.0
    # An answer is 1-3 sentences; 400 tokens leave room for that with citations. A small local
    # model without a cap kept generating to its context limit (minutes per question).
    llm_max_tokens: int = Field(default=400, ge=16, le=8192)
    llm_timeout_s: float = Field(default=120.0, gt=0)
    # How well a source sentence must back an LLM sentence (answer/citations.py's support
    # score) for it to count as verified: a plain midpoint, not tuned.
    support_threshold: float = 0.5

    # Web UI.
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)

    def index_location(self) -> str:
        """Where the index lives, as a person would name it."""
        if self.store == "milvus":
            return f"Milvus {self.milvus_uri} (collections {self.milvus_prefix}*)"
        return f"{self.index_dir}/"

    @model_validator(mode="after")
    def _candidates_cover_k(self) -> Settings:
        self.candidates = max(self.candidates, self.k)
        return self
