"""rag/eval/export.py: an eval report as Markdown (scores overall and per type, then failures),
CSV (a row per question and system) and JSON that validates back; and `rag eval --export`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.engine import Engine, build_engine
from rag.eval.export import QUESTION_COLUMNS, eval_csv, eval_json, eval_markdown
from rag.eval.harness import EvalReport, load_dataset, run_eval
from rag.ingestion import IngestReport
from tests.conftest import FAKE_MODEL, FakeEmbedder, use_embedder
from tests.test_export import parsed_csv, rendered_text, table_rows

ITEMS = [
    {
        "id": "t1",
        "type": "factoid",
        "question": "How much has Orion Cloud spent on custom chips?",
        "answers": ["$5.5 billion"],
        "sources": ["alpha"],
        "evidence": ["Orion Cloud has spent $5.5 billion on custom chips"],
    },
    {
        "id": "t9|x",  # a pipe in an id must not split its table row
        "type": "factoid",
        "question": "How much will Orion invest in Lumen?",
        "answers": ["$4 billion"],
        "sources": ["beta"],
        "evidence": ["a sentence no article contains"],
    },
    {
        "id": "t4",
        "type": "unanswerable",
        "question": "What is the capital of Mongolia?",
        "answers": [],
        "sources": [],
        "evidence": [],
    },
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in ITEMS), encoding="utf-8")
    return path


@pytest.fixture
def report(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder, dataset: Path
) -> EvalReport:
    engine: Engine = build_engine(settings, embedder)
    return run_eval(load_dataset(dataset), engine, "qa.jsonl", 3, "langchain-naive")


def test_markdown_has_the_scores_per_type_and_each_failure(report: EvalReport) -> None:
    md = eval_markdown(report)

    assert md.startswith("# Evaluation: qa.jsonl\n")
    scores, failures = md.split("\n## Failures: ", 1)
    groups = list(report.aggregates)  # overall, then each type
    assert groups[0] == "overall" and len(groups) == 3
    assert set(table_rows(scores)) == {1 + len(groups)}
    assert "| answer hit rate |" in scores and "(" in scores  # the baseline's in brackets
    assert "- rag: " in scores and "- langchain-naive: " in scores
    failed = [q for q in report.questions if not q.passed]
    assert failed and failures.startswith(f"{len(failed)} of 3 questions")
    assert set(table_rows(failures)) == {5} and len(table_rows(failures)) == 1 + len(failed)
    assert "evidence retrieved 0/1" in rendered_text(failures)


def test_csv_has_a_row_per_question_and_system(report: EvalReport) -> None:
    rows = parsed_csv(eval_csv(report))

    assert rows[0] == QUESTION_COLUMNS
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (system, item["id"]) for system in ("rag", "langchain-naive") for item in ITEMS
    ]
    first = dict(zip(QUESTION_COLUMNS, rows[1], strict=True))
    ours = report.questions[0]
    assert first["passed"] == str(ours.passed).lower() and first["question"] == ours.question
    assert first["evidence_recall"] == str(ours.metrics.evidence_recall)
    assert first["latency_ms"] == str(ours.metrics.latency_ms)


def test_json_validates_back_and_every_format_gives_the_same_bytes_twice(
    report: EvalReport,
) -> None:
    assert EvalReport.model_validate_json(eval_json(report)) == report
    rebuilt = EvalReport.model_validate_json(eval_json(report))
    for export in (eval_markdown, eval_csv, eval_json):
        assert export(report) == export(report) == export(rebuilt)


@pytest.fixture
def rag_eval(
    ingested: IngestReport,
    settings: Settings,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> CliRunner:
    use_embedder(monkeypatch, embedder)
    monkeypatch.setenv("RAG_MODEL_NAME", FAKE_MODEL)
    monkeypatch.setenv("RAG_CHUNK_SIZE", str(settings.chunk_size))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    return CliRunner()


@pytest.mark.parametrize("suffix", ["md", "csv", "json"])
def test_rag_eval_export_writes_the_format_its_suffix_names(
    rag_eval: CliRunner, dataset: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / "out" / f"report.{suffix}"
    thresholds = str(tmp_path / "none.toml")
    args = ["eval", "--dataset", str(dataset), "--thresholds", thresholds, "--export", str(out)]

    result = rag_eval.invoke(app, args)

    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if suffix == "md":
        assert text.startswith("# Evaluation: ") and "\n## Failures: 1 of 3 questions" in text
    elif suffix == "csv":
        assert [r[1] for r in parsed_csv(text)[1:]] == [item["id"] for item in ITEMS]
    else:
        assert len(EvalReport.model_validate_json(text).questions) == len(ITEMS)


def test_rag_eval_refuses_an_export_of_an_unknown_kind_before_running(
    rag_eval: CliRunner, dataset: Path, tmp_path: Path
) -> None:
    args = ["eval", "--dataset", str(dataset), "--export", str(tmp_path / "report.txt")]
    result = rag_eval.invoke(app, args)
    assert result.exit_code == 2
    assert "--export writes .md, .json or .csv files, not 'report.txt'." in result.stderr
    assert "Evaluating" not in result.stderr


def test_rag_eval_never_exports_over_an_existing_file(
    rag_eval: CliRunner, dataset: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "notes.md"
    mine.write_text("my own notes\n", encoding="utf-8")
    args = ["eval", "--dataset", str(dataset), "--export", str(mine)]
    result = rag_eval.invoke(app, args)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    assert "Evaluating" not in result.stderr
