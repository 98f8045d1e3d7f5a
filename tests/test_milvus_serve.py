"""Two `rag serve` processes share one Milvus server and both answer from it: run by
`make test-milvus-server` (MILVUS_TEST_URI=http://127.0.0.1:PORT); skipped without a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from gradio_client import Client

from rag.config import Settings
from rag.embedding.model import Embedder
from rag.ingestion import ingest
from tests.conftest import MILVUS_SERVER, REAL_CORPUS, milvus_store
from ui.server import serving

SERVER = MILVUS_SERVER
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SERVER, reason="needs a Milvus server: make test-milvus-server"),
]


@pytest.fixture(scope="module")
def shared_store(
    real_embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """The seed corpus ingested once into the server, under a prefix of its own."""
    folder = tmp_path_factory.mktemp("serve")
    base = Settings(corpus_dir=REAL_CORPUS, index_dir=folder / "index")
    with milvus_store(base, folder) as settings:
        ingest(settings, real_embedder)
        yield {
            "RAG_STORE": "milvus",
            "RAG_MILVUS_URI": settings.milvus_uri,
            "RAG_MILVUS_PREFIX": settings.milvus_prefix,
            "RAG_INDEX_DIR": str(settings.index_dir),
        }


def test_two_app_processes_share_one_store_and_both_answer(
    shared_store: dict[str, str], tmp_path: Path
) -> None:
    index_dir = Path(shared_store["RAG_INDEX_DIR"])
    with ExitStack() as stack:
        urls = [
            stack.enter_context(
                serving(REAL_CORPUS, index_dir, tmp_path / f"serve{n}.log", 240.0, shared_store)
            )
            for n in (1, 2)
        ]
        for url in urls:
            client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
            question = "By how much did Lyft reduce customer service resolution time?"
            # the question, then the filters: no source picked, no since/until
            out = client.predict(question, [], "", "", api_name="/ask")
            client.close()
            html = out[0] if isinstance(out, tuple | list) else out
            assert "87%" in html and 'data-kind="answer"' in html
    assert not index_dir.exists()  # the app wrote no index folder: everything is in Milvus
