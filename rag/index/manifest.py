"""The index's manifest: format version, model, dimension, chunking parameters, per-document
and per-file hashes. Does NOT read vectors or records (index/core.py does).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from rag.corpus.chunking import CHUNKING_VERSION
from rag.config import Settings
from rag.embedding.model import embedding_name
from rag.errors import CorruptIndexError
from rag.index.folder import MANIFEST

# 2: BM25 and sentence terms saved; 3: sentences and chunks one line per document;
# 4: sentence vectors a FAISS fp16 index (sentences.faiss) instead of sentences.npy;
# 5: BM25 and sentence terms with accents folded ("Kraków" is "krakow", rag/text/tokens.py);
# 6: and Chinese, Japanese and Korean text as character pairs ("首都" in "中国的首都")
FORMAT_VERSION = 6


class DocEntry(BaseModel):
    sha256: str
    title: str
    chunks: int
    sentences: int


class Manifest(BaseModel):
    format_version: int
    model_name: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    chunking_version: int = 0
    chunk_vectors: str = "encoded"
    search: str
    documents: dict[str, DocEntry]
    files: dict[str, str]

    def params(self) -> tuple[object, ...]:
        return (
            self.format_version,
            self.model_name,
            self.dim,
            self.chunk_size,
            self.chunk_overlap,
            self.chunking_version,
            self.chunk_vectors,
        )


def new_manifest(
    settings: Settings, dim: int, search: str, documents: dict[str, DocEntry]
) -> Manifest:
    """The manifest of an index built now with `settings` (file hashes are added on save)."""
    return Manifest(
        format_version=FORMAT_VERSION,
        model_name=embedding_name(settings),
        dim=dim,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        chunking_version=CHUNKING_VERSION,
        chunk_vectors=settings.chunk_vectors,
        search=search,
        documents=documents,
        files={},
    )


def expected_params(settings: Settings, dim: int) -> tuple[object, ...]:
    model = embedding_name(settings)  # not just model_name: int8 ONNX vectors are another space
    return (
        FORMAT_VERSION,
        model,
        dim,
        settings.chunk_size,
        settings.chunk_overlap,
        CHUNKING_VERSION,
        settings.chunk_vectors,
    )


def read_manifest(folder: Path) -> Manifest:
    try:
        return Manifest.model_validate_json((folder / MANIFEST).read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as exc:
        raise CorruptIndexError(
            f"{folder / MANIFEST} is damaged ({type(exc).__name__}). Rebuild with `rag ingest`."
        ) from exc
