"""The index in Milvus (`RAG_STORE=milvus`): the one module that imports pymilvus.

`RAG_MILVUS_URI` is a path ending in .db (milvus-lite, embedded: for tests and small fixtures)
or a server's URL (`http://host:19530`, with `RAG_MILVUS_TOKEN` and `RAG_MILVUS_DB` if needed).
Four collections, named with `RAG_MILVUS_PREFIX`:

- `meta`: one row, the parameters the index was built with (model, dimension, chunking, format);
- `articles`: each article's metadata and text (in pieces: a VARCHAR holds at most 65,535 bytes);
- `chunks`: offsets, vector, and (where Milvus has BM25: servers from 2.5 on, milvus-lite) the
  text its BM25 `Function` indexes;
- `sentences`: offsets and vector.

Written for a real server: explicit index and search parameters; flush, index and load before a
search; Strong consistency, so that a delete or insert is seen by the next query. Milvus has no
transactions, so a changed document is written in an order a crash cannot make look complete:
its article rows are deleted first and written last (`_replace`); rows of a document without
article rows are leftovers, ignored on load and deleted by the next ingest.

Where things run: dense chunk search, with the document filter, runs in Milvus; BM25 too with
`RAG_MILVUS_BM25=milvus` (by default the app's own BM25 ranks, so that both stores give the same
answers). Each app process reads the articles, offsets and vectors once when it loads (the
answerer scores sentences in bulk, and compare takes one product over all of them), so
processes share one store, but each holds a copy of the sentence side.
Does NOT chunk, embed, rank or fuse.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

from rag.config import Settings
from rag.embedding.model import Vectors
from rag.errors import (
    REBUILD,
    CorruptIndexError,
    IndexMissingError,
    StaleIndexError,
    StoreError,
)
from rag.index.core import Index, chunk_text
from rag.index.folder import check_apart
from rag.index.manifest import expected_params
from rag.schema import Article, Chunk, Sentence
from rag.store.protocol import Changes, DocPart

# gRPC's own core logs (milvus-lite's in-process server telling the client it pings too often)
# would print to the app's stderr; errors reach us as exceptions anyway. Read at gRPC's import.
os.environ.setdefault("GRPC_VERBOSITY", "NONE")
try:
    from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException
except ImportError:  # the `milvus` extra is not installed
    MilvusClient = None
    MilvusException = RuntimeError

# pymilvus logs every failed call with a traceback; the CLI says it in one line instead.
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

FORMAT = 1  # of what this module writes; another value is a stale store
_DOC_BYTES = 512  # doc ids are file stems: ≤ 255 bytes on common file systems
_ID_BYTES = _DOC_BYTES + 24
_TEXT_BYTES = 65_535  # Milvus's VARCHAR limit
_PIECE = 16_000  # characters of article text per row: ≤ 64,000 bytes of UTF-8, under the limit
_BATCH = 2_000  # rows per insert: ~3 MB of vectors at dim 384, well under gRPC's 64 MB
_IDS_PER_DELETE = 500  # doc ids in one delete's `doc_id in [...]` filter
# Collections without a searched vector still need one vector field in Milvus.
_PLACEHOLDER = [0.0, 0.0]
# BM25 in Milvus reads words as index/lexical.py does: lower-cased, English stop words out, stemmed.
_ANALYZER = {
    "tokenizer": "standard",
    "filter": [
        "lowercase",
        {"type": "stop", "stop_words": ["_english_"]},
        {"type": "stemmer", "language": "english"},
    ],
}
# HNSW on a server: M 16 / efConstruction 200 are Milvus's documented defaults; ef 128 (as the
# FAISS store's HNSW) or the hits asked for, whichever is more.
_HNSW = {"M": 16, "efConstruction": 200}
_EF = 128
# Searches read at Bounded consistency: Strong makes each one wait for the server's next time
# tick (~200 ms per search on the 2.3 server, measured); rows written in the last seconds may
# be missed, and the app has loaded its copy of the rows before it searches anyway.
_SEARCH_CONSISTENCY = "Bounded"
T = TypeVar("T", Chunk, Sentence)


class _Meta(BaseModel):
    format: int
    params: list[Any]
    bm25: bool
    chunk_index: str = "FLAT"  # the chunks' vector index, chosen when the collections were made
    # The documents a write is changing, set before it starts and cleared when it is done: the
    # next write deletes what a killed one left of them. ["*"]: too many to list, scan them all.
    writing: list[str] = []


class _ArticleMeta(BaseModel):
    """An article without its text, and how many rows of each kind it has."""

    article: dict[str, Any]
    pieces: int
    chunks: int
    sentences: int


def _available() -> None:
    if MilvusClient is None:
        raise StoreError(
            "RAG_STORE=milvus needs the Milvus client: pip install -e '.[milvus]' (make install "
            "does), or unset RAG_STORE to use the index folder."
        )


def is_lite(uri: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*://", uri, re.IGNORECASE)


class MilvusStore:
    """The Store protocol (store/faiss_folder.py) on Milvus; connects on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.uri = settings.milvus_uri
        self._client: Any = None
        self._loaded = False
        self._chunk_index_kind = "FLAT"  # as the meta collection says, set by load
        self._names = {
            kind: f"{settings.milvus_prefix}{kind}"
            for kind in ("meta", "articles", "chunks", "sentences")
        }

    # -- the Store protocol ------------------------------------------------------------------

    def check_writable(self) -> None:
        if is_lite(self.uri):  # the store must not be inside the corpus it indexes
            check_apart(self.settings.corpus_dir, Path(self.uri).expanduser())
        self._connected()

    def lock_path(self) -> Path:
        if is_lite(self.uri):
            return Path(self.uri)
        return self.settings.index_dir  # a server: one ingest at a time from this machine

    def previous(self, dim: int) -> _MilvusPrevious | None:
        meta = self._meta()
        if meta is None:
            return None
        self._check_params(meta, dim)
        return _MilvusPrevious(self._articles())

    def write(self, parts: Iterable[DocPart], changes: Changes, dim: int) -> None:
        """A few calls per batch of rows, not per document (each call is a round trip, and a
        server's delete takes ~0.2 s). Changed documents' article rows are deleted first and
        written last: until then a reader sees those documents as absent, never half there.
        Rows go kind by kind, so every part (and its vectors) is held at once."""
        parts = list(parts)
        meta = self._meta()
        fresh = meta is None or meta.format != FORMAT or meta.params != _params(self.settings, dim)
        if meta is None or fresh:
            meta = self._create(dim, sum(p.chunk_count for p in parts))
        by_id = {p.article.doc_id: p for p in parts}
        written = sorted(by_id) if fresh else sorted(changes.updated)
        relabelled = [by_id[d] for d in sorted(set(changes.relabelled) - set(written))]
        with self._calls("write to"):
            killed = meta.writing  # what a killed write left half done (none when fresh)
            self._set_writing(meta, [*written, *changes.removed])
            if "*" in killed:  # the documents written now are deleted below anyway
                self._delete_leftovers(set(by_id))
            # a killed write's document still in the corpus is complete (kept) or rewritten now
            gone = sorted({*changes.removed, *(set(killed) - {"*"})} - set(by_id))
            if not fresh:
                self._delete_docs([*written, *gone])
            new = [by_id[d] for d in written]
            self._insert("chunks", (r for p in new for r in _chunk_rows(p, meta.bm25)))
            self._insert("sentences", (r for p in new for r in _sentence_rows(p)))
            self._insert("articles", (r for p in new for r in _article_rows(p)))
            for start in range(0, len(relabelled), _BATCH):  # same text: only the first row
                batch = relabelled[start : start + _BATCH]
                self._client.upsert(self._names["articles"], [_article_rows(p)[0] for p in batch])
            # Sealed segments get their vector index built; the waits overlap (~0.5 s polls each).
            with ThreadPoolExecutor(max_workers=3) as pool:
                kinds = ("chunks", "sentences", "articles")
                list(pool.map(self._client.flush, [self._names[k] for k in kinds]))
            self._set_writing(meta, [])

    def _set_writing(self, meta: _Meta, doc_ids: list[str]) -> None:
        meta.writing = sorted(doc_ids)
        if len(meta.model_dump_json()) > _TEXT_BYTES // 2:  # a VARCHAR holds 64 KB
            meta.writing = ["*"]
        self._save_meta(meta)

    def _save_meta(self, meta: _Meta) -> None:
        """The one row of the meta collection; Strong reads see it at once: no flush needed."""
        row = {"key": "index", "value": meta.model_dump_json(), "placeholder": _PLACEHOLDER}
        self._client.upsert(self._names["meta"], [row])

    def load(self, dim: int | None = None) -> Index:
        meta = self._meta()
        if meta is None:
            raise IndexMissingError(
                f"No index in {self.settings.index_location()}. Run `rag ingest` to build it."
            )
        dim = dim or int(meta.params[2])
        self._check_params(meta, dim)
        bm25 = self.settings.milvus_bm25 == "milvus"
        if bm25 and not meta.bm25:
            warnings.warn(
                f"Milvus at {self.uri} has no BM25 (a server before 2.5); the app's own ranks "
                "by words instead.",
                stacklevel=2,
            )
        wanted = self.settings.milvus_index
        if wanted != "auto" and wanted.upper() != meta.chunk_index:
            warnings.warn(
                f"RAG_MILVUS_INDEX={wanted}, but the chunks in {self.uri} were indexed with "
                f"{meta.chunk_index} when they were first ingested; to change it, ingest into a "
                "new RAG_MILVUS_PREFIX.",
                stacklevel=2,
            )
        self._chunk_index_kind = meta.chunk_index
        with self._calls("read from"):
            return self._read_index(dim, bm25 and meta.bm25)

    # -- reading -------------------------------------------------------------------------------

    def _read_index(self, dim: int, bm25: bool) -> Index:
        stored = self._articles()
        articles = [stored[d][0] for d in sorted(stored)]
        by_id = {a.doc_id: a for a in articles}
        # Both at once: while one waits for the server, the other decodes (~30 % less time).
        with ThreadPoolExecutor(max_workers=2) as pool:
            chunks_read = pool.submit(
                self._rows, "chunks", ["first_sentence", "last_sentence"], by_id, dim
            )
            sentences_read = pool.submit(self._rows, "sentences", ["heading"], by_id, dim)
            chunk_rows, sentence_rows = chunks_read.result(), sentences_read.result()
        chunks: list[Chunk] = []
        sentences: list[Sentence] = []
        chunk_vectors: list[np.ndarray] = []
        sentence_vectors: list[np.ndarray] = []
        for article in articles:
            counts = stored[article.doc_id][1]
            doc_chunks = _in_order(chunk_rows.get(article.doc_id, []), counts.chunks, article)
            doc_sentences = _in_order(
                sentence_rows.get(article.doc_id, []), counts.sentences, article
            )
            chunks += [_record(Chunk, article, row) for row in doc_chunks]
            chunk_vectors += [row["vector"] for row in doc_chunks]
            sentences += [_record(Sentence, article, row) for row in doc_sentences]
            sentence_vectors += [row["vector"] for row in doc_sentences]
        return Index(
            articles,
            sentences,
            chunks,
            _matrix(chunk_vectors, dim),
            _matrix(sentence_vectors, dim),
            self.settings.ann_threshold,
            remote=_MilvusChunks(self, bm25),
        )

    def _rows(
        self, kind: str, extra: list[str], articles: Mapping[str, Article], dim: int
    ) -> dict[str, list[dict[str, Any]]]:
        fields = ["doc_id", "idx", "start", "end", "vector", *extra]
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self._all(kind, fields, dim):
            if row["doc_id"] in articles:  # else a leftover of a killed write
                # float32 now: the client's list of Python floats takes ~10x the memory
                row["vector"] = np.asarray(row["vector"], dtype=np.float32)
                out.setdefault(row["doc_id"], []).append(row)
        return out

    def _articles(self) -> dict[str, tuple[Article, _ArticleMeta]]:
        """Every complete article (all its pieces present), with its row counts."""
        pieces: dict[str, dict[int, dict[str, Any]]] = {}
        with self._calls("read from"):
            for row in self._all("articles", ["doc_id", "piece", "meta", "text"]):
                pieces.setdefault(row["doc_id"], {})[int(row["piece"])] = row
        out = {}
        for doc_id, parts in pieces.items():
            first = parts.get(0)
            if first is None:
                continue
            meta = _ArticleMeta.model_validate_json(first["meta"])
            if sorted(parts) != list(range(meta.pieces)):
                continue  # a killed write: the next ingest writes it again
            text = "".join(parts[i]["text"] for i in range(meta.pieces))
            article = Article.model_validate({**meta.article, "text": text})
            out[doc_id] = (article, meta)
        return out

    def _all(self, kind: str, fields: list[str], dim: int = 0) -> Iterator[dict[str, Any]]:
        """Every row's `fields`; `dim`: the width of a vector among them (sizes the pages)."""
        # Pages under gRPC's 64 MB: a 10,000-row page of 384-float vectors came to 72 MB.
        page = max(100, min(4_000, 6_000_000 // (4 * max(dim, 1))))
        iterator = self._client.query_iterator(
            self._names[kind], batch_size=page, filter="", output_fields=fields
        )
        try:
            while page := iterator.next():
                yield from page
        finally:
            iterator.close()

    def _meta(self) -> _Meta | None:
        client = self._connected()
        name = self._names["meta"]
        with self._calls("read from"):
            if not client.has_collection(name):
                return None
            self._load_collections()
            rows = client.query(name, filter='key == "index"', output_fields=["value"])
        if not rows:
            return None
        try:
            return _Meta.model_validate_json(rows[0]["value"])
        except ValueError as exc:
            raise CorruptIndexError(
                f"{name} in {self.uri} is not this program's ({exc}). Choose another "
                "RAG_MILVUS_PREFIX, or drop the collection and run `rag ingest`."
            ) from exc

    def _load_collections(self) -> None:
        """A server (and milvus-lite in a new process) searches only loaded collections."""
        if self._loaded:
            return
        for name in self._names.values():
            if self._client.has_collection(name):
                self._client.load_collection(name)
        self._loaded = True

    def _check_params(self, meta: _Meta, dim: int) -> None:
        if meta.format != FORMAT or meta.params != _params(self.settings, dim):
            raise StaleIndexError(
                f"The index in {self.settings.index_location()} was built with other settings "
                f"(format {meta.format}, {meta.params[1]}, dimension {meta.params[2]}). " + REBUILD
            )

    # -- writing -------------------------------------------------------------------------------

    def _create(self, dim: int, chunks: int) -> _Meta:
        """(Re)create the four collections; only ever drops collections this module made
        (its meta collection says so), never a user's own collection of the same name."""
        client = self._connected()
        with self._calls("create collections in"):
            self._refuse_foreign()
            for name in self._names.values():
                if client.has_collection(name):
                    client.drop_collection(name)
            bm25 = self._bm25_supported()
            chunk_index = self._chunk_index(chunks)
            self._create_collection("meta", self._meta_schema(), None)
            self._create_collection("articles", self._article_schema(), None)
            self._create_collection("chunks", self._chunk_schema(dim, bm25), chunk_index)
            self._create_collection("sentences", self._sentence_schema(dim), "FLAT")
            self._loaded = False
            meta = _Meta(
                format=FORMAT,
                params=_params(self.settings, dim),
                bm25=bm25,
                chunk_index=chunk_index,
            )
            self._save_meta(meta)
        return meta

    def _refuse_foreign(self) -> None:
        client = self._client
        meta_name = self._names["meta"]
        ours = client.has_collection(meta_name) and bool(
            client.query(meta_name, filter='key == "index"', output_fields=["key"])
        )
        others = [n for k, n in self._names.items() if k != "meta" and client.has_collection(n)]
        if others and not ours:
            raise StoreError(
                f"Milvus at {self.uri} already has collection(s) {', '.join(others)} that this "
                "program did not make; it will not replace them. Set RAG_MILVUS_PREFIX to "
                "another prefix."
            )

    def _bm25_supported(self) -> bool:
        """milvus-lite and servers from 2.5 on have BM25 functions; older servers do not."""
        version = str(self._client.get_server_version())
        if "lite" in version and not version.startswith("v2."):
            return True  # milvus_lite-3.x
        found = re.search(r"(\d+)\.(\d+)", version)
        return found is not None and (int(found.group(1)), int(found.group(2))) >= (2, 5)

    def _create_collection(self, kind: str, schema: Any, index: str | None) -> None:
        """`index`: the vector field's index (FLAT or HNSW); None = only a placeholder vector."""
        client = self._client
        params = client.prepare_index_params()
        if index is None:
            params.add_index(field_name="placeholder", index_type="FLAT", metric_type="L2")
        else:
            extra = dict(_HNSW) if index == "HNSW" else {}
            params.add_index(field_name="vector", index_type=index, metric_type="IP", params=extra)
            if kind == "chunks" and any(f.name == "sparse" for f in schema.fields):
                params.add_index(
                    field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25"
                )
        client.create_collection(
            self._names[kind], schema=schema, index_params=params, consistency_level="Strong"
        )

    def _chunk_index(self, chunks: int) -> str:
        """The chunks' vector index, as RAG_MILVUS_INDEX says; "auto" follows the FAISS store:
        exact (FLAT) up to `ann_threshold` chunks, HNSW above. On the replicated corpus of
        bench.milvus (near-duplicate copies) HNSW kept only 62 % of the exact top 10 within 1 %
        at 100k chunks, where FLAT took 19 ms a search. Sentences are read, never searched: FLAT."""
        wanted = self.settings.milvus_index
        if wanted == "auto":
            wanted = "hnsw" if chunks > self.settings.ann_threshold else "flat"
        return wanted.upper()

    def _meta_schema(self) -> Any:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("value", DataType.VARCHAR, max_length=_TEXT_BYTES)
        schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(_PLACEHOLDER))
        return schema

    def _article_schema(self) -> Any:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=_ID_BYTES)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=_DOC_BYTES)
        schema.add_field("piece", DataType.INT64)
        schema.add_field("meta", DataType.VARCHAR, max_length=_TEXT_BYTES)
        schema.add_field("text", DataType.VARCHAR, max_length=_TEXT_BYTES)
        schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(_PLACEHOLDER))
        return schema

    def _row_schema(self, dim: int) -> Any:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=_ID_BYTES)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=_DOC_BYTES)
        for name in ("idx", "start", "end"):
            schema.add_field(name, DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        return schema

    def _chunk_schema(self, dim: int, bm25: bool) -> Any:
        schema = self._row_schema(dim)
        schema.add_field("first_sentence", DataType.INT64)
        schema.add_field("last_sentence", DataType.INT64)
        if bm25:
            schema.add_field(
                "text",
                DataType.VARCHAR,
                max_length=_TEXT_BYTES,
                enable_analyzer=True,
                analyzer_params=_ANALYZER,
            )
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                Function(
                    name="bm25",
                    function_type=FunctionType.BM25,
                    input_field_names=["text"],
                    output_field_names=["sparse"],
                )
            )
        return schema

    def _sentence_schema(self, dim: int) -> Any:
        schema = self._row_schema(dim)
        schema.add_field("heading", DataType.BOOL)
        return schema

    def _delete_docs(self, doc_ids: list[str]) -> None:
        """Every row of these documents: article rows first (see write)."""
        for kind in ("articles", "chunks", "sentences"):
            for start in range(0, len(doc_ids), _IDS_PER_DELETE):
                batch = sorted(doc_ids[start : start + _IDS_PER_DELETE])
                self._client.delete(self._names[kind], filter=f"doc_id in {json.dumps(batch)}")

    def _delete_leftovers(self, keep: set[str]) -> None:
        """Every row of a document outside `keep`: after a killed write too large to journal
        by name. Reads every row's doc_id (seconds at 100k chunks)."""
        held: set[str] = set()
        for kind in ("articles", "chunks", "sentences"):
            held |= {row["doc_id"] for row in self._all(kind, ["doc_id"])}
        self._delete_docs(sorted(held - keep))

    def _insert(self, kind: str, rows: Iterable[dict[str, Any]]) -> None:
        """In batches of _BATCH rows, made as they are sent (float lists take ~10x the memory
        of the vectors)."""
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _BATCH:
                self._client.insert(self._names[kind], batch)
                batch = []
        if batch:
            self._client.insert(self._names[kind], batch)

    # -- searching -----------------------------------------------------------------------------

    def dense(
        self, query: Vectors, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]]:
        params: dict[str, Any] = {"metric_type": "IP"}
        if self._chunk_index_kind == "HNSW":
            params["params"] = {"ef": max(_EF, n)}
        with self._calls("search"):
            found = self._client.search(
                self._names["chunks"],
                data=[np.asarray(query, dtype=np.float32).tolist()],
                anns_field="vector",
                limit=n,
                filter=_doc_filter(docs),
                output_fields=["doc_id", "idx"],
                consistency_level=_SEARCH_CONSISTENCY,
                search_params=params,
            )
        return [(h["entity"]["doc_id"], int(h["entity"]["idx"]), h["distance"]) for h in found[0]]

    def bm25(
        self, question: str, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]]:
        with self._calls("search"):
            found = self._client.search(
                self._names["chunks"],
                data=[question],
                anns_field="sparse",
                limit=n,
                filter=_doc_filter(docs),
                output_fields=["doc_id", "idx"],
                consistency_level=_SEARCH_CONSISTENCY,
                search_params={"metric_type": "BM25"},
            )
        # Best first, as returned; milvus-lite returns BM25 negated, a server as is.
        return [
            (h["entity"]["doc_id"], int(h["entity"]["idx"]), abs(float(h["distance"])))
            for h in found[0]
        ]

    # -- connection and errors ----------------------------------------------------------------

    def _connected(self) -> Any:
        if self._client is not None:
            return self._client
        _available()
        uri = self.uri
        if is_lite(uri):
            if not uri.endswith(".db"):
                raise StoreError(
                    f"RAG_MILVUS_URI={uri} is neither a server URL (http://host:19530) nor a "
                    "milvus-lite file (a path ending in .db)."
                )
            _check_lite_path(Path(uri).expanduser())
            Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"uri": uri, "timeout": self.settings.milvus_timeout_s}
        if self.settings.milvus_token:
            kwargs["token"] = self.settings.milvus_token
        if self.settings.milvus_db:
            kwargs["db_name"] = self.settings.milvus_db
        with self._calls("connect to"):
            self._client = MilvusClient(**kwargs)
        return self._client

    def _calls(self, doing: str) -> _Calls:
        return _Calls(doing, self.uri)


class _Calls:
    """Turns whatever the client raises into one StoreError line that says what to do."""

    def __init__(self, doing: str, uri: str) -> None:
        self.doing, self.uri = doing, uri

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        if exc is None or isinstance(exc, StoreError | IndexMissingError | StaleIndexError):
            return
        if isinstance(exc, MilvusException | OSError | RuntimeError):
            reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            reason = " ".join(str(reason).split())[:300]
            raise StoreError(
                f"Could not {self.doing} Milvus at {self.uri}: {reason}. Check that the server "
                "is running and RAG_MILVUS_URI/RAG_MILVUS_TOKEN are right, then re-run."
            ) from exc


class _MilvusPrevious:
    """What the store holds before an ingest: articles and counts, nothing else fetched."""

    def __init__(self, stored: dict[str, tuple[Article, _ArticleMeta]]) -> None:
        self.articles = {doc_id: article for doc_id, (article, _) in stored.items()}
        self._counts = {doc_id: (m.chunks, m.sentences) for doc_id, (_, m) in stored.items()}

    def part(self, article: Article) -> DocPart:
        counts = self._counts[article.doc_id]
        return DocPart(article, [], [], stored=True, counts=counts)


class _MilvusChunks:
    """Index.remote: chunk search in Milvus (BM25 too when the collection has it)."""

    def __init__(self, store: MilvusStore, bm25: bool) -> None:
        self.store = store
        self.bm25 = bm25

    def dense(
        self, query: Vectors, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]]:
        return self.store.dense(query, n, docs)

    def lexical(
        self, question: str, n: int, docs: frozenset[str] | None
    ) -> list[tuple[str, int, float]] | None:
        return self.store.bm25(question, n, docs) if self.bm25 else None


# What milvus-lite (3.x) keeps in its folder; a folder holding anything else is someone's.
_LITE_ENTRIES = {"LOCK", "collections", "databases", ".database-staging"}


def _check_lite_path(path: Path) -> None:
    """milvus-lite keeps its store in a folder at `path`: refuse a file there, or a folder of
    other files, rather than write into someone's data."""
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"{path} is a file, not a milvus-lite store; set RAG_MILVUS_URI to a new path "
            "ending in .db."
        )
    if path.is_dir() and any(entry.name not in _LITE_ENTRIES for entry in path.iterdir()):
        raise StoreError(
            f"{path} is a folder that holds other files, not a milvus-lite store; set "
            "RAG_MILVUS_URI to a new path ending in .db."
        )


def _params(settings: Settings, dim: int) -> list[Any]:
    return list(expected_params(settings, dim))


def _doc_filter(docs: frozenset[str] | None) -> str:
    return "" if docs is None else f"doc_id in {json.dumps(sorted(docs))}"


def _chunk_rows(part: DocPart, bm25: bool) -> Iterator[dict[str, Any]]:
    assert part.chunk_vectors is not None
    doc_id, title = part.article.doc_id, part.article.title
    for i, c in enumerate(part.chunks):
        row = _row_fields(doc_id, c.idx, c.start, c.end, part.chunk_vectors[i])
        row |= {"first_sentence": c.first_sentence, "last_sentence": c.last_sentence}
        if bm25:
            row["text"] = _clip(chunk_text(title, c.text))
        yield row


def _sentence_rows(part: DocPart) -> Iterator[dict[str, Any]]:
    assert part.sentence_vectors is not None
    for i, s in enumerate(part.sentences):
        row = _row_fields(part.article.doc_id, s.idx, s.start, s.end, part.sentence_vectors[i])
        row["heading"] = s.heading
        yield row


def _row_fields(doc_id: str, idx: int, start: int, end: int, vector: Vectors) -> dict[str, Any]:
    return {
        "id": f"{doc_id}#{idx}",
        "doc_id": doc_id,
        "idx": idx,
        "start": start,
        "end": end,
        "vector": np.asarray(vector, dtype=np.float32).tolist(),
    }


def _article_rows(part: DocPart) -> list[dict[str, Any]]:
    article = part.article
    text = article.text
    pieces = [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)] or [""]
    meta = _ArticleMeta(
        article=article.model_dump(mode="json", exclude={"text"}),
        pieces=len(pieces),
        chunks=part.chunk_count,
        sentences=part.sentence_count,
    )
    return [
        {
            "id": f"{article.doc_id}#{i}",
            "doc_id": article.doc_id,
            "piece": i,
            "meta": meta.model_dump_json() if i == 0 else "",
            "text": piece,
            "placeholder": _PLACEHOLDER,
        }
        for i, piece in enumerate(pieces)
    ]


def _clip(text: str) -> str:
    """At most 65,535 bytes of UTF-8 (a chunk is ~900 characters; this only guards)."""
    data = text.encode("utf-8")[:_TEXT_BYTES]
    return data.decode("utf-8", errors="ignore")


def _record(kind: type[T], article: Article, row: dict[str, Any]) -> T:
    """A Chunk or Sentence from its row, its text sliced from the article (as index/records.py)."""
    start, end = int(row["start"]), int(row["end"])
    extra: dict[str, Any] = (
        {"heading": bool(row["heading"])}
        if kind is Sentence
        else {"first_sentence": row["first_sentence"], "last_sentence": row["last_sentence"]}
    )
    made = kind.model_construct(
        doc_id=article.doc_id,
        idx=int(row["idx"]),
        start=start,
        end=end,
        text=article.text[start:end],
        **extra,
    )
    return made


def _in_order(rows: list[dict[str, Any]], count: int, article: Article) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: int(r["idx"]))
    if [int(r["idx"]) for r in rows] != list(range(count)):
        raise CorruptIndexError(
            f"Milvus holds {len(rows)} of {count} rows of {article.doc_id}. {REBUILD}"
        )
    return rows


def _matrix(vectors: list[np.ndarray], dim: int) -> np.ndarray:
    if not vectors:
        return np.zeros((0, dim), dtype=np.float32)
    try:
        out = np.stack(vectors)
    except ValueError:  # vectors of different lengths
        out = np.zeros((len(vectors), 0), dtype=np.float32)
    if out.ndim != 2 or out.shape[1] != dim:
        raise CorruptIndexError(f"Milvus holds vectors of shape {out.shape}, expected (n, {dim}).")
    return out
