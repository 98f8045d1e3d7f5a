"""Each source's short answer, picked by a learned model among the judge's candidate spans.

The judge (judge/scorer.py) reads a source's best sentences and proposes spans in each; which
span is the source's answer, or whether the source gives none, is decided here from features of
every span (the judge's two heads, the rules' sentence score, what kind of answer the question
asks for and the span is, and how many *other* sources propose the same answer). Two small
linear models, fitted on RAMDocs' public half (judge/train_picker.py, MODEL_CARD.md): a
conditional logit that ranks a source's spans, and a logistic regression that says whether its
best span is an answer at all. Artifact: `rag/models/picker/picker.json` (plain numbers).

Does NOT group sources' answers (answer/short_answers.py) or decide which answer is true.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rag.errors import RagError
from rag.text.cues import has_kind, wanted_kinds
from rag.text.kinds import Kind
from rag.text.short_answers import normalize
from rag.text.tokens import terms

PICKER_DIR = Path(__file__).parents[1] / "models" / "picker"
PICKER_FILE = "picker.json"
FORMAT_VERSION = 1
SPANS_PER_SENTENCE = 6  # the span head's best spans read per sentence (88% of RAMDocs' correct
# documents hold their gold answer among them over all their sentences, against 73% with one)
MAX_WORDS = 30  # a span's length in words counts up to this (the span head's longest is 30 tokens)
MAX_RUN = 8  # answers are matched across sources by word runs up to this long
_YEAR = re.compile(r"\b(?:1\d{3}|20\d{2})\b")
_DIGIT = re.compile(r"\d")

FEATURES = (
    "probability", "logit", "margin", "gap_to_best_span", "best_span", "span_place",
    "sentence_place", "best_sentence", "rules_score", "rules_dense", "rules_lexical",
    "support_sum", "support_passing", "support_any", "support_mean", "support_max",
    "words", "question_overlap", "has_digit", "capitalised", "sources",
    "date_for_date", "name_for_person", "digit_for_count", "digit_for_open", "name_for_open",
    "asks_date", "asks_person", "asks_count", "has_year", "has_name", "has_digit_again",
    "sentence_share", "log_words",
)  # fmt: skip


@dataclass(frozen=True)
class SpanCandidate:
    """One span the judge proposes in one sentence of a source."""

    row: int  # the sentence's row in the index
    text: str  # the span, verbatim
    start: int  # characters of the sentence
    end: int
    place: int  # among the sentence's spans, best first
    margin: float  # the span head's score over "no answer"
    gap: float  # below the sentence's best span
    probability: float  # the judge's P(the sentence answers)
    logit: float  # its [CLS] head
    rank: int  # the sentence's place in its source, by probability
    rules: tuple[float, float, float]  # the rules' sentence score, dense and lexical parts
    sentence_length: int


@dataclass(frozen=True)
class Pick:
    """A source's answer: the chosen span, the ranker's score and P(the source answers)."""

    candidate: SpanCandidate
    score: float
    probability: float


def features(
    question: str, by_source: dict[str, list[SpanCandidate]], threshold: float
) -> dict[str, npt.NDArray[np.float64]]:
    """FEATURES of every candidate, per source (rows in the candidates' order). `threshold`: the
    judge's, above which another source's support counts as passing."""
    kinds = wanted_kinds(question)
    asks = (float(Kind.DATE in kinds), float(Kind.PERSON in kinds), float(Kind.COUNT in kinds))
    open_question = float(not kinds)
    asked = terms(question)
    keys = {doc: [tuple(normalize(c.text).split()) for c in cs] for doc, cs in by_source.items()}
    tables = {doc: _support_tables(cs, keys[doc]) for doc, cs in by_source.items()}
    out = {}
    for doc, candidates in by_source.items():
        others = [tables[d] for d in by_source if d != doc]
        rows = []
        for c, key in zip(candidates, keys[doc], strict=True):
            support = np.array([_support(key, t) for t in others] or [0.0])
            said = terms(c.text)
            year, name, digit = (
                float(bool(_YEAR.search(c.text))),
                float(has_kind(c.text, Kind.PERSON)),
                float(bool(_DIGIT.search(c.text))),
            )
            rows.append(
                [
                    c.probability, c.logit, c.margin, c.gap, float(c.place == 0), c.place,
                    min(c.rank, 10), float(c.rank == 0), *c.rules,
                    support.sum(), (support >= threshold).sum(), (support > 0).sum(),
                    support.mean(), support.max(),
                    min(len(c.text.split()), 10), len(said & asked) / max(1, len(said)),
                    digit, float(c.text[:1].isupper()), len(by_source),
                    asks[0] * year, asks[1] * name, asks[2] * digit, open_question * digit,
                    open_question * name, *asks, year, name, digit,
                    (c.end - c.start) / max(1, c.sentence_length),
                    np.log1p(min(len(c.text.split()), MAX_WORDS)),
                ]
            )  # fmt: skip
        out[doc] = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    return out


Table = tuple[dict[tuple[str, ...], float], dict[tuple[str, ...], float]]


def _support_tables(candidates: Sequence[SpanCandidate], keys: list[tuple[str, ...]]) -> Table:
    """A source's two best spans per sentence that the span head would answer with (margin over
    "no answer" > 0), by key and by every word run of a key, each with the best probability of a
    sentence proposing it. Without the margin bar, a name the sources all mention ("Claude" in
    every article about Anthropic) counted as support for any question about it."""
    whole: dict[tuple[str, ...], float] = {}
    runs: dict[tuple[str, ...], float] = {}
    for c, key in zip(candidates, keys, strict=True):
        if c.place > 1 or c.margin <= 0 or not key:
            continue
        whole[key] = max(whole.get(key, 0.0), c.probability)
        for run in _runs(key):
            runs[run] = max(runs.get(run, 0.0), c.probability)
    return whole, runs


def _support(key: tuple[str, ...], table: Table) -> float:
    """How strongly another source proposes the same answer: its key inside one of the source's,
    or one of the source's inside it (answer/short_answers.py's same_answer, as a lookup)."""
    if not key:
        return 0.0
    whole, runs = table
    return max([runs.get(key, 0.0)] + [whole.get(run, 0.0) for run in _runs(key)])


def _runs(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    n = len(key)
    return [key[i:j] for i in range(n) for j in range(i + 1, min(n, i + MAX_RUN) + 1)]


def passing(
    by_source: dict[str, list[SpanCandidate]], judge_threshold: float
) -> dict[str, list[SpanCandidate]]:
    """Only the spans of sentences the judge passes, the same bar `ask` sets for a sentence to
    answer: out of RAMDocs, the answers-at-all model alone is sure of spans in sentences the
    judge rejects ("Claude models" for "Who is the CEO of Amazon?", the judge's P 0.09).
    On RAMDocs' public half (CV) this costs attribution: 0.538 → 0.492."""
    kept = {
        doc: [c for c in cs if c.probability >= judge_threshold] for doc, cs in by_source.items()
    }
    return {doc: cs for doc, cs in kept.items() if cs}


@dataclass(frozen=True)
class Linear:
    """Standardised inputs times weights (plus a bias)."""

    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]
    bias: float = 0.0

    def __call__(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def to_json(self) -> dict[str, Any]:
        return {
            k: [round(float(v), 6) for v in getattr(self, k)] for k in ("mean", "scale", "weights")
        } | {"bias": round(self.bias, 6)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        arrays = {k: np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "weights")}
        return cls(**arrays, bias=float(data.get("bias", 0.0)))


def source_row(
    scores: npt.NDArray[np.float64], x: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The answers-at-all model's input: the best span's features, its score and the runner-up's."""
    order = np.argsort(-scores, kind="stable")
    second = scores[order[1]] if len(scores) > 1 else scores[order[0]] - 5.0
    return np.concatenate([x[order[0]], [scores[order[0]], second]])


@dataclass(frozen=True)
class Picker:
    """The ranker (`span`), the answers-at-all model (`source`) and its threshold."""

    span: Linear
    source: Linear
    threshold: float
    card: dict[str, Any]

    def pick(
        self, question: str, by_source: dict[str, list[SpanCandidate]], judge_threshold: float
    ) -> dict[str, Pick | None]:
        """Each source's answer, or None where it gives none: no span in a sentence the judge
        passes, or its best such span falls below the threshold."""
        out: dict[str, Pick | None] = {doc: None for doc in by_source}
        with_spans = passing(by_source, judge_threshold)
        for doc, x in features(question, with_spans, judge_threshold).items():
            scores = self.span(x)
            best = int(np.argmax(scores))
            p = float(1.0 / (1.0 + np.exp(-self.source(source_row(scores, x)))))
            if p >= self.threshold:
                out[doc] = Pick(with_spans[doc][best], float(scores[best]), p)
        return out

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format_version": FORMAT_VERSION,
            "features": list(FEATURES),
            "spans_per_sentence": SPANS_PER_SENTENCE,
            "span": self.span.to_json(),
            "source": self.source.to_json(),
            "threshold": round(self.threshold, 6),
            "card": self.card,
        }
        path = folder / PICKER_FILE
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        return path


@lru_cache(maxsize=4)
def load_picker(folder: Path = PICKER_DIR) -> Picker | None:
    """The committed picker, or None when there is none (the judge's best span stands in)."""
    path = folder / PICKER_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format_version") != FORMAT_VERSION or data.get("features") != list(FEATURES):
        raise RagError(
            f"{path} was written for other features: retrain it with "
            "`python -m rag.answer.train_picker`."
        )
    return Picker(
        Linear.from_json(data["span"]),
        Linear.from_json(data["source"]),
        float(data["threshold"]),
        data.get("card", {}),
    )
