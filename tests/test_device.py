"""rag/embedding/device.py: RAG_DEVICE picks where ingest's embedding and the judge run; a missing
GPU is a clear message, and nothing changes on a CPU-only machine (this one, and CI's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.config import Settings
from rag.embedding import device
from rag.embedding.model import SentenceTransformerEmbedder, make_embedder
from rag.embedding.onnx_model import OnnxEmbedder
from rag.engine import make_judge
from rag.errors import RagError
from tests.test_cli import invoke, said


@pytest.fixture
def gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend a CUDA GPU is present (the models are never loaded in these tests)."""
    monkeypatch.setattr(device, "cuda_available", lambda: True)
    monkeypatch.setattr(device, "onnx_has_cuda", lambda: False)
    monkeypatch.setattr("rag.embedding.model.onnx_has_cuda", lambda: False)


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(device, "cuda_available", lambda: False)


def test_auto_is_the_cpu_without_a_gpu(no_gpu: None) -> None:
    assert device.resolve("auto") == "cpu"
    assert device.resolve("cpu") == "cpu"


def test_cuda_without_a_gpu_says_what_to_set(no_gpu: None) -> None:
    with pytest.raises(RagError, match="RAG_DEVICE=auto or RAG_DEVICE=cpu"):
        device.resolve("cuda")


def test_auto_and_cuda_take_the_gpu_when_present(gpu: None) -> None:
    assert device.resolve("auto") == device.resolve("cuda") == "cuda"
    assert device.resolve("cpu") == "cpu"


def test_this_machine_resolves_auto_without_error() -> None:
    assert device.resolve("auto") in ("cpu", "cuda")


def test_ingest_embeds_on_the_gpu_with_wider_batches(gpu: None) -> None:
    bulk = make_embedder(Settings(), bulk=True)

    assert isinstance(bulk, SentenceTransformerEmbedder)  # this onnxruntime has no CUDA
    assert (bulk.device, bulk.batch_size) == ("cuda", 64)


def test_a_question_is_embedded_on_the_cpu_even_with_a_gpu(gpu: None) -> None:
    query = make_embedder(Settings())

    assert isinstance(query, OnnxEmbedder)
    assert query.providers == ["CPUExecutionProvider"]


def test_int8_vectors_stay_on_the_cpu(gpu: None) -> None:
    """Quantised ONNX vectors are their own; a GPU model would give other vectors."""
    bulk = make_embedder(Settings(onnx_quantize=True), bulk=True)

    assert isinstance(bulk, OnnxEmbedder)
    assert bulk.providers == ["CPUExecutionProvider"]


def test_cpu_setting_keeps_everything_on_the_cpu(gpu: None) -> None:
    bulk = make_embedder(Settings(device="cpu"), bulk=True)

    assert isinstance(bulk, OnnxEmbedder)
    assert bulk.providers == ["CPUExecutionProvider"]


def test_the_judge_follows_the_setting(gpu: None) -> None:
    judge = make_judge(Settings(sentence_judge="learned"))

    assert judge is not None and judge.device == "cuda"
    on_cpu = make_judge(Settings(sentence_judge="learned", device="cpu"))
    assert on_cpu is not None and on_cpu.device == "cpu"


def test_rag_device_cuda_without_a_gpu_is_one_line_from_ingest(
    rag: CliRunner, monkeypatch: pytest.MonkeyPatch, no_gpu: None, tmp_path: Path
) -> None:
    monkeypatch.setenv("RAG_DEVICE", "cuda")
    monkeypatch.setattr("rag.embedding.model.make_embedder", make_embedder)  # the real one

    result = invoke(rag, "ingest")

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert said(result.stderr).startswith("Error: RAG_DEVICE=cuda")


def test_unknown_device_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_DEVICE", "tpu")

    with pytest.raises(ValueError, match="auto"):
        Settings()
