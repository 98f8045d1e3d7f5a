"""A question asking no kind of figure ("What is the default port?"): a source that writes a
number the answer does not ("moved from 7400 to 7410") is quoted beside it, so no source's
number is left out (answer/comparison._with_other_sources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer import comparison
from rag.chain import ask
from rag.embedding.model import Embedder
from tests.conftest import engine_over

NOTES = {
    "notes-3-1": "Tessera 3.1 release notes\n\nThe default port remains 7400.\n"
    "Snapshots are written in parallel.\n",
    "notes-3-2": "Tessera 3.2 release notes\n\nThe default port moved from 7400 to 7410, because "
    "7400 clashed with a common monitoring agent.\nSnapshots copy only the pages that changed.\n",
    "garden": "Growing tomatoes\n\nTomatoes need six hours of sun a day.\n",
}


@pytest.mark.slow
def test_a_source_giving_another_number_is_quoted_beside_the_answer(
    tmp_path: Path, real_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"{name}.md": text for name, text in NOTES.items()}
    settings, engine = engine_over(tmp_path, files, real_embedder)

    def cited(question: str) -> set[str]:
        return {c.doc_id for c in ask(question, settings, engine=engine).citations}

    assert cited("What is the default port?") >= {"notes-3-1", "notes-3-2"}
    monkeypatch.setattr(comparison, "_another_number", lambda statement, said: False)
    assert "notes-3-2" not in cited("What is the default port?")  # what the rule adds
