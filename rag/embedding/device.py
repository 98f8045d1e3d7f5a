"""Where the bulk model work runs: the CPU, or a CUDA GPU when one is present (RAG_DEVICE).

Only bulk work moves: embedding a corpus at ingest and the learned judge. A single question's
vector stays on the CPU ONNX model, which starts in ~0.3 s where importing torch for CUDA takes
seconds (cold `rag ask`). Does NOT load any model (embedding/model.py and judge/scorer.py do).

    RAG_DEVICE=auto   CUDA when a GPU and a CUDA-enabled torch are present, else the CPU
    RAG_DEVICE=cpu    always the CPU (the default build of this project is CPU-only)
    RAG_DEVICE=cuda   the GPU, or a clear error when there is none
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Literal

from rag.config import Device
from rag.errors import RagError

Resolved = Literal["cpu", "cuda"]
# Present on any machine with the NVIDIA kernel driver loaded; checked before importing torch,
# so a machine without a GPU never pays torch's import for `auto`.
_DRIVER = Path("/proc/driver/nvidia/version")


def resolve(requested: Device) -> Resolved:
    """The device bulk work runs on; RagError when CUDA is asked for and absent."""
    if requested == "cpu":
        return "cpu"
    if cuda_available():
        return "cuda"
    if requested == "cuda":
        raise RagError(
            "RAG_DEVICE=cuda, but no CUDA GPU is usable here (no NVIDIA driver, or torch was "
            "installed without CUDA). Set RAG_DEVICE=auto or RAG_DEVICE=cpu."
        )
    return "cpu"


@functools.cache
def cuda_available() -> bool:
    if not _DRIVER.exists() or importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def onnx_has_cuda() -> bool:
    """Whether onnxruntime here can run on the GPU (the onnxruntime-gpu build)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return False
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


def onnx_providers(device: Resolved) -> list[str]:
    if device == "cuda" and onnx_has_cuda():
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]
