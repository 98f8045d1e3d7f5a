"""bench/results/*.json → the summary tables between the markers in bench/README.md.

Does NOT measure: it only renders what the benchmarks wrote. `python -m bench.report` re-renders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT

README = ROOT / "bench" / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_section(result: dict[str, Any]) -> str:
    m = result["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    return (
        f"Machine: {m['cpu']}, {m['usable_cores']} cores, {m['ram_gb']} GB RAM, Python "
        f"{m['python']}, {m['platform']}.\n\nPackages: {versions}."
    )


def _run_note(result: dict[str, Any]) -> str:
    load_avg = result["machine"]["load_average"]
    return f"`{result['command']}` — finished {result['finished']}, load average {load_avg}"


def ingest_section(result: dict[str, Any]) -> str:
    parts = [f"### Ingest\n\n{_run_note(result)}"]
    corpora = (
        ("seed_corpus", "Seed corpus"),
        ("squad_corpus", "SQuAD v1.1 dev's 48 articles (distinct text)"),
        ("replicated_corpus", "Replicated corpus"),
    )
    for key, title in corpora:
        if key not in result:
            continue
        rows = [
            [
                name,
                r["chunks"],
                r["texts_embedded"],
                r["wall_s"],
                r["chunks_per_s"],
                f"{r['chunks_per_s_vs_langchain']}×",
                f"{r['wall_vs_langchain']}×" if "wall_vs_langchain" in r else "–",
            ]
            for name, r in result[key].items()
            if isinstance(r, dict) and "wall_s" in r
        ]
        header = [
            "pipeline",
            "chunks",
            "texts embedded",
            "wall s (median)",
            "chunks/s",
            "chunks/s vs LC",
            "speed vs LC (wall)",
        ]
        parts.append(f"{title}:\n\n" + table(header, rows))
    if "encoder_chunks" in result:
        parts.append(
            "Encoder alone on the seed texts (tokens/s, median; × torch in the same round):"
        )
        parts.append(encoder_table(result))
    tokens = result.get("seed_tokens_embedded")
    if tokens:
        parts.append(
            f"Tokens fed to the encoder on the seed corpus: ours {tokens['ours_chunks']:,} (chunks)"
            f" + {tokens['ours_sentences']:,} (sentences), LangChain {tokens['langchain']:,}."
        )
    re_ = result.get("unchanged_reingest")
    if re_:
        parts.append(
            f"Unchanged re-ingest (seed corpus): {re_['wall_s']} s median, "
            f"{re_['texts_embedded']} texts embedded, saved: {re_['saved']}."
        )
    return "\n\n".join(parts)


def encoder_table(result: dict[str, Any]) -> str:
    chunks, sentences = result["encoder_chunks"], result["encoder_sentences"]
    rows = [
        [
            name,
            chunks[name]["tokens_per_s"],
            f"{chunks[name]['vs_torch']}×",
            sentences[name]["tokens_per_s"],
            f"{sentences[name]['vs_torch']}×",
        ]
        for name in chunks
    ]
    return table(["backend", "chunks tok/s", "× torch", "sentences tok/s", "× torch"], rows)


def _p(stats: dict[str, Any]) -> str:
    return f"{stats['p50_ms']} / {stats['p95_ms']}" if "p50_ms" in stats else "n/a"


def latency_section(result: dict[str, Any]) -> str:
    warm = [
        [name, _p(w["embed_query"]), _p(w["search"]), _p(w["ask"]), w["ask"].get("meets_target")]
        for name, w in result["warm"].items()
    ]
    cold = [
        [
            name,
            c["search"].get("wall_s"),
            c["search"].get("cpu_s"),
            c["ask"].get("wall_s"),
            c["ask"].get("cpu_s"),
            c["ask"].get("meets_target"),
        ]
        for name, c in result["cold"].items()
    ]
    return "\n\n".join(
        [
            f"### Query latency (seed corpus)\n\n{_run_note(result)}",
            f"Warm, ms p50 / p95 over {result['questions']} questions (target: ask p50 ≤ 30 ms):",
            table(["backend", "embed query", "retriever.search", "ask", "ask ≤ 30 ms"], warm),
            "Cold start, one process from start to exit (target: `rag ask` ≤ 4 s wall):",
            table(
                ["backend", "search wall s", "search CPU s", "ask wall s", "ask CPU s", "≤ 4 s"],
                cold,
            ),
        ]
    )


def scale_section(result: dict[str, Any]) -> str:
    rows = [
        [
            f"{run['chunks']:,}",
            run["vectors"],
            kind,
            run[kind]["build_s"],
            _p(run[kind]["search"]),
            run[kind]["recall_at_10"],
            run[kind]["bytes_per_chunk"],
        ]
        for run in result["runs"]
        for kind in ("exact", "hnsw")
    ]
    header = ["chunks", "vectors", "search", "build s", "ms p50 / p95", "recall@10", "B/chunk"]
    sweep = [
        [
            f"{run['chunks']:,}",
            run["vectors"],
            *(f"{p['recall']} @ {p['p50_ms']} ms" for p in run["hnsw"].get("ef_search_sweep", [])),
        ]
        for run in result["runs"]
    ]
    efs = [p["ef_search"] for p in result["runs"][0]["hnsw"].get("ef_search_sweep", [])]
    return (
        f"### Scale\n\n{_run_note(result)}. {result['note']}.\n\n"
        + table(header, rows)
        + "\n\nHNSW recall@10 and p50 with a wider search (Index uses efSearch 128):\n\n"
        + table(["chunks", "vectors", *(f"efSearch {ef}" for ef in efs)], sweep)
    )


def ask_scale_section(result: dict[str, Any]) -> str:
    target = result["target_ms"]
    rows = [
        [
            f"{run['chunks']:,}",
            f"{run['documents']:,}",
            f"{run['sentences']:,}",
            run["build"]["total_s"],
            _p(run["search"]),
            _p(run["ask"]),
            _p(run["ask"].get("answered", {})),
            run["ask"]["step_p50_ms"].get("compare_ms", "n/a"),
            _p(run["rag_compare"]["warm"]) if "rag_compare" in run else "n/a",
            run["ask"]["meets_target"],
        ]
        for run in result["runs"]
    ]
    header = ["chunks", "docs", "sentences", "build s", "search", "ask", "ask, answered"]
    header += ["source check p50", "`rag compare`"]
    largest = result["runs"][-1]
    hot = largest.get("profile", {}).get("rag_cumulative", [])
    # chain.py's functions only wrap the steps: every step is under them.
    spots = [f"`{s['function']}` {s['share']:.0%}" for s in hot if "chain.py" not in s["function"]]
    return (
        f"### Warm ask at scale (extractive)\n\n{_run_note(result)}. Text: {result['text']}. "
        f"Vectors: {result['vectors']}.\n\nms p50 / p95 over {result['questions']} questions "
        "(answered = without the abstentions, which skip the source check); source check p50 = "
        "the chain's check of its answer against the nearby sources; `rag compare` = every "
        f"document's say on one of the first {result.get('compare_questions', '?')} questions, "
        "warm:\n\n"
        + table([*header, f"ask p50 ≤ {target:g} ms"], rows)
        + f"\n\nWhere ask spends its time at {largest['chunks']:,} chunks (pyinstrument, "
        "share of the pass, callees included): " + "; ".join(spots[:6]) + "."
    )


def quality_section(result: dict[str, Any]) -> str:
    scores = result["eval_overall"]
    names = list(scores)
    metrics = [
        m for m in scores[names[0]] if m != "n" and any(scores[n].get(m) is not None for n in names)
    ]
    rows = [[m, *(_fmt(scores[n].get(m)) for n in names)] for m in metrics]
    drifts = [(label, result[key]) for label, key in DRIFTS if key in result]
    within = ", ".join(f"{n}: {ok}" for n, ok in result["within_tolerance"].items())
    no_worse = ", ".join(f"{n}: {ok}" for n, ok in result["no_worse_than_tolerance"].items())
    return (
        f"### Quality per backend (`rag eval`, overall)\n\n{_run_note(result)}\n\n"
        + table(["metric", *names], rows)
        + f"\n\nWithin 1 point of torch on every share metric — {within}; no metric worse by "
        f"more than 1 point — {no_worse}. "
        + " ".join(
            f"{label} against fp32: chunk-vector cosine mean {d['chunk_cosine_mean']} (min "
            f"{d['chunk_cosine_min']}), top-10 dense neighbours changed "
            f"{d['top10_neighbours_changed']:.1%}."
            for label, d in drifts
        )
    )


DRIFTS = (("int8", "int8_vs_fp32"), ("OpenVINO (bf16 where the CPU has it)", "openvino_vs_fp32"))


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render() -> str:
    sections = [
        (load("ingest"), ingest_section),
        (load("latency"), latency_section),
        (load("scale"), scale_section),
        (load("ask_scale"), ask_scale_section),
        (load("quality"), quality_section),
    ]
    present = [(r, f) for r, f in sections if r]
    if not present:
        return "No results yet: run `make bench`."
    return "\n\n".join([machine_section(present[0][0]), *(f(r) for r, f in present)])


def update_readme() -> Path:
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{render()}\n{END}{after}", encoding="utf-8")
    return README


if __name__ == "__main__":
    print(f"updated {update_readme()}")
