"""corpus → sentences and chunks → vectors → saved index, re-embedding only what changed.

Does NOT search or answer. An article whose text and title are unchanged keeps its vectors;
a file that cannot be read keeps its previously indexed version (nothing indexed is lost).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from rag.config import Settings
from rag.corpus.chunking import make_chunks, split_sentences
from rag.corpus.reader import SUFFIXES, load_corpus
from rag.embedding.model import Embedder, Vectors
from rag.errors import REBUILD, IndexError_
from rag.index.core import chunk_text
from rag.index.folder import ingest_lock
from rag.schema import Article, Chunk, Sentence, SkippedFile
from rag.store.faiss_folder import open_store
from rag.store.protocol import Changes, DocPart, Previous, Store

# Texts embedded per call while ingest streams documents to the store: large enough that the
# embedder's length-sorted batches pad little, small enough that a batch's vectors stay ~25 MB.
EMBED_BATCH = 16_384
# From how many new texts a caller's bulk embedder is worth loading (`ingest(bulk=...)`): the web
# UI holds the question's model (onnxruntime); OpenVINO in bf16 took 1.2 s more to load here and
# then embedded ~1.6x as fast (bench/README.md, "Ingest"), so it pays from a few hundred texts,
# not for one uploaded article (~60). A number chosen by that arithmetic, not fitted.
BULK_TEXTS = 2_000


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    embedded_chunks: int = 0
    embedded_sentences: int = 0
    reused: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    relabelled: list[str] = field(default_factory=list)  # same text, new date/publisher/author
    removed: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    saved: bool = False
    seconds: float = 0.0


def ingest(
    settings: Settings,
    embedder: Embedder,
    progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    bulk: Callable[[], Embedder] | None = None,
) -> IngestReport:
    """Bring the index up to date with the corpus; one ingest per index at a time.

    `on_wait` is told when another ingest holds the index and this one waits for it. `bulk`
    makes a faster embedder for large jobs (BULK_TEXTS new texts or more), dropped afterwards.
    """
    store = open_store(settings)
    store.check_writable()  # before any embedding work, not after
    with ingest_lock(store.lock_path(), on_wait):
        return _ingest(settings, store, embedder, progress, bulk)


def _ingest(
    settings: Settings,
    store: Store,
    embedder: Embedder,
    progress: bool,
    bulk: Callable[[], Embedder] | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    corpus = load_corpus(settings.corpus_dir, settings.max_file_bytes)
    report.skipped = corpus.skipped
    previous = _load_previous(store, embedder.dim, report)
    parts = [_reuse_or_split(a, previous, settings, report) for a in corpus.articles]
    parts += _keep_unreadable(corpus.skipped, previous, report)
    if previous is not None:
        current = {p.article.doc_id for p in parts}
        report.removed = sorted(set(previous.articles) - current)
    parts.sort(key=lambda p: p.article.doc_id)
    _tally(parts, report)
    if previous is None or report.updated or report.removed or report.relabelled:
        new_texts = sum(len(p.chunks) + len(p.sentences) for p in parts if not p.stored)
        if bulk is not None and new_texts >= BULK_TEXTS:
            embedder = bulk()
        changes = Changes(report.updated, report.removed, report.relabelled)
        store.write(_embedded(parts, embedder, settings, progress, report), changes, embedder.dim)
        report.saved = True
    report.seconds = time.perf_counter() - started
    return report


def _load_previous(store: Store, dim: int, report: IngestReport) -> Previous | None:
    try:
        return store.previous(dim)
    except IndexError_ as exc:
        report.notes.append(f"Rebuilding everything: {str(exc).replace(REBUILD, '').strip()}")
        return None


def _reuse_or_split(
    article: Article, previous: Previous | None, settings: Settings, report: IngestReport
) -> DocPart:
    old = previous.articles.get(article.doc_id) if previous else None
    if previous and old and (old.sha256, old.title) == (article.sha256, article.title):
        report.reused.append(article.doc_id)
        if _metadata(old) != _metadata(article):
            report.relabelled.append(article.doc_id)
        return previous.part(article)
    report.updated.append(article.doc_id)
    sentences = split_sentences(article)
    chunks = make_chunks(article, sentences, settings.chunk_size, settings.chunk_overlap)
    return DocPart(article, sentences, chunks)


def _metadata(article: Article) -> tuple[str | None, ...]:
    return (article.author, article.published, article.publisher)


def _keep_unreadable(
    skipped: Iterable[SkippedFile], previous: Previous | None, report: IngestReport
) -> list[DocPart]:
    kept = []
    for item in skipped:
        if item.path.suffix.lower() not in SUFFIXES:  # a subfolder or an unread kind of file
            continue
        old = previous.articles.get(item.path.stem) if previous else None
        if previous and old:
            kept.append(previous.part(old))
            report.kept_previous.append(old.doc_id)
    return kept


def _embedded(
    parts: list[DocPart],
    embedder: Embedder,
    settings: Settings,
    progress: bool,
    report: IngestReport,
) -> Iterator[DocPart]:
    """The parts in order, each new one with its vectors: embedded a batch of documents at a
    time (EMBED_BATCH texts or more) as the store reads them, so that ingest holds one batch's
    vectors, not the corpus's (the store writes each part as it comes)."""
    batches = _Embedding(embedder, settings, progress, report, [p for p in parts if not p.stored])
    batch: list[DocPart] = []
    texts = 0
    for part in parts:
        batch.append(part)
        texts += 0 if part.stored else len(part.chunks) + len(part.sentences)
        if texts >= EMBED_BATCH:
            yield from batches.embed(batch)
            batch, texts = [], 0
    yield from batches.embed(batch)


class _Embedding:
    """Embeds batches of new parts. A text met twice in the corpus (a heading repeated, a
    syndicated copy's sentences) is embedded once: its vector is kept for the later batches."""

    def __init__(
        self,
        embedder: Embedder,
        settings: Settings,
        progress: bool,
        report: IngestReport,
        new: list[DocPart],
    ) -> None:
        self.embedder = embedder
        self.encode_chunks = settings.chunk_vectors == "encoded"
        self.progress = progress
        self.report = report
        # Counted by hash, not by text (1M chunks' texts would be held at once): a collision
        # only keeps one vector longer than needed.
        counts = Counter(hash(text) for part in new for text in self._texts(part))
        self.repeated = {key for key, n in counts.items() if n > 1}
        self.kept: dict[str, np.ndarray] = {}

    def _texts(self, part: DocPart) -> list[str]:
        """What a new part embeds: its chunks (when encoded), then its sentences."""
        title = part.article.title
        chunks = [chunk_text(title, c.text) for c in part.chunks] if self.encode_chunks else []
        return chunks + [s.text for s in part.sentences]

    def embed(self, parts: list[DocPart]) -> list[DocPart]:
        """Copies of the parts, the new ones with vectors: sentences always, chunks encoded or
        pooled. The parts themselves are left without, so that their vectors go once written."""
        todo = [p for p in parts if not p.stored]
        if not todo:
            return parts
        texts = [self._texts(p) for p in todo]
        fresh = list(dict.fromkeys(t for group in texts for t in group if t not in self.kept))
        dim = self.embedder.dim
        made = self.embedder.embed(fresh, progress=self.progress) if fresh else _none(dim)
        row_of = {text: n for n, text in enumerate(fresh)}
        for text, row in row_of.items():
            if hash(text) in self.repeated:
                self.kept[text] = made[row]
        groups = iter(texts)
        out = []
        for part in parts:
            if part.stored:
                out.append(part)
                continue
            group = next(groups)
            rows = [self.kept[t] if t in self.kept else made[row_of[t]] for t in group]
            vectors = np.stack(rows) if rows else _none(dim)
            chunks = len(part.chunks) if self.encode_chunks else 0
            sentence_vectors = vectors[chunks:]
            chunk_vectors = (
                vectors[:chunks]
                if self.encode_chunks
                else pooled_chunk_vectors(part.chunks, part.sentences, sentence_vectors)
            )
            out.append(
                replace(part, chunk_vectors=chunk_vectors, sentence_vectors=sentence_vectors)
            )
            self.report.embedded_chunks += chunks
            self.report.embedded_sentences += len(part.sentences)
        return out


def _none(dim: int) -> Vectors:
    return np.zeros((0, dim), dtype=np.float32)


def pooled_chunk_vectors(
    chunks: list[Chunk], sentences: list[Sentence], sentence_vectors: Vectors
) -> Vectors:
    """Each chunk's sentence vectors averaged, weighted by sentence length, at unit length.

    Length weights approach what encoding the chunk gives (mean pooling over all its tokens):
    on the eval set, cosine ~0.90 to the encoded vectors, against ~0.88 unweighted.
    """
    out = np.zeros((len(chunks), sentence_vectors.shape[1]), dtype=np.float32)
    for row, chunk in enumerate(chunks):
        span = slice(chunk.first_sentence, chunk.last_sentence + 1)
        weights = np.array([len(s.text) for s in sentences[span]], dtype=np.float32)
        mean = weights @ sentence_vectors[span]
        out[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


def _tally(parts: list[DocPart], report: IngestReport) -> None:
    report.documents = len(parts)
    report.chunks = sum(p.chunk_count for p in parts)
    report.sentences = sum(p.sentence_count for p in parts)
