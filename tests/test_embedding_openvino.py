"""rag/embedding/openvino_runtime.py: the exported graph through OpenVINO gives onnxruntime's
vectors (exactly in f32, within bf16 rounding otherwise), shares its indexes, and embeds corpora
only where it can run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rag.embedding.model as model
from rag.config import OpenvinoPrecision, Settings
from rag.embedding.model import embedding_name, make_embedder
from rag.embedding.onnx_model import OnnxEmbedder, Runtime, ensure_exported
from rag.embedding.openvino_runtime import OpenvinoSession
from rag.engine import build_engine, make_judge
from rag.ingestion import ingest
from tests.conftest import EMBEDDING_TEXTS

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data"


def embed(
    onnx_dir: Path, runtime: Runtime, precision: OpenvinoPrecision = "auto", batch: int = 2
) -> np.ndarray:
    embedder = OnnxEmbedder("m", batch, cache_dir=onnx_dir, runtime=runtime, precision=precision)
    return embedder.embed(EMBEDDING_TEXTS)


def test_f32_gives_onnxruntimes_vectors(onnx_dir: Path) -> None:
    reference = embed(onnx_dir, "onnxruntime")
    ours = embed(onnx_dir, "openvino", "f32")

    assert ours.shape == (len(EMBEDDING_TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5


def test_auto_precision_stays_within_bf16_rounding(onnx_dir: Path) -> None:
    reference = embed(onnx_dir, "onnxruntime")
    ours = embed(onnx_dir, "openvino")

    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # bf16 where the CPU has it (cosine ≥ 0.99996 on the seed corpus), f32 where it does not
    assert (ours * reference).sum(axis=1).min() > 0.9999


def test_the_session_says_what_it_computes_in(onnx_dir: Path) -> None:
    path = ensure_exported(onnx_dir, quantize=False)

    assert OpenvinoSession(path, "f32").precision == "f32"
    assert OpenvinoSession(path, "auto").precision in {"bf16", "f32"}


def test_an_openvino_index_is_the_same_models_index(tmp_path: Path, onnx_dir: Path) -> None:
    """Same model name as onnxruntime's: each backend may query the other's index."""
    built = Settings(
        corpus_dir=DATA,
        index_dir=tmp_path / "index",
        embedding_backend="openvino",
        onnx_dir=onnx_dir,
    )
    ingest(built, make_embedder(built, bulk=True))
    asked = built.model_copy(update={"embedding_backend": "onnx"})

    assert embedding_name(built) == embedding_name(asked) == built.model_name
    hits = {}
    for settings in (built, asked):
        engine = build_engine(settings, make_embedder(settings))
        hits[settings.embedding_backend] = [
            h.chunk.chunk_id for h in engine.retriever.search("Who designs the chips?", 3)
        ]
    assert hits["openvino"] and hits["openvino"] == hits["onnx"]


def test_openvino_is_used_only_where_it_can_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bulk work on the CPU, when installed; questions go through onnxruntime."""
    settings = Settings(embedding_backend="openvino")
    chosen = make_embedder(settings, bulk=True)
    assert isinstance(chosen, OnnxEmbedder) and chosen.runtime == "openvino"
    question = make_embedder(settings)
    assert isinstance(question, OnnxEmbedder) and question.runtime == "onnxruntime"

    monkeypatch.setattr(model, "openvino_installed", lambda: False)
    fallback = make_embedder(settings, bulk=True)
    assert isinstance(fallback, OnnxEmbedder) and fallback.runtime == "onnxruntime"


def test_int8_is_onnxruntimes_and_named_apart() -> None:
    chosen = make_embedder(Settings(embedding_backend="openvino", onnx_quantize=True), bulk=True)

    assert isinstance(chosen, OnnxEmbedder)
    assert chosen.runtime == "onnxruntime" and chosen.quantize
    assert chosen.name.endswith("+onnx-int8")


def test_the_judge_follows_the_backend_and_its_precision() -> None:
    judge = make_judge(Settings(sentence_judge="learned", openvino_precision="f32"))
    assert judge is not None and (judge.backend, judge.precision) == ("openvino", "f32")

    other = make_judge(Settings(sentence_judge="learned", embedding_backend="onnx"))
    assert other is not None and other.backend == "auto"


def test_a_judge_without_openvino_falls_back_to_onnxruntime(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the embedder does: onnxruntime, not torch, when OpenVINO is not installed."""
    import rag.judge.scorer as scorer

    monkeypatch.setattr(scorer, "openvino_installed", lambda: False)
    monkeypatch.setattr(scorer.Judge, "_onnx", lambda self: "onnxruntime")
    monkeypatch.setattr(scorer.Judge, "_torch", lambda self: "torch")
    judge = make_judge(Settings(sentence_judge="learned"))

    assert judge is not None and judge.backend == "openvino"
    assert judge._load()[0] == "onnxruntime"
