"""rag/eval/harness.py end to end: the data set loader's errors, aggregation, the harness on the
tiny corpus with the fake embedder (with the langchain-naive baseline), the JSON and HTML
reports, the gate through `rag eval`, and (slow) a broken retriever failing it on the real set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from rag.chain import ask
from rag.cli import app
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine, build_engine
from rag.errors import DatasetError
from rag.eval.baseline import split_articles
from rag.eval.gate import Check, check
from rag.eval.harness import EvalReport, QuestionResult, aggregate, load_dataset, run_eval
from rag.eval.metrics import QuestionMetrics
from rag.eval.report import MARKERS, report_data, write_html, write_markdown
from rag.index.core import Index
from rag.schema import Answer
from tests.conftest import FAKE_MODEL, ROOT, FakeEmbedder

FACTOID = {
    "id": "t1",
    "type": "factoid",
    "question": "How much has Orion Cloud spent on custom chips?",
    "answers": ["$5.5 billion"],
    "sources": ["alpha"],
    "evidence": ["Orion Cloud has spent $5.5 billion on custom chips"],
}
TINY = [
    FACTOID,
    {
        "id": "t2",
        "type": "factoid",
        "question": "How much will Orion invest in Lumen?",
        "answers": ["$4 billion"],
        "sources": ["beta"],
        "evidence": ["agreed to invest up to $4 billion in the model maker Lumen"],
    },
    {
        "id": "t3",
        "type": "multi_source",
        "question": "Where does Orion's money for Lumen go?",
        "answers": ["cloud revenue", "$4 billion"],
        "sources": ["beta", "delta"],
        "evidence": ["up to $4 billion", "most of the money returns to Orion as cloud revenue"],
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


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- the data set ----------------------------------------------------------------------------


def test_the_real_data_set_loads() -> None:
    items = load_dataset(ROOT / "evals" / "qa.jsonl")
    assert len(items) >= 70
    assert {i.type for i in items} == {"factoid", "multi_source", "conflict", "unanswerable"}


NO_EVIDENCE = {k: v for k, v in FACTOID.items() if k != "evidence"}


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ('{"id": "t9", "type": "factoid"', "not valid JSON"),
        ('["t9"]', "expected a JSON object"),
        (json.dumps(NO_EVIDENCE), "evidence: Field required"),
        (json.dumps({**FACTOID, "notes": "x"}), "notes: Extra inputs are not permitted"),
        (json.dumps({**FACTOID, "type": "opinion"}), "type: Input should be 'factoid'"),
        (json.dumps({**FACTOID, "answers": "$5.5bn"}), "answers: Input should be a valid list"),
        (json.dumps({**FACTOID, "question": ""}), "question: String should have at least 1"),
        (json.dumps({**FACTOID, "answers": []}), "needs at least one acceptable answer"),
        (json.dumps({**TINY[3], "sources": ["alpha"]}), "must have empty answers, sources"),
        (json.dumps({**FACTOID, "id": "t2"}), "id 't2' repeats line 1"),
    ],
)
def test_a_malformed_line_names_its_number_and_fault(
    tmp_path: Path, line: str, complaint: str
) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps(TINY[1]) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    assert f"{path}:3:" in str(caught.value)
    assert complaint in str(caught.value)


def test_a_missing_or_empty_data_set_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="Cannot read"):
        load_dataset(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="no questions"):
        load_dataset(tmp_path / "empty.jsonl")


def test_a_data_set_that_is_not_utf8_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_bytes(json.dumps(TINY[1]).encode() + b"\n\xff\xfe\x00q\n")
    with pytest.raises(DatasetError, match=r"not UTF-8 text \(byte \d+\)\. Save it as UTF-8"):
        load_dataset(path)


def test_a_deeply_nested_line_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"qa\.jsonl:1: JSON nested too deeply"):
        load_dataset(path)


# --- aggregation -----------------------------------------------------------------------------


def result(kind: str, abstained: bool, cited: int = 0, precise: int = 0) -> QuestionResult:
    metrics = QuestionMetrics(
        abstained=abstained,
        citations=cited,
        precise_citations=precise,
        answer_hit=None if kind == "unanswerable" else not abstained,
    )
    given = Answer(question="q", text="a", abstained=abstained)
    return QuestionResult.model_validate(
        {
            "id": "x",
            "type": kind,
            "question": "q",
            "answer": given,
            "retrieved": [],
            "expected": {"answers": [], "sources": [], "evidence": []},
            "metrics": metrics,
        }
    )


def test_aggregate_abstention_and_micro_citation_precision() -> None:
    results = [
        result("unanswerable", abstained=True),
        result("unanswerable", abstained=False, cited=2),
        result("factoid", abstained=True),
        result("factoid", abstained=False, cited=3, precise=3),
        result("factoid", abstained=False, cited=1, precise=1),
    ]
    scores = aggregate(results, overall=True)
    assert scores.abstention_recall == 0.5  # 1 of 2 unanswerable declined
    assert scores.abstention_precision == 0.5  # 1 of 2 declines was right
    assert scores.false_abstention == pytest.approx(1 / 3)
    assert scores.answer_hit_rate == pytest.approx(2 / 3)
    assert scores.citation_precision == pytest.approx(4 / 6)  # over citations, not questions
    assert aggregate(results[:2]).abstention_precision is None  # only measured overall


# --- the harness end to end on the tiny corpus -----------------------------------------------


@pytest.fixture
def engine(ingested: object, settings: Settings, embedder: FakeEmbedder) -> Engine:
    return build_engine(settings, embedder)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "tiny.jsonl", TINY)


@pytest.fixture
def report(engine: Engine, tiny: Path) -> EvalReport:
    return run_eval(load_dataset(tiny), engine, str(tiny), k=3, baseline="langchain-naive")


def test_harness_scores_every_question_with_the_answer_ask_gives(
    report: EvalReport, engine: Engine
) -> None:
    assert [q.id for q in report.questions] == ["t1", "t2", "t3", "t4"]
    for q in report.questions:
        again = ask(q.question, engine.settings, engine, k=3).model_dump(mode="json")
        given = q.answer.model_dump(mode="json")
        assert {**given, "timings": {}} == {**again, "timings": {}}
        assert given["timings"]["total_ms"] == q.metrics.latency_ms > 0
        assert len(q.retrieved) == 3
    first = report.questions[0]
    assert first.passed and first.metrics.evidence_recall == 1.0
    assert first.metrics.answer_hit and first.metrics.citation_precision == 1.0
    assert list(report.aggregates) == ["overall", "factoid", "multi_source", "unanswerable"]
    hits = [q.metrics.answer_hit for q in report.questions if q.type != "unanswerable"]
    assert report.aggregates["overall"].answer_hit_rate == pytest.approx(sum(hits) / 3)


def test_the_naive_baseline_cites_a_whole_chunk_and_never_abstains(report: EvalReport) -> None:
    base = report.baseline
    assert base is not None and base.name == "langchain-naive" and base.k == 4
    assert not any(q.answer.abstained for q in base.questions)
    assert base.aggregates["unanswerable"].abstention_recall == 0.0
    for q in base.questions:
        (citation,) = q.answer.citations
        assert citation.verified and citation.quote == q.answer.text


def test_the_baseline_splitter_offsets_are_exact(index: Index) -> None:
    spans = split_articles(index, chunk_size=120, chunk_overlap=30)
    assert len(spans) > len(index.articles)
    for s in spans:
        assert index.articles[s.doc_id].text[s.start : s.end] == s.text


def test_json_report_holds_each_answer_as_rag_ask_json_prints_it(report: EvalReport) -> None:
    gate = check(report.aggregates, {"overall": {"evidence_recall": 0.0}})
    data = json.loads(json.dumps(report_data(report, gate)))
    assert data["passed"] is True and data["checks"][0]["message"]
    assert set(data["questions"][0]["answer"]) == set(Answer.model_fields)
    assert set(data["questions"][0]) >= {"id", "answer", "metrics"}
    assert data["aggregates"]["overall"]["n"] == 4
    assert data["baseline"]["aggregates"]["overall"]["n"] == 4


def test_markdown_scores_replace_only_the_marked_block(report: EvalReport, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Evals\n{MARKERS[0]}\nold table\n{MARKERS[1]}\nKept.\n", encoding="utf-8")
    write_markdown(readme, report, [])
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Evals\n") and text.endswith(f"{MARKERS[1]}\nKept.\n")
    assert "old table" not in text
    assert "| answer hit rate |" in text and "in brackets: langchain-naive (top-4)" in text


def test_html_report_is_self_contained_with_rows_filters_and_charts(
    report: EvalReport, tmp_path: Path
) -> None:
    missed = Check(group="overall", metric="mrr", threshold=1.0, value=0.5, passed=False)
    write_html(tmp_path / "r.html", report, [missed])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert html.count("<svg") >= 5 and "<script>" in html
    assert html.count('class="threshold missed"') == 1 and 'data-metric="mrr"' in html
    assert html.count('class="bin"') >= 1 and html.count('class="percentile"') == 2
    assert html.count('class="q"') == 4 and 'value="multi_source"' in html
    assert "1 of 1 thresholds missed" in html and "langchain-naive" in html
    assert "How much will Orion invest in Lumen?" in html


# --- the gate through `rag eval` -------------------------------------------------------------


def use_embedder(monkeypatch: pytest.MonkeyPatch, embedder: Embedder) -> None:
    monkeypatch.setattr("rag.engine.make_embedder", lambda settings: embedder)


def said(stream: str) -> str:
    """What a user reads, with rich's line wrapping undone."""
    return " ".join(stream.split())


def rag_eval(tmp_path: Path, thresholds: str, *args: str) -> Result:
    (tmp_path / "t.toml").write_text(thresholds, encoding="utf-8")
    return CliRunner().invoke(app, ["eval", "--thresholds", str(tmp_path / "t.toml"), *args])


@pytest.fixture
def cli_env(
    ingested: object, settings: Settings, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_embedder(monkeypatch, embedder)
    monkeypatch.setenv("RAG_MODEL_NAME", FAKE_MODEL)
    monkeypatch.setenv("RAG_CHUNK_SIZE", str(settings.chunk_size))
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))


def test_rag_eval_exits_1_naming_each_missed_threshold(cli_env: None, tmp_path: Path) -> None:
    wrong_gold = {**FACTOID, "id": "t9", "evidence": ["a sentence no article contains"]}
    data = write_jsonl(tmp_path / "qa.jsonl", [FACTOID, wrong_gold])
    out = tmp_path / "out" / "eval.json"
    limits = "[overall]\nevidence_recall = 0.9\nanswer_hit_rate = 0.5\n[factoid]\nmrr = 0.9\n"
    result = rag_eval(tmp_path, limits, "--dataset", str(data), "--json", str(out))
    assert result.exit_code == 1
    err = said(result.stderr)
    assert "Threshold missed: overall evidence_recall 0.500 is below its minimum 0.9" in err
    assert "Threshold missed: factoid mrr 0.500 is below its minimum 0.9" in err
    assert "answer_hit_rate" not in err
    assert "t9" in said(result.stdout)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["passed"] is False
    assert "evidence retrieved 0/1" in data["questions"][1]["failures"]


def test_rag_eval_passes_the_gate_and_writes_both_reports(
    cli_env: None, tmp_path: Path, tiny: Path
) -> None:
    html = tmp_path / "eval.html"
    result = rag_eval(
        tmp_path,
        "[factoid]\nevidence_recall = 1.0\n",
        "--dataset",
        str(tiny),
        "--html",
        str(html),
        "--baseline",
        "langchain-naive",
    )
    assert result.exit_code == 0, result.output
    assert "factoid evidence_recall 1.000 meets its minimum 1" in said(result.stdout)
    assert html.is_file()


def test_rag_eval_refuses_a_bad_data_set_or_baseline(cli_env: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    result = rag_eval(tmp_path, "", "--dataset", str(bad))
    assert result.exit_code == 1 and f"Error: {bad}:1: not valid JSON" in said(result.stderr)
    result = rag_eval(tmp_path, "", "--baseline", "bm25-only")
    assert result.exit_code == 2 and "Invalid value for '--baseline'" in said(result.stderr)


@pytest.mark.slow
def test_a_broken_retriever_fails_the_gate_on_the_real_set(
    real_ingest: object,
    real_settings: Settings,
    real_embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """k=1, dense only: what `make test` must catch."""
    use_embedder(monkeypatch, real_embedder)
    monkeypatch.setenv("RAG_K", "1")
    monkeypatch.setenv("RAG_RETRIEVAL_MODE", "dense")
    monkeypatch.chdir(ROOT)  # the default data set and thresholds, as `make eval` uses them
    result = CliRunner().invoke(app, ["eval", "--index", str(real_settings.index_dir)])
    assert result.exit_code == 1, result.output
    err = said(result.stderr)
    assert "Threshold missed: overall evidence_recall" in err
    assert "k=1" in said(result.stdout)


# --- two runs compared question by question (rag eval-diff) ---------------------------------


def test_eval_diff_names_each_changed_question_and_moved_score(
    report: EvalReport, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from rag.cli import app
    from rag.eval.diff import diff_runs

    assert not diff_runs(report, report).changed and diff_runs(report, report).max_metric_gap == 0
    first = report.questions[0]
    flipped = first.model_copy(
        update={"passed": not first.passed, "answer": first.answer.model_copy(update={"text": "X"})}
    )
    overall = report.aggregates["overall"]
    moved = overall.model_copy(update={"answer_hit_rate": (overall.answer_hit_rate or 0) + 0.25})
    other = report.model_copy(
        update={
            "questions": [flipped, *report.questions[1:]],
            "aggregates": {**report.aggregates, "overall": moved},
        }
    )
    diff = diff_runs(report, other)
    assert [(c.id, c.what) for c in diff.changed] == [(first.id, ["verdict", "answer"])]
    assert abs(diff.max_metric_gap - 0.25) < 1e-9
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(report.model_dump_json(), encoding="utf-8")
    b.write_text(other.model_dump_json(), encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(app, ["eval-diff", str(a), str(b), "--strict"])
    assert shown.exit_code == 1
    said = " ".join(shown.output.split())
    assert f"{first.id} (verdict, answer)" in said and "answer_hit_rate" in said
    same = runner.invoke(app, ["eval-diff", str(a), str(a), "--strict"])
    assert same.exit_code == 0 and "0 question(s) differ" in same.output
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    bad = runner.invoke(app, ["eval-diff", str(a), str(tmp_path / "bad.json")])
    assert bad.exit_code == 1 and "rag eval --json" in " ".join(bad.output.split())
