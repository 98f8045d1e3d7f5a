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
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from rag.config import OpenvinoPrecision
from rag.embedding.device import Resolved, onnx_has_cuda, onnx_providers
from rag.embedding.onnx_model import packaged_model_dir
from rag.embedding.openvino_runtime import openvino_installed
from rag.errors import RagError

MODEL_DIR = Path(__file__).parents[1] / "models" / "judge"
WEIGHTS = "judge.safetensors"
CONFIG = "judge.json"
FORMAT_VERSION = 2  # 2: judge.json carries the combiner of both heads
Backend = Literal["auto", "onnx", "openvino", "torch"]
OUTPUTS = ("logit", "start", "end")  # the exported graph's outputs, as run_heads takes them


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
    """The packaged MiniLM tokenizer, truncating the longer side first: the sentence side (its
    context goes first) for every question up to half the length; a longer question is cut too,
    where "only_second" raised an error and the judge failed on it."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(packaged_model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
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


# (question, sentence, context) readings a Judge remembers, the oldest dropped first
READINGS = 1024
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


# Where a sentence has no token left inside the window, best_spans' margin is about -1e4: clip it
# so one such pair cannot dominate the combiner. Margins of real sentences stay within ±20 (the
# committed artifact: -18.8 to 6.7 over 5,659 windows of its calibration articles and of SQuAD
# 2.0), so the clip changes no other score.
MARGIN_CLIP = 30.0


@dataclass(frozen=True)
class Combiner:
    """P(the sentence answers) from both heads: sigmoid(cls · [CLS] logit + span · the best span's
    margin over "no answer" + bias). Fitted on held-out allowlisted pairs (judge/train.py), so
    it is a calibrated probability; the defaults read the [CLS] head alone.

    >>> combine = Combiner(cls=1.0, span=0.5, bias=-1.0)
    >>> float(combine(np.array([2.0, 3.0]), np.array([-2.0, -1e4]))[0])
    0.5
    >>> round(float(combine(np.array([3.0]), np.array([-1e4]))[0]), 4)  # the margin clipped to -30
    0.0
    """

    cls: float = 1.0
    span: float = 0.0
    bias: float = 0.0

    def z(
        self, logit: npt.NDArray[np.float32], margin: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.floating[Any]]:
        """The weighted sum before the sigmoid, the margin clipped."""
        margin = np.clip(margin, -MARGIN_CLIP, MARGIN_CLIP)
        return self.cls * logit + self.span * margin + self.bias

    def __call__(
        self, logit: npt.NDArray[np.float32], margin: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        return (1.0 / (1.0 + np.exp(-self.z(logit, margin)))).astype(np.float32)


@dataclass(frozen=True)
class Heads:
    """Both heads on each encoded pair: the [CLS] logit, and the best span (first and last token)
    with its margin over the span head's "no answer"."""

    logit: npt.NDArray[np.float32]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    margin: npt.NDArray[np.float32]


def run_heads(run: Any, encodings: Sequence[Any], batch_size: int) -> Heads:
    """run(padded batch) → (logit, start, end), over batches of similar length, in input order."""
    n = len(encodings)
    logit, margin = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    first, last = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
    for i in range(0, n, batch_size):
        rows = order[i : i + batch_size]
        batch = [encodings[r] for r in rows]
        feeds = pad(batch)
        z, start, end = run(feeds)
        width = feeds["input_ids"].shape[1]
        first[rows], last[rows], margin[rows] = best_spans(start, end, sentence_mask(batch, width))
        logit[rows] = z
    return Heads(logit, first, last, margin)


def torch_runner(net: Any, device: str = "cpu") -> Any:
    """A JudgeNet as a function of padded numpy feeds, giving what the ONNX graph gives."""
    import torch

    def run(feeds: dict[str, npt.NDArray[np.int64]]) -> tuple[npt.NDArray[np.float32], ...]:
        with torch.inference_mode():
            inputs = {k: torch.from_numpy(v).to(device) for k, v in feeds.items()}
            outputs = net(**inputs)
        return tuple(t.float().cpu().numpy() for t in outputs)

    return run


class Judge:
    """Scores candidates with the committed artifact; thread-safe lazy load."""

    def __init__(
        self,
        model_dir: Path = MODEL_DIR,
        backend: Backend = "auto",
        cache_dir: Path = Path(".cache/onnx"),
        batch_size: int = 32,
        device: Resolved = "cpu",
        precision: OpenvinoPrecision = "auto",
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if not (model_dir / WEIGHTS).exists():
            raise RagError(f"No judge in {model_dir}/. Run `python -m rag.judge.train`.")
        self.model_dir = model_dir
        self.config = json.loads((model_dir / CONFIG).read_text(encoding="utf-8"))
        if (found := self.config.get("format_version")) != FORMAT_VERSION:
            raise RagError(
                f"{model_dir}/{CONFIG} is format {found}, not {FORMAT_VERSION}: retrain it with "
                "`make judge` (python -m rag.judge.train)."
            )
        self.threshold = float(self.config["threshold"])
        self.combiner = Combiner(**self.config["combine"])
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = cache_dir
        self.device = device
        self.precision = precision  # OpenVINO's (backend "openvino")
        self._run: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._readings: OrderedDict[tuple[str, str, str], Reading] = OrderedDict()

    def score(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        """P(answers the question) for each candidate, in the order given."""
        return [r.probability for r in self.read(question, candidates)]

    def score_pairs(self, pairs: Sequence[tuple[str, Candidate]]) -> npt.NDArray[np.float32]:
        """Batched scoring of (question, candidate) pairs; batches group similar lengths."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        heads, _ = self._heads(pairs)
        return self.combiner(heads.logit, heads.margin)

    def read(self, question: str, candidates: Sequence[Candidate]) -> list[Reading]:
        """Both heads on each candidate: P(it answers) and the span that would answer. The last
        READINGS pairs are remembered: `ask` reads its quoted sentences again for their short
        answers, and `compare` after `ask` reads many of the same sentences."""
        keys = [(question, c.text, c.before) for c in candidates]
        with self._lock:
            known = {k: r for k in keys if (r := self._readings.get(k)) is not None}
        todo = list(dict.fromkeys(k for k in keys if k not in known))
        if todo:
            fresh = self._read([(q, Candidate(text, before)) for q, text, before in todo])
            known.update(zip(todo, fresh, strict=True))
            with self._lock:
                self._readings.update(zip(todo, fresh, strict=True))
                while len(self._readings) > READINGS:
                    self._readings.popitem(last=False)
        return [known[k] for k in keys]

    def _read(self, pairs: Sequence[tuple[str, Candidate]]) -> list[Reading]:
        heads, encodings = self._heads(pairs)
        probabilities = self.combiner(heads.logit, heads.margin)
        out = []
        for n, ((_, candidate), enc) in enumerate(zip(pairs, encodings, strict=True)):
            a, b = enc.offsets[int(heads.first[n])][0], enc.offsets[int(heads.last[n])][1]
            span = (a, b) if 0 <= a < b <= len(candidate.text) else None
            out.append(Reading(float(probabilities[n]), span, float(heads.margin[n])))
        return out

    def _heads(self, pairs: Sequence[tuple[str, Candidate]]) -> tuple[Heads, list[Any]]:
        run, tokenizer = self._load()
        encodings = encode(tokenizer, pairs)
        return run_heads(run, encodings, self.batch_size), encodings

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._run is None:
                self._tokenizer = make_tokenizer(int(self.config["max_length"]))
                if self.backend == "openvino" and self.device == "cpu" and openvino_installed():
                    self._run = self._openvino()
                    return self._run, self._tokenizer
                # "openvino" where it cannot run falls back as "auto" does: onnxruntime, then torch
                use_onnx = self.backend == "onnx" or (
                    self.backend in ("auto", "openvino") and _has_onnx()
                )
                # On a GPU, torch runs there when this onnxruntime cannot (the CPU build).
                use_onnx = use_onnx and (self.device == "cpu" or onnx_has_cuda())
                self._run = self._onnx() if use_onnx else self._torch()
            return self._run, self._tokenizer

    def _torch(self) -> Any:
        from rag.judge.network import load_net

        net = load_net(packaged_model_dir(), self.model_dir / WEIGHTS).to(self.device)
        return torch_runner(net, self.device)

    def _onnx(self) -> Any:
        import onnxruntime as ort

        path = self._exported()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = onnx_providers(self.device)
        session = ort.InferenceSession(str(path), options, providers=providers)
        return lambda feeds: session.run(list(OUTPUTS), feeds)

    def _openvino(self) -> Any:
        """The exported graph through OpenVINO: bf16 where the CPU has it, which scored 12 pairs
        2.1× as fast as onnxruntime here with P within 0.003 (embedding/openvino_runtime.py)."""
        from rag.embedding.openvino_runtime import OpenvinoSession

        session = OpenvinoSession(self._exported(), self.precision)
        return lambda feeds: session.run(list(OUTPUTS), feeds)

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
