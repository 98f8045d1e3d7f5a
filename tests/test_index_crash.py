"""rag/index/writer.py under `kill -9`: a real `rag ingest` process is killed at each crash point
of a save (a document written, all files written, between the two renames, before the cleanup)
and at random moments;
afterwards an index still answers, and the next ingest completes and leaves nothing behind.
"""

from __future__ import annotations

import random
import signal
import time

import pytest

from rag.config import Settings
from rag.index.core import load
from rag.index.writer import CRASH_POINTS
from rag.ingestion import IngestReport
from tests.test_index import beside_index
from tests.test_index_folder import fake_env, run_fake_rag

NEW_LINE = "Lumen will open an office in Oslo.\n"


def edit_beta(settings: Settings) -> None:
    path = settings.corpus_dir / "beta.txt"
    path.write_text(path.read_text(encoding="utf-8") + NEW_LINE, encoding="utf-8")


def search_works(settings: Settings) -> None:
    process = run_fake_rag("search", "Lumen office", "--json", env=fake_env(settings))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert '"doc_id"' in out


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_ingest_killed_at_a_crash_point_leaves_an_index_and_reruns(
    ingested: IngestReport, settings: Settings, point: str
) -> None:
    edit_beta(settings)
    killed = run_fake_rag("ingest", env=fake_env(settings, RAG_CRASH_AT=point))
    killed.communicate(timeout=60)

    assert killed.returncode == -signal.SIGKILL
    search_works(settings)

    rerun = run_fake_rag("ingest", env=fake_env(settings))
    _, err = rerun.communicate(timeout=60)

    assert rerun.returncode == 0, err
    assert load(settings.index_dir, settings).articles["beta"].text.endswith(NEW_LINE)
    assert beside_index(settings) == ["corpus", "index"]


def test_ingest_killed_at_random_moments_never_loses_the_index(
    ingested: IngestReport, settings: Settings
) -> None:
    rng = random.Random(12)
    for round_ in range(3):
        (settings.corpus_dir / f"extra{round_}.txt").write_text(
            f"Orion hired {round_ + 2} engineers in round {round_}.\n", encoding="utf-8"
        )
        process = run_fake_rag("ingest", env=fake_env(settings, FAKE_EMBED_DELAY="0.05"))
        time.sleep(rng.uniform(0.3, 1.2))
        process.kill()
        process.communicate(timeout=60)
        search_works(settings)

    rerun = run_fake_rag("ingest", env=fake_env(settings))
    rerun.communicate(timeout=60)

    assert rerun.returncode == 0
    assert {"extra0", "extra1", "extra2"} <= set(load(settings.index_dir, settings).articles)
    assert beside_index(settings) == ["corpus", "index"]
