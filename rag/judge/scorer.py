"""Question + candidate sentences → the probability that each sentence answers the question.

The learned answer judge (issue 13): loads `rag/models/judge/` lazily, once, offline, and runs it
with onnxruntime (exported once into a cache folder) or torch. Does NOT decide what to answer:
callers compare with `Judge.threshold`, calibrated on held-out allowlisted data (MODEL_CARD.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rag.embedding.device import Resolved, onnx_has_cuda, onnx_providers
from rag.embedding.onnx_model import packaged_model_dir
from rag.errors import RagError

MODEL_DIR = Path(__file__).parents[1] / "models" / "judge"
WEIGHTS = "judge.safetensors"
CONFIG = "judge.json"
FORMAT_VERSION = 1
Backend = Literal["auto", "onnx", "torch"]


@dataclass(frozen=True)
class Candidate:
    """A sentence to judge and, as optional context, the sentence before it."""

    text: str
    before: str = ""


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class Reading:
    """The judge on one candidate: P(it answers), and its span head's best span (characters of
    the candidate's text; None only when that span fell outside it) with the span's score over
    the head's own "no answer" reading (> 0: the span head alone would answer)."""

    probability: float
    span: tuple[int, int] | None
    span_margin: float


def make_tokenizer(max_length: int) -> Any:
    """The packaged MiniLM tokenizer, truncating only the sentence side (its context goes first)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(packaged_model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, strategy="only_second")
    return tokenizer


def encode(tokenizer: Any, pairs: Sequence[tuple[str, Candidate]]) -> list[Any]:
    """`[CLS] question [SEP] sentence [SEP] sentence before [SEP]`: the context is cut first.

    The sentence's character offsets survive in the encodings, which training needs for spans.
    """
    seconds = [f"{c.text} [SEP] {c.before}" if c.before else c.text for _, c in pairs]
    return list(tokenizer.encode_batch([(q, s) for (q, _), s in zip(pairs, seconds, strict=True)]))


def pad(encodings: Sequence[Any]) -> dict[str, npt.NDArray[np.int64]]:
    """ids, mask and token types, padded to the longest of the batch."""
    width = max(len(e.ids) for e in encodings)
    out = {k: np.zeros((len(encodings), width), dtype=np.int64) for k in _INPUTS}
    for row, e in enumerate(encodings):
        n = len(e.ids)
        out["input_ids"][row, :n] = e.ids
        out["attention_mask"][row, :n] = 1
        out["token_type_ids"][row, :n] = e.type_ids
    return out


MAX_ANSWER_TOKENS = 30  # the longest span the span head may pick (SQuAD answers are shorter)


def sentence_mask(encodings: Sequence[Any], width: int) -> npt.NDArray[np.bool_]:
    """True on [CLS] and on the judged sentence's tokens (not its context): where the span head
    may start or end a span, [CLS] meaning "no answer"."""
    mask = np.zeros((len(encodings), width), dtype=np.bool_)
    for row, enc in enumerate(encodings):
        for i, seq in enumerate(enc.sequence_ids):
            if seq == 1 and enc.ids[i] == 102:  # the [SEP] between sentence and context
                break
            mask[row, i] = seq == 1
    mask[:, 0] = True
    return mask


def best_spans(
    start: npt.NDArray[np.float32], end: npt.NDArray[np.float32], valid: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Per row: the span i ≤ j < i + MAX_ANSWER_TOKENS inside the sentence with the highest
    start_i + end_j, as (i, j, its margin over [CLS]'s no-answer score)."""
    inner = valid.copy()
    inner[:, 0] = False
    s = np.where(inner, start, -1e4)[:, :, None]
    e = np.where(inner, end, -1e4)[:, None, :]
    n = start.shape[1]
    band = np.triu(np.ones((n, n), dtype=np.bool_)) & ~np.triu(
        np.ones((n, n), dtype=np.bool_), MAX_ANSWER_TOKENS
    )
    pair = np.where(band, s + e, -1e4).reshape(len(start), -1)
    flat = pair.argmax(axis=1)
    margin = pair[np.arange(len(start)), flat] - (start[:, 0] + end[:, 0])
    return flat // n, flat % n, margin.astype(np.float32)


def batched(run: Any, encodings: Sequence[Any], batch_size: int) -> npt.NDArray[np.float32]:
    """run(padded batch)[0] → one float per row, over batches of similar length, in input order."""
    out = np.zeros(len(encodings), dtype=np.float32)
    order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
    for i in range(0, len(order), batch_size):
        rows = order[i : i + batch_size]
        out[rows] = run(pad([encodings[r] for r in rows]))[0]
    return out


class Judge:
    """Scores candidates with the committed artifact; thread-safe lazy load."""

    def __init__(
        self,
        model_dir: Path = MODEL_DIR,
        backend: Backend = "auto",
        cache_dir: Path = Path(".cache/onnx"),
        batch_size: int = 32,
        device: Resolved = "cpu",
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if not (model_dir / WEIGHTS).exists():
            raise RagError(f"No judge in {model_dir}/. Run `python -m rag.judge.train`.")
        self.model_dir = model_dir
        self.config = json.loads((model_dir / CONFIG).read_text(encoding="utf-8"))
        if self.config.get("format_version") != FORMAT_VERSION:
            raise RagError(f"{model_dir}/{CONFIG} is not format {FORMAT_VERSION}; retrain it.")
        self.threshold = float(self.config["threshold"])
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = cache_dir
        self.device = device
        self._run: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def score(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        """P(answers the question) for each candidate, in the order given."""
        return [float(p) for p in self.score_pairs([(question, c) for c in candidates])]

    def score_pairs(self, pairs: Sequence[tuple[str, Candidate]]) -> npt.NDArray[np.float32]:
        """Batched scoring of (question, candidate) pairs; batches group similar lengths."""
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        run, tokenizer = self._load()
        logits = batched(run, encode(tokenizer, pairs), self.batch_size)
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def read(self, question: str, candidates: Sequence[Candidate]) -> list[Reading]:
        """Both heads on each candidate: P(it answers) and the span that would answer."""
        if not candidates:
            return []
        run, tokenizer = self._load()
        encodings = encode(tokenizer, [(question, c) for c in candidates])
        out: list[Reading] = []
        for at in range(0, len(encodings), self.batch_size):
            batch = encodings[at : at + self.batch_size]
            feeds = pad(batch)
            logit, start, end = run(feeds)
            first, last, margin = best_spans(
                start, end, sentence_mask(batch, feeds["input_ids"].shape[1])
            )
            texts = [c.text for c in candidates[at : at + len(batch)]]
            rows = zip(batch, logit, first, last, margin, texts, strict=True)
            for enc, z, i, j, m, text in rows:
                a, b = enc.offsets[int(i)][0], enc.offsets[int(j)][1]
                span = (a, b) if 0 <= a < b <= len(text) else None
                out.append(Reading(float(1.0 / (1.0 + np.exp(-z))), span, float(m)))
        return out

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._run is None:
                self._tokenizer = make_tokenizer(int(self.config["max_length"]))
                use_onnx = self.backend == "onnx" or (self.backend == "auto" and _has_onnx())
                # On a GPU, torch runs there when this onnxruntime cannot (the CPU build).
                use_onnx = use_onnx and (self.device == "cpu" or onnx_has_cuda())
                self._run = self._onnx() if use_onnx else self._torch()
            return self._run, self._tokenizer

    def _torch(self) -> Any:
        import torch

        from rag.judge.network import load_net

        net = load_net(packaged_model_dir(), self.model_dir / WEIGHTS).to(self.device)

        def run(feeds: dict[str, npt.NDArray[np.int64]]) -> tuple[npt.NDArray[np.float32], ...]:
            """(answer logit per row, start logits, end logits per token), as ONNX gives them."""
            with torch.inference_mode():
                inputs = {k: torch.from_numpy(v).to(self.device) for k, v in feeds.items()}
                outputs = net(**inputs)
            return tuple(t.float().cpu().numpy() for t in outputs)

        return run

    def _onnx(self) -> Any:
        import onnxruntime as ort

        path = self._exported()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = onnx_providers(self.device)
        session = ort.InferenceSession(str(path), options, providers=providers)
        return lambda feeds: session.run(["logit", "start", "end"], feeds)

    def _exported(self) -> Path:
        """The ONNX graph for these weights, exported once (torch needed only then)."""
        digest = hashlib.sha256((self.model_dir / WEIGHTS).read_bytes()).hexdigest()[:12]
        dest = self.cache_dir / f"judge-{digest}.onnx"
        if not dest.exists():
            from rag.embedding.onnx_model import _write_atomically
            from rag.judge.network import export_onnx, load_net

            net = load_net(packaged_model_dir(), self.model_dir / WEIGHTS)
            _write_atomically(dest, lambda tmp: export_onnx(net, tmp))
        return dest


def _has_onnx() -> bool:
    return all(importlib.util.find_spec(m) for m in ("onnxruntime", "onnx"))
