"""Ingest throughput: ours (torch, ONNX fp32 and int8, OpenVINO) against the textbook LangChain
pipeline, interleaved in one run so the ratios survive a shared, noisy machine. Never touches
index/.

    .venv/bin/python -m bench.ingest [--repeat 3] [--big squad|replicated|none] [--big-repeat 1]
        [--big-pipelines langchain onnx-fp32 openvino openvino-pooled ...]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import (
    BACKENDS,
    CORPUS,
    POOLED,
    median,
    rag_settings,
    replicated_corpus,
    squad_corpus,
    timed,
    write_result,
)


@dataclass
class Counts:
    chunks: int
    texts_embedded: int


Pipeline = Callable[[Path, Path], Counts]  # (corpus folder, scratch folder) → what it built
BASELINE = "langchain"


def loaded_embedders() -> dict[str, Any]:
    from rag.embedding.model import make_embedder

    # bulk=True: what `rag ingest` loads. Without it the openvino backend falls back to
    # onnxruntime (OpenVINO serves bulk work only, embedding/model.py), and its row would
    # measure onnxruntime (as any rerun between 2026-12-06 04:56 and this line would have).
    embedders = {
        name: make_embedder(rag_settings(**BACKENDS[name]), bulk=True) for name in BACKENDS
    }
    for embedder in embedders.values():
        embedder.embed(["warm up"])
    return embedders


def ours(backend: str, embedder: Any, **overrides: Any) -> Pipeline:
    """`rag ingest` into a fresh folder with a loaded embedder (throughput, not start-up)."""
    from rag.ingestion import ingest

    def run(corpus: Path, work: Path) -> Counts:
        settings = rag_settings(
            corpus_dir=corpus, index_dir=work / "index", **BACKENDS[backend], **overrides
        )
        report = ingest(settings, embedder)
        return Counts(report.chunks, report.embedded_chunks + report.embedded_sentences)

    return run


def langchain(device: str = "cpu") -> Pipeline:
    """RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings + FAISS.from_documents."""
    # langchain-huggingface needs huggingface-hub < 2 (we pin 2.4), so the same class comes from
    # langchain-community: identical code path (SentenceTransformer(...).encode), same defaults.
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.embedding.model import packaged_model_path

    embeddings = HuggingFaceEmbeddings(
        model_name=packaged_model_path(), model_kwargs={"device": device}
    )
    embeddings.embed_query("warm up")

    def run(corpus: Path, work: Path) -> Counts:
        docs = [
            Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.stem})
            for p in sorted(corpus.glob("*.txt"))
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(docs)
        FAISS.from_documents(chunks, embeddings).save_local(str(work / "faiss"))
        return Counts(len(chunks), len(chunks))

    return run


def pipelines(embedders: dict[str, Any]) -> dict[str, Pipeline]:
    runs = {BASELINE: langchain(), **{name: ours(name, e) for name, e in embedders.items()}}
    for name, (backend, overrides) in POOLED.items():
        runs[name] = ours(backend, embedders[backend], **overrides)
    return runs


def count_tokens(texts: list[str]) -> int:
    """Model tokens after truncation at 256, what the encoder really processes."""
    from rag.embedding.onnx_model import _tokenizer, packaged_model_dir

    return sum(len(e.ids) for e in _tokenizer(packaged_model_dir()).encode_batch(texts))


def texts_to_embed(corpus: Path) -> dict[str, list[str]]:
    """What each pipeline hands its encoder: our chunks and sentences, LangChain's chunks."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from rag.corpus.chunking import make_chunks, split_sentences
    from rag.corpus.reader import load_corpus
    from rag.index.core import chunk_text

    settings = rag_settings(corpus_dir=corpus)
    chunk_texts: list[str] = []
    sentence_texts: list[str] = []
    theirs: list[str] = []
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    for article in load_corpus(corpus).articles:
        sentences = split_sentences(article)
        chunks = make_chunks(article, sentences, settings.chunk_size, settings.chunk_overlap)
        chunk_texts += [chunk_text(article.title, c.text) for c in chunks]
        sentence_texts += [s.text for s in sentences]
        theirs += splitter.split_text(article.text)
    return {"ours_chunks": chunk_texts, "ours_sentences": sentence_texts, BASELINE: theirs}


def embedded_tokens(corpus: Path) -> dict[str, int]:
    return {name: count_tokens(texts) for name, texts in texts_to_embed(corpus).items()}


def encoder_speed(embedders: dict[str, Any], texts: list[str], rounds: int) -> dict[str, Any]:
    """The encoder alone (no splitting, no saving): tokens/s, interleaved rounds, vs torch."""
    seconds: dict[str, list[float]] = {name: [] for name in embedders}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            seconds[name].append(timed(partial(embedder.embed, texts))[0])
    tokens = count_tokens(texts)
    return {name: _speed(tokens, runs, seconds["torch"]) for name, runs in seconds.items()}


def _speed(tokens: int, runs: list[float], torch_runs: list[float]) -> dict[str, float]:
    ratios = [t / s for t, s in zip(torch_runs, runs, strict=True)]
    return {"tokens_per_s": round(tokens / median(runs)), "vs_torch": round(median(ratios), 2)}


def compare(runs: dict[str, Pipeline], corpus: Path, repeat: int) -> dict[str, Any]:
    """Every pipeline once per round, order rotated; ratios are taken within a round."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    counts: dict[str, Counts] = {}
    names = list(runs)
    for round_ in range(repeat):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            with tempfile.TemporaryDirectory() as work:
                took, counts[name] = timed(lambda: runs[name](corpus, Path(work)))  # noqa: B023
            seconds[name].append(took)
            print(f"  {name:10s} {took:7.2f} s  {counts[name].chunks} chunks", flush=True)
    return {name: _row(name, seconds, counts) for name in runs}


def _row(name: str, seconds: dict[str, list[float]], counts: dict[str, Counts]) -> dict[str, Any]:
    """Speed-up = our chunks/s over LangChain's in the same round (median over rounds)."""
    wall = median(seconds[name])
    own, base = counts[name], counts[BASELINE]
    ratios = [
        (own.chunks / ours) / (base.chunks / theirs)
        for theirs, ours in zip(seconds[BASELINE], seconds[name], strict=True)
    ]
    return {
        **asdict(own),
        "wall_s": round(wall, 3),
        "wall_s_runs": [round(s, 3) for s in seconds[name]],
        "chunks_per_s": round(own.chunks / wall, 2),
        "texts_per_s": round(own.texts_embedded / wall, 2),
        "chunks_per_s_vs_langchain": round(median(ratios), 2),
        "wall_vs_langchain": round(
            median([t / s for t, s in zip(seconds[BASELINE], seconds[name], strict=True)]), 2
        ),
    }


def reingest(backend: str, corpus: Path, repeat: int) -> dict[str, Any]:
    """Second `ingest` over an unchanged corpus: nothing may be embedded or saved."""
    from rag.embedding.model import make_embedder
    from rag.ingestion import ingest

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "index"
        settings = rag_settings(corpus_dir=corpus, index_dir=folder, **BACKENDS[backend])
        embedder = make_embedder(settings, bulk=True)
        ingest(settings, embedder)
        runs = [timed(lambda: ingest(settings, embedder)) for _ in range(repeat)]
    embedded = max(r.embedded_chunks + r.embedded_sentences for _, r in runs)
    return {
        "backend": backend,
        "wall_s": round(median([s for s, _ in runs]), 3),
        "wall_s_runs": [round(s, 3) for s, _ in runs],
        "texts_embedded": embedded,
        "saved": any(r.saved for _, r in runs),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="rounds on the seed corpus")
    parser.add_argument(
        "--big",
        choices=["squad", "replicated", "none"],
        default="squad",
        help="the larger corpus: SQuAD v1.1 dev's 48 articles (distinct text, ~2,500 chunks), "
        "or --copies copies of the seed corpus (ingest embeds repeated text once)",
    )
    parser.add_argument("--copies", type=int, default=26, help="seed copies, for --big replicated")
    parser.add_argument("--big-repeat", type=int, default=1, help="rounds on the big corpus")
    parser.add_argument(
        "--big-pipelines",
        nargs="+",
        default=[BASELINE, "onnx-fp32", "openvino", "openvino-pooled", "onnx-int8-pooled"],
        help="which pipelines run on the big corpus (the others are left out to bound the time)",
    )
    args = parser.parse_args(argv)
    embedders = loaded_embedders()
    texts = texts_to_embed(CORPUS)
    print("encoder alone, seed chunk and sentence texts", flush=True)
    result: dict[str, Any] = {
        "encoder_chunks": encoder_speed(embedders, texts["ours_chunks"], args.repeat),
        "encoder_sentences": encoder_speed(embedders, texts["ours_sentences"], args.repeat),
    }
    runs = pipelines(embedders)
    print(f"seed corpus, {args.repeat} rounds", flush=True)
    result["seed_corpus"] = compare(runs, CORPUS, args.repeat)
    result["seed_tokens_embedded"] = embedded_tokens(CORPUS)
    if args.big != "none":
        with tempfile.TemporaryDirectory() as tmp:
            if args.big == "squad":
                big, key, about = squad_corpus(Path(tmp) / "corpus"), "squad_corpus", {}
                print(f"SQuAD v1.1 dev articles, {args.big_repeat} round(s)")
            else:
                big = replicated_corpus(Path(tmp) / "corpus", args.copies)
                key, about = "replicated_corpus", {"copies": args.copies}
                print(f"{args.copies} copies of the seed corpus, {args.big_repeat} round(s)")
            chosen = {name: runs[name] for name in args.big_pipelines}
            result[key] = {
                **about,
                "tokens_embedded": embedded_tokens(big),
                **compare(chosen, big, args.big_repeat),
            }
    result["unchanged_reingest"] = reingest("torch", CORPUS, 5)
    print(f"wrote {write_result('ingest', result)}")
    return result


if __name__ == "__main__":
    main()
