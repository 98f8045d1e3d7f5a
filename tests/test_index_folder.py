"""rag/index/folder.py: no ingest replaces or deletes a folder it did not create, an index never
overlaps the corpus, and ingests of one folder wait for each other (in-process and real processes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.config import Settings
from rag.errors import IndexFolderError
from rag.index.core import Index, load
from rag.index.folder import dead_writers_temp_folders, ingest_lock
from rag.index.writer import save
from rag.ingestion import IngestReport, ingest
from tests.conftest import ROOT, FakeEmbedder
from tests.test_cli import invoke, said
from tests.test_index import beside_index


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_index_equal_to_the_corpus_is_refused_and_the_corpus_kept(rag: CliRunner) -> None:
    corpus = Path(os.environ["RAG_CORPUS_DIR"])
    before = snapshot(corpus)

    result = invoke(rag, "ingest", "--corpus", str(corpus), "--index", str(corpus))

    assert result.exit_code == 1
    assert "overlaps the corpus folder" in said(result.stderr)
    assert "Traceback" not in result.output
    assert snapshot(corpus) == before


@pytest.mark.parametrize("where", ["inside", "around"])
def test_index_inside_or_around_the_corpus_is_refused(
    settings: Settings, embedder: FakeEmbedder, where: str
) -> None:
    index_dir = settings.corpus_dir / "idx" if where == "inside" else settings.corpus_dir.parent
    before = snapshot(settings.corpus_dir)

    with pytest.raises(IndexFolderError, match="overlaps the corpus"):
        ingest(settings.model_copy(update={"index_dir": index_dir}), embedder)

    assert snapshot(settings.corpus_dir) == before


def test_a_folder_of_other_files_is_never_replaced(rag: CliRunner, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.tex").write_text("my only copy", encoding="utf-8")

    result = invoke(rag, "ingest", "--index", str(docs))

    assert result.exit_code == 1
    assert "is not empty and is not an index" in said(result.stderr)
    assert snapshot(docs) == {"thesis.tex": b"my only copy"}


def test_index_dot_is_refused_with_a_message_not_a_traceback(
    rag: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    here.mkdir()
    (here / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(here)

    result = invoke(rag, "ingest", "--index", ".")

    assert result.exit_code == 1
    assert said(result.stderr).startswith("Error:")
    assert (here / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_an_empty_folder_becomes_the_index(settings: Settings, embedder: FakeEmbedder) -> None:
    settings.index_dir.mkdir()

    ingest(settings, embedder)

    assert load(settings.index_dir, settings).articles


def test_a_users_folder_named_like_the_previous_copy_is_kept(
    ingested: IngestReport, settings: Settings, embedder: FakeEmbedder
) -> None:
    previous = settings.index_dir.with_name(".index.previous")
    previous.mkdir()
    (previous / "photo.jpg").write_bytes(b"\xff\xd8")
    (settings.corpus_dir / "alpha.txt").write_text("Orion opened a lab.\n", encoding="utf-8")

    with pytest.raises(IndexFolderError, match="not an index"):
        ingest(settings, embedder)

    assert (previous / "photo.jpg").read_bytes() == b"\xff\xd8"
    assert load(settings.index_dir, settings).articles["alpha"].text != "Orion opened a lab.\n"


def test_only_a_dead_writers_temp_folder_counts_as_leftover(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    live = tmp_path / f".index.tmp-{os.getpid()}-abc"
    dead = tmp_path / ".index.tmp-999999999-abc"
    foreign = tmp_path / ".index.tmp-999999999-mine"
    for path in (live, dead, foreign):
        path.mkdir()
    (foreign / "draft.docx").write_bytes(b"x")

    assert dead_writers_temp_folders(folder) == [dead]


def test_a_second_ingest_waits_for_the_first_and_says_so(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    told: list[str] = []
    done = threading.Event()

    def second() -> None:
        ingest(settings, embedder, on_wait=told.append)
        done.set()

    with ingest_lock(settings.index_dir):
        worker = threading.Thread(target=second)
        worker.start()
        assert not done.wait(0.5)
    worker.join(30)

    assert done.is_set()
    assert told and "Another `rag ingest` is updating" in told[0]
    assert load(settings.index_dir, settings).articles


def run_fake_rag(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fake_cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fake_env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        "RAG_MODEL_NAME": settings.model_name,
        "RAG_CHUNK_SIZE": str(settings.chunk_size),
        "RAG_CORPUS_DIR": str(settings.corpus_dir),
        "RAG_INDEX_DIR": str(settings.index_dir),
        **extra,
    }


def test_two_concurrent_ingest_processes_both_finish_one_after_the_other(
    settings: Settings,
) -> None:
    env = fake_env(settings, FAKE_EMBED_DELAY="1.5")
    first = run_fake_rag("ingest", env=env)
    second = run_fake_rag("ingest", env=env)
    outputs = [p.communicate(timeout=120) for p in (first, second)]

    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    stderr = " ".join(" ".join(err.split()) for _, err in outputs)
    assert "waiting for it to finish" in stderr
    stdout = " ".join(out for out, _ in outputs)
    assert "updated" in stdout and "already up to date" in stdout
    assert sorted(load(settings.index_dir, settings).articles) == [
        "alpha",
        "beta",
        "delta",
        "gamma",
    ]


def test_concurrent_saves_of_one_folder_all_succeed(index: Index, settings: Settings) -> None:
    failures: list[BaseException] = []

    def saver() -> None:
        for _ in range(5):
            try:
                save(index, settings, settings.index_dir)
            except BaseException as exc:  # any failure of any save is the finding
                failures.append(exc)

    workers = [threading.Thread(target=saver) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert failures == []
    assert sorted(load(settings.index_dir, settings).articles) == sorted(index.articles)
    assert beside_index(settings) == ["corpus", "index"]


def test_a_linked_index_folder_is_refused_with_the_real_path(
    settings: Settings, embedder: FakeEmbedder, tmp_path: Path
) -> None:
    real = tmp_path / "elsewhere"
    real.mkdir()
    link = tmp_path / "linked"
    link.symlink_to(real)

    with pytest.raises(IndexFolderError, match=f"is a link.*--index {real}"):
        ingest(settings.model_copy(update={"index_dir": link}), embedder)
