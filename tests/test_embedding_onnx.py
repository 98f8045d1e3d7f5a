"""rag/embedding/onnx_model.py: the exported model gives torch's vectors, int8 gets its own index
name, and a query through the ONNX backend never imports torch (the point of it: cold start).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedding.model import SentenceTransformerEmbedder, embedding_name, make_embedder
from rag.embedding.onnx_model import OnnxEmbedder
from rag.errors import RagError, StaleIndexError
from rag.index.core import load as load_index
from rag.ingestion import ingest
from tests.conftest import EMBEDDING_TEXTS

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data"
HEAVY = ("torch", "sentence_transformers", "transformers")


def onnx_settings(tmp_path: Path, onnx_dir: Path, quantize: bool) -> Settings:
    return Settings(
        corpus_dir=DATA,
        index_dir=tmp_path / "index",
        embedding_backend="onnx",
        onnx_dir=onnx_dir,
        onnx_quantize=quantize,
    )


def test_fp32_vectors_match_sentence_transformers(onnx_dir: Path) -> None:
    ours = OnnxEmbedder("m", batch_size=2, cache_dir=onnx_dir).embed(EMBEDDING_TEXTS)
    reference = SentenceTransformerEmbedder(Settings().model_name).embed(EMBEDDING_TEXTS)

    assert ours.shape == (len(EMBEDDING_TEXTS), 384)
    assert ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.all((ours * reference).sum(axis=1) > 1 - 1e-5)


def test_int8_vectors_are_close_but_not_the_same(onnx_dir: Path) -> None:
    fp32 = OnnxEmbedder("m", cache_dir=onnx_dir).embed(EMBEDDING_TEXTS)
    int8 = OnnxEmbedder("m", quantize=True, cache_dir=onnx_dir).embed(EMBEDDING_TEXTS)
    cosines = (fp32 * int8).sum(axis=1)

    assert np.all(cosines > 0.95)
    assert np.any(cosines < 1 - 1e-3)


def test_only_int8_gets_its_own_model_name(tmp_path: Path, onnx_dir: Path) -> None:
    torch_settings = Settings()
    fp32 = make_embedder(onnx_settings(tmp_path, onnx_dir, quantize=False))
    int8 = make_embedder(onnx_settings(tmp_path, onnx_dir, quantize=True))

    assert embedding_name(torch_settings) == fp32.name == torch_settings.model_name
    assert int8.name == f"{torch_settings.model_name}+onnx-int8"


def test_an_int8_index_refuses_fp32_and_torch_queries(tmp_path: Path, onnx_dir: Path) -> None:
    int8 = onnx_settings(tmp_path, onnx_dir, quantize=True)
    ingest(int8, make_embedder(int8))

    assert load_index(int8.index_dir, int8).chunks
    for other in (onnx_settings(tmp_path, onnx_dir, quantize=False), Settings(**_same_index(int8))):
        with pytest.raises(StaleIndexError, match=r"\+onnx-int8"):
            load_index(other.index_dir, other)


def test_an_unwritable_cache_folder_says_what_to_do(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")

    with pytest.raises(RagError, match="RAG_ONNX_DIR"):
        OnnxEmbedder("m", cache_dir=not_a_folder / "onnx").embed(["hello"])


def _same_index(settings: Settings) -> dict[str, object]:
    return {"corpus_dir": settings.corpus_dir, "index_dir": settings.index_dir}


SEARCH_AND_LIST_MODULES = """
import sys
from rag.cli import app
app(["search", "Which company designs chips?"], standalone_mode=False)
print("HEAVY=" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_rag_search_with_onnx_backend_never_imports_torch(tmp_path: Path, onnx_dir: Path) -> None:
    settings = onnx_settings(tmp_path, onnx_dir, quantize=False)
    ingest(settings, make_embedder(settings))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAG_")},
        "RAG_CORPUS_DIR": str(DATA),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_EMBEDDING_BACKEND": "onnx",
        "RAG_ONNX_DIR": str(onnx_dir),
    }
    code = SEARCH_AND_LIST_MODULES.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert "HEAVY=\n" in done.stdout, done.stdout[-500:]


def test_embedding_with_an_exported_model_never_imports_torch(onnx_dir: Path) -> None:
    code = (
        "import json, sys\nfrom pathlib import Path\n"
        "from rag.embedding.onnx_model import OnnxEmbedder\n"
        f"v = OnnxEmbedder('m', cache_dir=Path({str(onnx_dir)!r})).embed(['Who leads Nvidia?'])\n"
        f"print(json.dumps([list(v.shape), [m for m in {HEAVY!r} if m in sys.modules]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [[1, 384], []]


def test_the_exported_graph_is_the_default_when_installed() -> None:
    """OpenVINO embeds corpora; a question's vector goes through onnxruntime (faster start)."""
    bulk, query = make_embedder(Settings(), bulk=True), make_embedder(Settings())
    assert isinstance(bulk, OnnxEmbedder) and bulk.runtime == "openvino"
    assert isinstance(query, OnnxEmbedder) and query.runtime == "onnxruntime"
    assert isinstance(
        make_embedder(Settings(embedding_backend="torch")), SentenceTransformerEmbedder
    )


def test_the_exported_model_is_cached_per_user_not_per_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative to the working folder, every folder `rag` ran from got its own 90 MB export."""
    monkeypatch.delenv("RAG_ONNX_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings().onnx_dir == tmp_path / "xdg" / "rag" / "onnx"
    monkeypatch.setenv("RAG_ONNX_DIR", str(tmp_path / "mine"))
    assert Settings().onnx_dir == tmp_path / "mine"
