"""`rag` as a real process with the test suite's fake embedder: `python -m tests.fake_cli ingest …`.

For the crash-injection and concurrency tests, which kill or race real processes. Sleeps
FAKE_EMBED_DELAY seconds per embed call, so that two ingests surely overlap.
"""

from __future__ import annotations

import os
import time

import numpy as np

from rag import cli
from rag.embedding.model import Vectors
from tests.conftest import FakeEmbedder


class SlowFakeEmbedder(FakeEmbedder):
    def embed(self, texts: list[str], progress: bool = False) -> Vectors:
        time.sleep(float(os.environ.get("FAKE_EMBED_DELAY", "0")))
        return np.asarray(super().embed(texts, progress), dtype=np.float32)


def main() -> None:
    embedder = SlowFakeEmbedder()
    import rag.embedding.model
    import rag.engine

    rag.embedding.model.make_embedder = lambda settings, bulk=False: embedder  # type: ignore[assignment]
    rag.engine.make_embedder = lambda settings: embedder  # type: ignore[assignment]
    cli.main()


if __name__ == "__main__":
    main()
