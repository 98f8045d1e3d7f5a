"""SQuAD v1.1 dev as an external check: its paragraphs become a corpus (one document each), a
fixed-seed sample of its questions is asked, and we score retrieval hit@k of the gold paragraph
(dense, BM25, hybrid) and answer hits of `ask` against a LangChain-style top-chunk baseline.
Builds its index in a temp folder; never touches index/. Not SQuAD's EM/F1: our answers are
whole sentences, so "hit" means a normalised gold answer appears inside the answer text.

    .venv/bin/python -m bench.squad [--questions 1000] [--paragraphs N] [--chunk-vectors pooled]
                                    [--all-articles]

By default only articles off the training allowlist are used (the judge may learn from those).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import ONNX_DIR, latency_ms, rag_settings, timed, write_result
from rag.judge.data import BENCHMARKS, allowlist
from rag.judge.metrics import holds as answer_hit  # SQuAD's normalisation, whole words

SQUAD = BENCHMARKS / "squad" / "dev-v1.1.json"
MODES = ("dense", "bm25", "hybrid")
BASELINE_K = 4


@dataclass(frozen=True)
class Question:
    text: str
    doc_id: str
    answers: list[str]


def load_squad(
    path: Path, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, str], list[Question]]:
    """Paragraphs by doc id ("Super_Bowl_50_003" = 4th paragraph) and every question, in order,
    of every article but those titled in `skip`."""
    paragraphs: dict[str, str] = {}
    asked: list[Question] = []
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for article in (a for a in data if a["title"] not in skip):
        for n, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"{article['title']}_{n:03d}"
            paragraphs[doc_id] = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = [a["text"] for a in qa["answers"]]
                asked.append(Question(qa["question"], doc_id, answers))
    return paragraphs, asked


def trained_on() -> frozenset[str]:
    """Titles on the training allowlist (SQuAD v1.1's and the SQuAD 2.0 split's): the numbers
    that count come from the other articles only."""
    return frozenset().union(*allowlist().values())


def pick(
    paragraphs: dict[str, str], asked: list[Question], n_questions: int, n_paragraphs: int | None
) -> tuple[dict[str, str], list[Question]]:
    """The question sample (random.Random(0)) and the paragraphs: all, or N holding every gold."""
    sample = random.Random(0).sample(asked, n_questions)
    if n_paragraphs is None or n_paragraphs >= len(paragraphs):
        return paragraphs, sample
    gold = {q.doc_id for q in sample}
    others = sorted(set(paragraphs) - gold)
    extra = random.Random(0).sample(others, max(0, n_paragraphs - len(gold)))
    return {d: paragraphs[d] for d in sorted(gold | set(extra))}, sample


def write_corpus(paragraphs: dict[str, str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, text in paragraphs.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def ranked_docs(doc_ids: list[str]) -> list[str]:
    """Document ids in rank order, each once."""
    return list(dict.fromkeys(doc_ids))


def hit_at(ranked: list[list[str]], gold: list[str], k: int) -> float:
    return round(float(np.mean([g in docs[:k] for docs, g in zip(ranked, gold, strict=True)])), 4)


def retrieval(engine: Any, sample: list[Question]) -> dict[str, dict[str, float]]:
    """hit@1 / hit@5 of the gold paragraph per retrieval mode (top 10 chunks, docs deduped)."""
    gold = [q.doc_id for q in sample]
    out: dict[str, dict[str, float]] = {}
    for mode in MODES:
        ranked = [
            ranked_docs([h.chunk.doc_id for h in engine.retriever.search(q.text, 10, mode)])
            for q in sample
        ]
        out[mode] = {"hit@1": hit_at(ranked, gold, 1), "hit@5": hit_at(ranked, gold, 5)}
    return out


def ours(engine: Any, settings: Any, sample: list[Question]) -> dict[str, Any]:
    """`ask` on every question: answer hits, length in words, abstentions, latency."""
    from rag.chain import ask

    ask("warm up", settings, engine=engine)
    seconds: list[float] = []
    hits, words, abstained = [], [], 0
    for q in sample:
        took, answer = timed(partial(ask, q.text, settings, engine=engine))
        seconds.append(took)
        abstained += answer.abstained
        quoted = "" if answer.abstained else " ".join(s.text for s in answer.sentences)
        hits.append(answer_hit(quoted, q.answers))
        if not answer.abstained:
            words.append(len(quoted.split()))
    answered = len(sample) - abstained
    return {
        "answer_hit": round(float(np.mean(hits)), 4),
        "answer_hit_when_answered": round(sum(hits) / answered, 4) if answered else None,
        "mean_answer_words": round(float(np.mean(words)), 1) if words else None,
        "abstention_rate": round(abstained / len(sample), 4),
        "ask": latency_ms(seconds),
    }


def baseline(paragraphs: dict[str, str], embedder: Any, sample: list[Question]) -> dict[str, Any]:
    """LangChain-style: RecursiveCharacterTextSplitter(1000, 200), dense top-4, answer = top 1."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = [(d, c) for d, text in paragraphs.items() for c in splitter.split_text(text)]
    took, vectors = timed(lambda: embedder.embed([c for _, c in chunks]))
    queries = embedder.embed([q.text for q in sample])
    top = np.argsort(-(queries @ vectors.T), axis=1)[:, :BASELINE_K]
    ranked = [ranked_docs([chunks[i][0] for i in row]) for row in top]
    answers = [chunks[row[0]][1] for row in top]
    hits = [answer_hit(a, q.answers) for a, q in zip(answers, sample, strict=True)]
    gold = [q.doc_id for q in sample]
    return {
        "chunks": len(chunks),
        "embed_s": round(took, 1),
        "hit@1": hit_at(ranked, gold, 1),
        f"hit@{BASELINE_K}": hit_at(ranked, gold, BASELINE_K),
        "answer_hit": round(float(np.mean(hits)), 4),
        "mean_answer_words": round(float(np.mean([len(a.split()) for a in answers])), 1),
    }


def run(
    work: Path,
    paragraphs: dict[str, str],
    sample: list[Question],
    chunk_vectors: str,
    sentence_judge: str = "rules",
) -> dict[str, Any]:
    from rag.embedding.model import make_embedder
    from rag.engine import build_engine
    from rag.ingestion import ingest

    settings = rag_settings(
        corpus_dir=write_corpus(paragraphs, work / "corpus"),
        index_dir=work / "index",
        embedding_backend="onnx",
        onnx_quantize=False,
        onnx_dir=ONNX_DIR,
        chunk_vectors=chunk_vectors,
        sentence_judge=sentence_judge,
    )
    embedder = make_embedder(settings)
    embedder.embed(["warm up"])  # load the model outside the ingest timing
    print(f"ingest {len(paragraphs)} paragraphs", flush=True)
    took, report = timed(partial(ingest, settings, embedder))
    ingested = {"wall_s": round(took, 1), "documents": report.documents, "chunks": report.chunks}
    ingested["sentences"] = report.sentences
    print(f"ingest {ingested}; asking {len(sample)} questions", flush=True)
    engine = build_engine(settings, embedder)
    answered = ours(engine, settings, sample)  # before retrieval: its query cache starts empty
    print("retrieval modes, baseline", flush=True)
    return {
        "ingest": ingested,
        "retrieval": retrieval(engine, sample),
        "ours": answered,
        "langchain_top_chunk": baseline(paragraphs, embedder, sample),
    }


def verdict(retrieved: dict[str, dict[str, float]]) -> dict[str, bool]:
    """Does hybrid beat both halves, at each k?"""
    return {
        k: retrieved["hybrid"][k] > max(retrieved["dense"][k], retrieved["bm25"][k])
        for k in ("hit@1", "hit@5")
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=1000, help="sampled with Random(0)")
    parser.add_argument("--paragraphs", type=int, default=None, help="subsample (golds kept)")
    parser.add_argument(
        "--chunk-vectors",
        choices=["encoded", "pooled"],
        default="encoded",
        help="Settings.chunk_vectors; pooled writes results/squad-pooled.json",
    )
    parser.add_argument(
        "--sentence-judge",
        choices=["rules", "learned"],
        default="rules",
        help="Settings.sentence_judge; learned writes results/squad-judge.json",
    )
    parser.add_argument(
        "--all-articles",
        action="store_true",
        help="include the articles the judge may train on (TRAINING-ALLOWLIST.txt)",
    )
    args = parser.parse_args(argv)
    skip = frozenset() if args.all_articles else trained_on()
    paragraphs, asked = load_squad(SQUAD, skip)
    paragraphs, sample = pick(paragraphs, asked, args.questions, args.paragraphs)
    result: dict[str, Any] = {
        "data": str(SQUAD),
        "paragraphs": len(paragraphs),
        "questions": len(sample),
        "seed": 0,
        "chunk_vectors": args.chunk_vectors,
        "sentence_judge": args.sentence_judge,
        "articles": "all" if args.all_articles else "not on the training allowlist",
    }
    with tempfile.TemporaryDirectory() as tmp:
        result |= run(Path(tmp), paragraphs, sample, args.chunk_vectors, args.sentence_judge)
    result["hybrid_beats_both"] = verdict(result["retrieval"])
    print(json.dumps({k: v for k, v in result.items() if k != "data"}, indent=2))
    name = "squad" if args.chunk_vectors == "encoded" else f"squad-{args.chunk_vectors}"
    name += "" if args.all_articles else "-unseen"  # results/squad.json: the all-article runs
    name += "" if args.sentence_judge == "rules" else "-judge"
    print(f"wrote {write_result(name, result)}")
    return result


if __name__ == "__main__":
    main()
