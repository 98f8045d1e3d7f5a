"""Fit the answer picker (judge/picker.py) on RAMDocs' public half and write its artifact and card.

    python -m rag.answer.train_picker [--questions N] [--out DIR]

Each question's documents become a tiny corpus (one document each) in a temp index, read the way
`compare` reads them under the learned judge (answer/judged.py: each source's best sentences,
the judge's spans in each); a span is right where it holds the document's label (a correct
document's answer, a misinformation document's wrong answer; a noise document has none). The
ranker is a conditional logit over each document's spans, the answers-at-all model a logistic
regression on its best span, and its threshold the one that maximises attribution on the
training questions. Reported: question-wise 2-fold cross-validation (even / odd questions),
then the artifact fitted on all. RAMDocs' public half is allowlisted for fitting the
comparison (shared/benchmarks/TRAINING-ALLOWLIST.txt); nothing else is read. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rag.answer.comparison import _every_sentence, scored_by_doc
from rag.answer.judged import ANSWER_SENTENCES, read_sources, source_candidates
from rag.config import Settings
from rag.embedding.model import Embedder, make_embedder
from rag.engine import build_engine
from rag.ingestion import ingest
from rag.judge.card import sha256
from rag.judge.data import BENCHMARKS
from rag.judge.picker import (
    FEATURES,
    PICKER_DIR,
    PICKER_FILE,
    SPANS_PER_SENTENCE,
    Linear,
    Picker,
    SpanCandidate,
    features,
    passing,
    source_row,
)
from rag.text.short_answers import normalize, same_answer

RAMDOCS = "ramdocs/RAMDocs_test-public.jsonl"
L2 = 0.01  # the ranker's ridge penalty on standardised weights; not tuned
CARD = "MODEL_CARD.md"


@dataclass
class Source:
    """One document of one question: its spans' features, which hold its label, its type."""

    x: npt.NDArray[np.float64]
    right: npt.NDArray[np.bool_]  # holds the label tightly (holds): what the ranker learns
    contains: npt.NDArray[np.bool_]  # holds it anywhere: bench.ramdocs' attribution measure
    kind: str  # correct / misinfo / noise


def allowed(root: Path = BENCHMARKS) -> Path:
    listed = (root / "TRAINING-ALLOWLIST.txt").read_text(encoding="utf-8").split()
    if RAMDOCS not in listed:
        raise SystemExit(f"{RAMDOCS} is not on the training allowlist: nothing to fit on.")
    return root / RAMDOCS


EXTRA_WORDS = 2  # a right span may hold its label and this many more words ("directed by X")


def holds(span: str, label: str) -> bool:
    """The span is the label, inside it, or holds it with at most EXTRA_WORDS more: a sentence-long
    span that happens to contain the answer is not a short answer (with plain containment the
    ranker learned to prefer long spans)."""
    key, wanted = normalize(span), normalize(label)
    return same_answer(key, wanted) and len(key.split()) <= len(wanted.split()) + EXTRA_WORDS


@dataclass
class Read:
    """One question as compare under the judge reads it: every source's spans, and each
    document's type and labels (its answer, or the question's wrong answers)."""

    question: str
    threshold: float
    spans: dict[str, list[SpanCandidate]]
    kinds: dict[str, str]
    labels: dict[str, list[str]]


def read_question(
    record: dict[str, Any], work: Path, settings: Settings, embedder: Embedder
) -> Read:
    """The question's documents in a temp index, read the way compare reads them."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for n, doc in enumerate(record["documents"]):  # ids say nothing of the label
        (corpus / f"d{n:02d}.txt").write_text(doc["text"], encoding="utf-8")
    local = settings.model_copy(update={"corpus_dir": corpus, "index_dir": work / "index"})
    ingest(local, embedder)
    engine = build_engine(local, embedder)
    assert engine.judge is not None
    question = record["question"]
    near = scored_by_doc(question, sorted(engine.index.articles), engine)
    scored = _every_sentence(question, near, engine)
    ranked = read_sources(
        question, scored, engine.retriever, engine.judge, ANSWER_SENTENCES, SPANS_PER_SENTENCE
    )
    by_source, _ = source_candidates(ranked, list(scored))
    docs = {f"d{n:02d}": doc for n, doc in enumerate(record["documents"])}
    return Read(
        question,
        engine.judge.threshold,
        {d: by_source.get(d, []) for d in docs},
        {d: doc["type"] for d, doc in docs.items()},
        {
            d: [doc["answer"]] if doc["type"] == "correct" else list(record["wrong_answers"])
            for d, doc in docs.items()
        },
    )


def labelled(read: Read) -> list[Source]:
    """Each document's spans as features, with which of them hold its label."""
    spans_of = {d: passing({d: cs}, read.threshold).get(d, []) for d, cs in read.spans.items()}
    x = features(read.question, {d: c for d, c in spans_of.items() if c}, read.threshold)
    out = []
    for doc_id, spans in spans_of.items():
        kind = read.kinds[doc_id]
        labels = read.labels[doc_id] if kind != "noise" else []
        right = np.array([any(holds(c.text, lab) for lab in labels) for c in spans], dtype=bool)
        contains = np.array(
            [any(same_answer(normalize(c.text), normalize(lab)) for lab in labels) for c in spans],
            dtype=np.bool_,
        )
        x_doc = x.get(doc_id, np.zeros((0, len(FEATURES))))
        out.append(Source(x_doc, right, contains, kind))
    return out


def save_reads(reads: list[Read], path: Path) -> None:
    """The judge's readings as JSON, so features can be refitted without re-reading."""
    rows = [asdict(r) for r in reads]
    path.write_text(json.dumps(rows), encoding="utf-8")


def load_reads(path: Path) -> list[Read]:
    out = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        spans = {
            d: [SpanCandidate(**(c | {"rules": tuple(c["rules"])})) for c in cs]
            for d, cs in row["spans"].items()
        }
        out.append(Read(row["question"], row["threshold"], spans, row["kinds"], row["labels"]))
    return out


def fit_ranker(sources: list[Source]) -> Linear:
    """Conditional logit: per document, softmax over its spans; maximise the probability of the
    spans that hold its label (documents with none are left out)."""
    from scipy.optimize import minimize

    used = [s for s in sources if len(s.x) and s.right.any()]
    stacked = np.vstack([s.x for s in sources if len(s.x)])
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-6
    zs = [((s.x - mean) / scale, s.right.astype(np.float64)) for s in used]

    def loss(w: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        total, grad = L2 * float(w @ w), 2 * L2 * w
        for z, right in zs:
            s = z @ w
            e = np.exp(s - s.max())
            p = e / e.sum()
            hit = float((p * right).sum())
            total -= np.log(hit + 1e-12)
            grad -= ((p * right) / (hit + 1e-12)) @ z - p @ z
        return total, grad

    w = minimize(loss, np.zeros(len(FEATURES)), jac=True, method="L-BFGS-B").x
    return Linear(mean, scale, w)


def fit_source(sources: list[Source], ranker: Linear) -> tuple[Linear, float]:
    """P(the document gives an answer) from its best span; the threshold that maximises
    attribution on these documents."""
    from sklearn.linear_model import LogisticRegression

    rows, gives, right = _best(sources, ranker)
    mean, scale = rows.mean(0), rows.std(0) + 1e-6
    model = LogisticRegression(max_iter=5000).fit((rows - mean) / scale, gives)
    source = Linear(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))
    p = 1 / (1 + np.exp(-source(rows)))
    kinds = [s.kind for s in sources if len(s.x)]
    grid = np.round(np.linspace(0.05, 0.95, 91), 2)
    best = max(grid, key=lambda t: float(np.mean(_attributed(p, right, kinds, t))))
    return source, float(best)


def _best(
    sources: list[Source], ranker: Linear
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    rows, gives, right = [], [], []
    for s in (s for s in sources if len(s.x)):
        scores = ranker(s.x)
        rows.append(source_row(scores, s.x))
        gives.append(s.kind != "noise")
        right.append(bool(s.right[int(np.argmax(scores))]))
    return np.array(rows), np.array(gives), np.array(right)


def _attributed(
    p: npt.NDArray[np.float64], right: npt.NDArray[np.bool_], kinds: list[str], t: float
) -> list[bool]:
    return [
        (k == "noise" and pi < t) or (k != "noise" and pi >= t and r)
        for pi, r, k in zip(p, right, kinds, strict=True)
    ]


def fit(sources: list[Source], card: dict[str, Any]) -> Picker:
    ranker = fit_ranker(sources)
    source, threshold = fit_source(sources, ranker)
    return Picker(ranker, source, threshold, card)


def attribution(picker: Picker, sources: list[Source]) -> dict[str, Any]:
    """Per document: a noise one gives nothing, another gives a span holding its label tightly
    (`attribution`, what the ranker learns) or anywhere (`contains`: bench.ramdocs' measure)."""
    return _pooled([(picker, s) for s in sources])


def _pick(picker: Picker, s: Source) -> int | None:
    """The span the picker gives for a document, or None."""
    if not len(s.x):
        return None
    scores = picker.span(s.x)
    p = 1 / (1 + np.exp(-picker.source(source_row(scores, s.x))))
    return int(np.argmax(scores)) if p >= picker.threshold else None


def _rates(by_kind: dict[str, list[bool]]) -> dict[str, Any]:
    every = [v for vs in by_kind.values() for v in vs]
    return {"all": round(float(np.mean(every)), 4)} | {
        kind: {"rate": round(float(np.mean(v)), 4), "n": len(v)}
        for kind, v in sorted(by_kind.items())
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=None, help="the first N (default all)")
    parser.add_argument("--out", type=Path, default=PICKER_DIR, help="artifact folder")
    parser.add_argument(
        "--readings",
        type=Path,
        default=None,
        help="a JSON file of the judge's readings: read from it if it exists, else written there",
    )
    args = parser.parse_args(argv)
    path = allowed()
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    records = records[: args.questions]
    started = time.perf_counter()
    if args.readings and args.readings.exists():
        reads = load_reads(args.readings)[: len(records)]
    else:
        reads = read_all(records)
        if args.readings:
            save_reads(reads, args.readings)
    questions = [labelled(r) for r in reads]
    folds = [[q for n, q in enumerate(questions) if n % 2 == k] for k in (0, 1)]
    held: list[tuple[Picker, Source]] = []
    for k in (0, 1):
        trained = fit([s for q in folds[1 - k] for s in q], {})
        held.extend((trained, s) for q in folds[k] for s in q)
    cv = _pooled(held)
    every = [s for q in questions for s in q]
    card = {
        "trained_on": f"{RAMDOCS}: {len(records)} questions, {len(every)} documents",
        "spans": int(sum(len(s.x) for s in every)),
        "documents_without_spans": {
            kind: sum(1 for s in every if s.kind == kind and not len(s.x))
            for kind in ("correct", "misinfo", "noise")
        },
        "documents_whose_spans_hold_the_label": {
            kind: sum(1 for s in every if s.kind == kind and s.right.any())
            for kind in ("correct", "misinfo")
        },
        "cross_validated": cv,
        "seconds": round(time.perf_counter() - started, 1),
    }
    picker = fit(every, card)
    card["fitted_attribution_not_held_out"] = attribution(picker, every)
    saved = picker.save(args.out)
    write_card(args.out, card, picker)
    print(json.dumps(card, indent=2))
    print(f"wrote {saved}")
    return card


def read_all(records: list[dict[str, Any]]) -> list[Read]:
    settings = Settings(sentence_judge="learned", onnx_quantize=False)
    embedder = make_embedder(settings)
    started = time.perf_counter()
    reads = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, record in enumerate(records):
            reads.append(read_question(record, Path(tmp) / f"q{n:03d}", settings, embedder))
            if n % 25 == 24:
                print(
                    f"{n + 1}/{len(records)} questions read, {time.perf_counter() - started:.0f}s"
                )
    return reads


def _pooled(held: list[tuple[Picker, Source]]) -> dict[str, Any]:
    """Attribution of each document under its own picker (in cross-validation, the one fitted
    without its question's fold)."""
    tight: dict[str, list[bool]] = {}
    loose: dict[str, list[bool]] = {}
    for picker, s in held:
        pick = _pick(picker, s)
        for by_kind, hits in ((tight, s.right), (loose, s.contains)):
            ok = pick is None if s.kind == "noise" else pick is not None and bool(hits[pick])
            by_kind.setdefault(s.kind, []).append(ok)
    return {"attribution": _rates(tight), "contains": _rates(loose)}


def write_card(folder: Path, card: dict[str, Any], picker: Picker) -> Path:
    artifact = folder / PICKER_FILE
    lines = [
        "# Answer picker: model card",
        "",
        "Picks each source's short answer among the spans the answer judge (`rag/models/judge/`)",
        "proposes in its best sentences, or says it gives none (`rag/judge/picker.py`).",
        f"Ranker: a conditional logit over {len(FEATURES)} features of each span (ridge {L2});",
        "answers-at-all: a logistic regression on the best span's features and scores, with",
        f"threshold {picker.threshold} (the best attribution on the training questions).",
        "",
        "## Data",
        f"- {card['trained_on']} (allowlisted for fitting the comparison), {card['spans']} spans.",
        "- A span is right where it holds its document's label: the answer of a `correct`",
        "  document, a wrong answer for a `misinfo` one; a `noise` document should give none.",
        "",
        "## Measured",
        "Question-wise 2-fold cross-validation (even / odd questions), per-document attribution:",
        "",
        "```json",
        json.dumps(card["cross_validated"], indent=2),
        "```",
        "",
        "Fitted on every question, measured on the same (not held out):",
        "",
        "```json",
        json.dumps(card["fitted_attribution_not_held_out"], indent=2),
        "```",
        "",
        "## Retrain",
        "`python -m rag.answer.train_picker` (deterministic; ~5 min on 2 cores, most of it",
        "ingesting each question's documents and running the judge).",
        "",
        "## Files",
        "| file | bytes | sha256 |",
        "|---|---:|---|",
        f"| `{PICKER_FILE}` | {artifact.stat().st_size} | `{sha256(artifact)}` |",
        "",
    ]
    path = folder / CARD
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
