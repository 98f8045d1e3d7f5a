"""The answer judge, article-wise 2-fold cross-validated on the SQuAD 2.0 public half: each fold's
judge is trained without its 4 test articles, then judges their questions. Not an answerer test.

    .venv/bin/python -m bench.judge_cv [--train] [--work DIR] [--k 5]

Candidates: the gold paragraph's sentences, and the sentences of the top-k retrieved chunks of
the 8 articles as one corpus (one document per article, index built in a temp folder). Reports,
per score head: AUC of each question's best score (answerable vs not), abstention recall and
answer hit at the test fold's own 0.15 false-abstention point (a ranking measure), and at the
threshold the fold's judge calibrated on its training articles (the honest operating point).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ONNX_DIR, rag_settings, write_result
from rag.judge.data import BENCHMARKS, SOURCES, Item, load_items
from rag.judge.metrics import Judged, at_rate, judged, summary
from rag.judge.scorer import CONFIG, WEIGHTS, Candidate, Combiner, Heads, make_tokenizer
from rag.judge.train import FALSE_ABSTENTION, Recipe, net_heads
from rag.judge.train import run as train_run

ARTICLES = [
    "Normans",
    "Huguenot",
    "1973_oil_crisis",
    "Packet_switching",
    "Yuan_dynasty",
    "Scottish_Parliament",
    "Imperialism",
    "French_and_Indian_War",
]
FOLDS = [ARTICLES[0::2], ARTICLES[1::2]]
OPERATING = "combined"  # the score the product thresholds (the fold's fitted combiner)


def write_corpus(folder: Path) -> None:
    """One document per article: its paragraphs, blank-line separated."""
    folder.mkdir(parents=True)
    data = json.loads((BENCHMARKS / SOURCES["squad2"]).read_text(encoding="utf-8"))["data"]
    for article in data:
        body = "\n\n".join(p["context"] for p in article["paragraphs"])
        (folder / f"{article['title']}.txt").write_text(body, encoding="utf-8")


def retrieved(items: list[Item], k: int, work: Path) -> list[list[Candidate]]:
    """Per question: the sentences (with the one before) of its top-k hybrid chunks."""
    from rag.embedding.model import make_embedder
    from rag.engine import build_engine
    from rag.ingestion import ingest

    write_corpus(work / "corpus")
    settings = rag_settings(
        corpus_dir=work / "corpus",
        index_dir=work / "index",
        embedding_backend="onnx",
        onnx_quantize=False,
        onnx_dir=ONNX_DIR,
    )
    embedder = make_embedder(settings)
    ingest(settings, embedder)
    engine = build_engine(settings, embedder)
    sents = engine.index.sentences

    def before(r: int) -> str:
        return sents[r - 1].text if r and sents[r - 1].doc_id == sents[r].doc_id else ""

    out = []
    for it in items:
        hits = engine.retriever.search(it.question, k)
        rows = dict.fromkeys(r for h in hits for r in engine.index.chunk_sentences(h.chunk))
        out.append([Candidate(sents[r].text, before(r)) for r in rows])
    return out


def head_scores(heads: Heads, combiner: Combiner) -> dict[str, np.ndarray]:
    """Per head: the [CLS] probability, the span margin, their sum, and the fold's combiner."""
    return {
        "cls": 1 / (1 + np.exp(-heads.logit)),
        "span": heads.margin,
        "sum": heads.logit + heads.margin,
        "combined": combiner(heads.logit, heads.margin),
    }


def judge_candidates(
    model: Path, items: list[Item], candidates: list[list[Candidate]]
) -> dict[str, list[Judged]]:
    """Every question's candidates scored by the fold's judge, then judged per head."""
    from rag.embedding.onnx_model import packaged_model_dir
    from rag.judge.network import load_net

    config = json.loads((model / CONFIG).read_text(encoding="utf-8"))
    net = load_net(packaged_model_dir(), model / WEIGHTS)
    pairs = [(it.question, c) for it, cands in zip(items, candidates, strict=True) for c in cands]
    heads = net_heads(net, make_tokenizer(int(config["max_length"])), pairs)
    out: dict[str, list[Judged]] = {}
    for head, scores in head_scores(heads, Combiner(**config.get("combine", {}))).items():
        out[head], at = [], 0
        for it, cands in zip(items, candidates, strict=True):
            texts = [c.text for c in cands]
            out[head].append(judged(it.answerable, texts, scores[at : at + len(cands)], it.answers))
            at += len(cands)
    return out


def evaluate(
    work: Path, k: int, sample: int, limit: int | None = None, folds: tuple[int, ...] = (0, 1)
) -> dict[str, Any]:
    """Gold-paragraph candidates for every test question; retrieved ones for `sample` per fold."""
    items = {n: load_items("squad2", set(FOLDS[n]))[:limit] for n in folds}
    asked = {n: random.Random(0).sample(test, min(sample, len(test))) for n, test in items.items()}
    with tempfile.TemporaryDirectory() as tmp:
        flat = [it for n in asked for it in asked[n]]
        by_item = dict(zip([it.qid for it in flat], retrieved(flat, k, Path(tmp)), strict=True))
    result: dict[str, Any] = {}
    pooled: dict[str, list[Judged]] = {}
    for n, test in items.items():
        model = work / f"fold{n}"
        threshold = json.loads((model / CONFIG).read_text(encoding="utf-8"))["threshold"]
        gold = [[Candidate(w.text, w.before) for w in it.windows] for it in test]
        found = [by_item[it.qid] for it in asked[n]]
        setting = {"gold_paragraph": (test, gold), f"retrieved_top{k}": (asked[n], found)}
        for name, (questions_asked, candidates) in setting.items():
            scored = judge_candidates(model, questions_asked, candidates)
            for head, questions in scored.items():
                key = f"fold{n}/{name}/{head}"
                result[key] = {"at_rate": at_rate(questions, FALSE_ABSTENTION)}
                if head == OPERATING:
                    result[key]["calibrated"] = summary(questions, threshold)
                if head in ("cls", OPERATING):
                    pooled.setdefault(f"{name}/{head}", []).extend(questions)
    for name, questions in pooled.items():
        result[f"pooled/{name}"] = {"at_rate": at_rate(questions, FALSE_ABSTENTION)}
    return result


def overlap_baseline() -> dict[str, Any]:
    """No model: share of the question's stemmed content words in the sentence (gold paragraph)."""
    from rag.text.tokens import terms

    questions = []
    for test in FOLDS:
        for it in load_items("squad2", set(test)):
            wanted = max(1, len(terms(it.question)))
            scores = [len(terms(it.question) & terms(w.text)) / wanted for w in it.windows]
            questions.append(
                judged(it.answerable, [w.text for w in it.windows], scores, it.answers)
            )
    return {"overlap/gold_paragraph": {"at_rate": at_rate(questions, FALSE_ABSTENTION)}}


def train_folds(work: Path) -> None:
    for n, test in enumerate(FOLDS):
        train_run(Recipe(exclude=[f"squad2/{t}" for t in test]), work / f"fold{n}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", action="store_true", help="train both folds' judges first")
    parser.add_argument("--work", type=Path, default=Path("/tmp/judge-cv"))
    parser.add_argument("--k", type=int, default=5, help="chunks retrieved per question")
    parser.add_argument("--sample", type=int, default=150, help="retrieval questions per fold")
    parser.add_argument("--limit", type=int, default=None, help="first N questions (smoke run)")
    parser.add_argument("--overlap", action="store_true", help="only the no-model baseline")
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1], help="folds to evaluate")
    args = parser.parse_args(argv)
    if args.overlap:
        result = overlap_baseline()
        print(json.dumps(result, indent=2))
        return result
    if args.train:
        train_folds(args.work)
    result = {"folds": FOLDS, "work": str(args.work), "k": args.k, "sample": args.sample}
    result |= evaluate(args.work, args.k, args.sample, args.limit, tuple(args.folds))
    print(json.dumps(result, indent=2))
    print(f"wrote {write_result('judge_cv', result)}")
    return result


if __name__ == "__main__":
    main()
