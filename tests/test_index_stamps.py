"""rag/index/stamps.py: a file a load verified is not read again while it is unchanged, and any
change to it (or to the digest the manifest expects) makes the next load read and judge it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import CorruptIndexError
from rag.index import check, stamps
from rag.index.core import DATA_FILES, load
from rag.index.folder import STAMPS_FILE
from rag.ingestion import IngestReport, ingest
from tests.conftest import FakeEmbedder


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once (in use: RACY_SECONDS after their last change)."""
    monkeypatch.setattr(stamps, "RACY_SECONDS", -60.0)


def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files loads read from now on."""
    read: list[str] = []
    real = check._scan

    def counting(path: Path, tail: object) -> tuple[str | None, bool]:
        read.append(path.name)
        return real(path, tail)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "_scan", counting)
    return read


def same_size_edit(path: Path) -> None:
    """One character changed, the size and the modification time kept: only ctime moves."""
    before = path.stat()
    time.sleep(0.05)  # past the filesystem's timestamp tick
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Orion", "Orlon", 1) if "Orion" in text else text.replace("1", "2", 1)
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_second_load_reads_no_file_the_first_verified(
    ingested: IngestReport, settings: Settings, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(settings.index_dir, settings)
    read = scans(monkeypatch)

    again = load(settings.index_dir, settings)

    assert read == []
    assert again.articles == first.articles
    assert (again.chunk_vectors == first.chunk_vectors).all()
    recorded = json.loads((settings.index_dir / STAMPS_FILE).read_text(encoding="utf-8"))
    assert set(recorded["files"]) == set(DATA_FILES)


@pytest.mark.parametrize("name", ["chunks.jsonl", "articles.jsonl"])
def test_a_file_edited_after_it_was_stamped_is_read_again_and_refused(
    ingested: IngestReport, settings: Settings, settled: None, name: str
) -> None:
    load(settings.index_dir, settings)
    same_size_edit(settings.index_dir / name)

    with pytest.raises(CorruptIndexError, match=f"{name}.*does not match the manifest"):
        load(settings.index_dir, settings)


def test_a_stamp_vouches_only_for_the_digest_the_manifest_expects(
    ingested: IngestReport, settings: Settings, settled: None
) -> None:
    load(settings.index_dir, settings)
    path = settings.index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"]["chunks.npy"] = "0" * 64
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(CorruptIndexError, match=r"chunks\.npy.*does not match the manifest"):
        load(settings.index_dir, settings)


def test_files_changed_moments_ago_are_hashed_and_not_stamped(
    ingested: IngestReport, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps, "RACY_SECONDS", 3600.0)  # everything was written just now
    load(settings.index_dir, settings)
    read = scans(monkeypatch)

    load(settings.index_dir, settings)

    assert sorted(read) == sorted(DATA_FILES)
    assert not (settings.index_dir / STAMPS_FILE).exists()


def test_a_stamps_file_no_load_wrote_vouches_for_nothing_and_is_left_alone(
    ingested: IngestReport, settings: Settings, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = settings.index_dir / STAMPS_FILE
    path.write_text("my notes", encoding="utf-8")
    read = scans(monkeypatch)

    load(settings.index_dir, settings)

    assert sorted(read) == sorted(DATA_FILES)
    assert path.read_text(encoding="utf-8") == "my notes"


def test_a_link_in_place_of_the_stamps_file_is_not_followed(
    ingested: IngestReport, settings: Settings, settled: None, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text('{"version": 1, "files": {}}', encoding="utf-8")
    (settings.index_dir / STAMPS_FILE).symlink_to(target)

    load(settings.index_dir, settings)

    assert target.read_text(encoding="utf-8") == '{"version": 1, "files": {}}'


def test_a_folder_that_cannot_be_written_keeps_no_stamps(tmp_path: Path) -> None:
    stamp = stamps.Stamp(
        sha256="0" * 64, identity=stamps.Identity(size=1, device=1, inode=1, mtime_ns=1, ctime_ns=1)
    )
    stamps.record(tmp_path / "missing", stamps.Stamps(), {"chunks.npy": stamp})  # no error

    assert not (tmp_path / "missing").exists()


def test_ingest_replaces_an_index_that_holds_stamps(
    ingested: IngestReport, settings: Settings, settled: None, embedder: FakeEmbedder
) -> None:
    load(settings.index_dir, settings)
    assert (settings.index_dir / STAMPS_FILE).exists()
    beta = settings.corpus_dir / "beta.txt"
    beta.write_text(beta.read_text(encoding="utf-8") + "Lumen will open an office.\n", "utf-8")

    report = ingest(settings, embedder)

    assert report.updated == ["beta"] and report.saved
    assert "office" in load(settings.index_dir, settings).articles["beta"].text


def test_files_not_read_for_their_hash_are_read_ahead_for_the_page_cache(
    ingested: IngestReport, settings: Settings, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing warmed the OS cache for the memory-mapped vectors; a stamped load reads them
    ahead on a background thread instead (the JSON is read by the load itself)."""
    load(settings.index_dir, settings)
    ahead: list[str] = []
    monkeypatch.setattr(check, "_read_ahead", lambda paths: ahead.extend(p.name for p in paths))

    load(settings.index_dir, settings)

    assert sorted(ahead) == sorted(n for n in DATA_FILES if not n.endswith((".json", ".jsonl")))
    assert "sentences.faiss" in ahead and "chunks.npy" in ahead


@pytest.mark.parametrize("left", [b'{"version":1,"files":{"chunks.npy":{"sha', b""])
def test_stamps_a_killed_load_left_half_written_are_written_whole_again(
    ingested: IngestReport, settings: Settings, settled: None, left: bytes
) -> None:
    path = settings.index_dir / STAMPS_FILE
    path.write_bytes(left)

    load(settings.index_dir, settings)

    assert set(json.loads(path.read_text(encoding="utf-8"))["files"]) == set(DATA_FILES)


def test_a_shorter_set_of_stamps_leaves_no_tail_of_the_longer_one(
    ingested: IngestReport, settings: Settings, settled: None
) -> None:
    path = settings.index_dir / STAMPS_FILE
    path.write_text(stamps.Stamps().model_dump_json() + " " * 100_000, encoding="utf-8")

    load(settings.index_dir, settings)

    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    assert path.stat().st_size < 100_000
