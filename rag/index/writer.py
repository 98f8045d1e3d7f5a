"""Documents → an index folder, streamed: each document's records and vectors are written as
they come, so that building holds the index's derived structures, not every record and vector
(a 1M-chunk build went past 24 GB when it did: bench/README.md, "1M chunks, measured").

What a document costs while the build runs: its DocEntry, its tokens as int32 ids (for BM25 and
the sentence terms, built when the last document is in) and its sentences' vectors in half
precision (FAISS's fp16 index, as saved). Chunk vectors go to a work file at once.

Writes into a temp folder beside the target, then swaps it in; a crash leaves the old index.
Refuses (IndexFolderError) to replace a folder that holds anything but index files.
Does NOT chunk or embed (ingestion.py) or read an index back (index/core.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np

from rag.config import Settings
from rag.errors import IndexFolderError
from rag.index.check import sha256_file
from rag.index.core import (
    DATA_FILES,
    SENTENCE_FILE,
    Index,
    carried_names,
    chunk_text,
    previous_folder,
    remove_dead_writers_temp_folders,
    with_carried,
)
from rag.index.folder import (
    CHUNK_WORK_FILE,
    HNSW_FILE,
    MANIFEST,
    check_replaceable,
    holds_only_index_files,
    resolved,
    swap_lock,
    temp_prefix,
)
from rag.index.lexical import LexicalBuilder
from rag.index.manifest import DocEntry, Manifest, new_manifest
from rag.index.records import doc_line
from rag.index.vectors import ChunkSearch, SentenceVectorsBuilder
from rag.schema import Article, Chunk, Sentence

# The reliability suite kills a real `rag ingest` at these points (RAG_CRASH_AT=<point>).
CRASH_POINTS = ("document-written", "files-written", "between-renames", "before-cleanup")
_COPY_ROWS = 1 << 16  # chunk vectors copied from the work file at a time (96 MB at dim 384)


class IndexWriter:
    """Fills one temp folder: `add` each document in index order, then `finish` once."""

    def __init__(self, folder: Path, settings: Settings, dim: int) -> None:
        self.folder = folder
        self.settings = settings
        self.dim = dim
        self._docs: dict[str, DocEntry] = {}
        self.manifest: Manifest | None = None  # once finished
        self._chunk_rows = 0
        self._lexical = LexicalBuilder()
        self._sentences = SentenceVectorsBuilder(dim)
        names = ("articles.jsonl", "sentences.jsonl", "chunks.jsonl")
        self._lines: list[IO[str]] = [(folder / n).open("w", encoding="utf-8") for n in names]
        self._chunk_file: IO[bytes] = (folder / CHUNK_WORK_FILE).open("wb")

    def add(
        self,
        article: Article,
        sentences: Sequence[Sentence],
        chunks: Sequence[Chunk],
        chunk_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
    ) -> None:
        """One document: its records in order and a vector for each (any float dtype)."""
        if article.doc_id in self._docs:
            raise ValueError(f"{article.doc_id} is added twice")
        for what, records, vectors in (
            ("chunk", chunks, chunk_vectors),
            ("sentence", sentences, sentence_vectors),
        ):
            if vectors.shape != (len(records), self.dim):
                raise ValueError(
                    f"{article.doc_id}: {len(records)} {what}s but vectors of shape "
                    f"{vectors.shape} (dimension {self.dim})"
                )
        self._docs[article.doc_id] = DocEntry(
            sha256=article.sha256, title=article.title, chunks=len(chunks), sentences=len(sentences)
        )
        articles, sentence_lines, chunk_lines = self._lines
        articles.write(article.model_dump_json() + "\n")
        sentence_lines.write(doc_line(Sentence, article.doc_id, sentences) + "\n")
        chunk_lines.write(doc_line(Chunk, article.doc_id, chunks) + "\n")
        self._chunk_file.write(np.ascontiguousarray(chunk_vectors, np.float32).tobytes())
        self._chunk_rows += len(chunks)
        self._sentences.add(sentence_vectors)
        self._lexical.add(
            [chunk_text(article.title, c.text) for c in chunks],
            [_in_context(sentences, row, article.text) for row in range(len(sentences))],
        )
        _crash_point("document-written")  # mid-stream: the work file and half the records out

    def finish(self) -> Manifest:
        """Write the vectors, the lexical side and the manifest; the folder is then complete."""
        self.close()
        self._sentences.done().save(self.folder / SENTENCE_FILE)
        vectors = self._chunk_vectors()
        search = ChunkSearch.build(vectors, self.settings.ann_threshold)
        del vectors
        kind, files = search.kind, DATA_FILES
        if kind == "hnsw":
            search.save(self.folder / HNSW_FILE)
            files += (HNSW_FILE,)
        del search  # its copy of the vectors goes before BM25 is built
        self._lexical.finish().save(self.folder)
        manifest = new_manifest(self.settings, self.dim, kind, self._docs)
        manifest.files = {name: sha256_file(self.folder / name) for name in files}
        (self.folder / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        self.manifest = manifest
        return manifest

    def close(self) -> None:
        for handle in self._lines:
            handle.close()
        self._chunk_file.close()

    def _chunk_vectors(self) -> np.ndarray:
        """chunks.npy from the work file (then removed), memory-mapped."""
        work = self.folder / CHUNK_WORK_FILE
        shape = (self._chunk_rows, self.dim)
        out = np.lib.format.open_memmap(
            self.folder / "chunks.npy", mode="w+", dtype=np.float32, shape=shape
        )
        if self._chunk_rows:
            raw = np.memmap(work, dtype=np.float32, mode="r", shape=shape)
            for start in range(0, self._chunk_rows, _COPY_ROWS):
                out[start : start + _COPY_ROWS] = raw[start : start + _COPY_ROWS]
            del raw
        out.flush()
        del out
        work.unlink()
        loaded: np.ndarray = np.load(self.folder / "chunks.npy", mmap_mode="r", allow_pickle=False)
        return loaded


def _in_context(sentences: Sequence[Sentence], row: int, article_text: str) -> str:
    """What a sentence's terms are read from (Index.in_context, for a document being written)."""
    previous = sentences[row - 1] if row > 0 else None
    return with_carried(sentences[row].text, carried_names(sentences[row], previous, article_text))


@contextmanager
def writing(settings: Settings, folder: Path, dim: int) -> Iterator[IndexWriter]:
    """An IndexWriter into a temp folder beside `folder`; on leaving the block without an
    error, the finished folder is swapped in. On any error the temp folder is removed and
    `folder` is as it was."""
    folder = resolved(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_writers_temp_folders(folder)
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(folder), dir=folder.parent))
    writer: IndexWriter | None = None
    try:
        writer = IndexWriter(tmp, settings, dim)
        yield writer
        writer.finish()
        _crash_point("files-written")
        with swap_lock(folder, exclusive=True):
            _swap(tmp, folder)
    finally:
        if writer is not None:
            writer.close()
        shutil.rmtree(tmp, ignore_errors=True)


def save(index: Index, settings: Settings, folder: Path) -> Manifest:
    """An Index held in memory, written document by document (its lexical side rebuilt)."""
    with writing(settings, folder, index.dim) as writer:
        for doc_id, article in index.articles.items():
            sentence_rows = index.doc_sentence_rows(doc_id)
            chunk_rows = index.doc_chunk_rows(doc_id)
            writer.add(
                article,
                [index.sentences[r] for r in sentence_rows],
                [index.chunks[r] for r in chunk_rows],
                index.chunk_vectors[chunk_rows],
                index.sentence_vectors[sentence_rows],
            )
    assert writer.manifest is not None  # set by finish, which the block's exit ran
    return writer.manifest


def _swap(tmp: Path, folder: Path) -> None:
    """Under the swap lock, so that the folder checks see no other writer's half-done swap."""
    check_replaceable(folder)
    previous = previous_folder(folder)
    if not holds_only_index_files(previous):
        raise IndexFolderError(
            f"{previous} holds files that are not an index; move it away, then re-run."
        )
    # Without `folder` (an earlier crash between the renames), `previous` is the only good copy.
    if folder.exists():
        shutil.rmtree(previous, ignore_errors=True)
        os.rename(folder, previous)
    _crash_point("between-renames")
    os.rename(tmp, folder)
    _crash_point("before-cleanup")
    shutil.rmtree(previous, ignore_errors=True)


def _crash_point(name: str) -> None:
    """Fault injection for the reliability suite: die here as `kill -9` would."""
    if os.environ.get("RAG_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
