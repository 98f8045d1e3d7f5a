"""The exported MiniLM graph (embedding/onnx_model.py) run by OpenVINO instead of onnxruntime.

Why a second runtime: on a CPU with native bfloat16 arithmetic (AVX-512 BF16 or AMX), OpenVINO
computes the encoder's matrix products in bf16 by default, which embedded the seed corpus ~1.8×
faster than onnxruntime's fp32 on this project's 2-core machine (bench/README.md, "Ingest").
Where the CPU has no bf16 it computes in fp32, as fast as onnxruntime and with its vectors.

What bf16 changes, measured on the seed corpus's 810 chunk and sentence texts against
onnxruntime fp32: cosine ≥ 0.99996 (largest coordinate difference 0.0017), 99.5 % of the eval
questions' top-10 neighbours the same, question·sentence scores within 0.0026; and a text's
vector moves with its batch by up to 0.0007 (bf16 rounding), which fp32 does not. The eval-set
effect is in bench/README.md. `RAG_OPENVINO_PRECISION=f32` gives onnxruntime's vectors (to
1e-6) at onnxruntime's speed.

Used for bulk work only (embedding a corpus, the learned judge): a question's own vector goes
through onnxruntime, which starts faster and holds less (embedding/model.py says by how much).

Does NOT tokenize or pool (onnx_model.OnnxEmbedder does, for both runtimes) and never imports
torch.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rag.config import OpenvinoPrecision


def openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


class OpenvinoSession:
    """onnxruntime's `session.run(None, feeds)` call shape over an OpenVINO compiled model."""

    def __init__(self, path: Path, precision: OpenvinoPrecision = "auto") -> None:
        import openvino as ov

        config: dict[str, str] = {"PERFORMANCE_HINT": "LATENCY"}
        if precision == "f32":
            config["INFERENCE_PRECISION_HINT"] = "f32"
        self._compiled = ov.Core().compile_model(str(path), "CPU", config)
        # The compiled model's own infer request serves one call at a time.
        self._lock = threading.Lock()

    @property
    def precision(self) -> str:
        """What OpenVINO computes in here: "bf16" or "f32"."""
        return str(self._compiled.get_property("INFERENCE_PRECISION_HINT").to_string())

    def run(
        self, names: Sequence[str] | None, feeds: dict[str, npt.NDArray[np.int64]]
    ) -> list[npt.NDArray[np.float32]]:
        """The named outputs (None: all, in the graph's order) for these inputs."""
        with self._lock:  # copied out before the next call reuses the request's buffers
            result = self._compiled(feeds)
            ports = (
                self._compiled.outputs
                if names is None
                else [self._compiled.output(n) for n in names]
            )
            return [np.array(result[port], dtype=np.float32) for port in ports]
