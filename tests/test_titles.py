"""A title's names: a sentence that names none of what the question asks about takes its
subject from its document's title ("Released 14 April 2026." in "Tessera 3.2 release notes")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.answer import extractive
from rag.answer.extractive import score_rows
from rag.answer.timeline import timeline
from rag.config import Settings
from rag.embedding.model import Embedder
from rag.engine import Engine, build_engine
from rag.ingestion import ingest

NOTES = """Tessera {version} release notes

Released {day}.

Snapshots now copy only the pages that changed. Tessera Cloud moved to the new port.
A fix is planned for 3.3.
"""
UNTITLED = (
    "Tessera 3.2 came out in the spring and the maintainers wrote about it at length in a long "
    "post. Released 2 May 2026."
)


@pytest.fixture
def corpus_dir(corpus_dir: Path) -> Path:
    for name, version, day in (
        ("notes-3-1", "3.1", "3 November 2025"),
        ("notes-3-2", "3.2", "14 April 2026"),
    ):
        text = NOTES.format(version=version, day=day)
        (corpus_dir / f"{name}.md").write_text(text, encoding="utf-8")
    (corpus_dir / "snippet.txt").write_text(UNTITLED, encoding="utf-8")
    return corpus_dir


def _lexical(engine: Engine, question: str) -> dict[tuple[str, str], float]:
    index = engine.index
    rows = np.arange(len(index.sentences))
    scored = score_rows(question, rows, engine.retriever)
    return {(s.sentence.doc_id, s.sentence.text): s.lexical for s in scored}


def test_a_sentence_naming_nothing_takes_the_titles_names(engine: Engine) -> None:
    lexical = _lexical(engine, "When was Tessera 3.2 released?")
    released_3_2 = lexical["notes-3-2", "Released 14 April 2026."]
    released_3_1 = lexical["notes-3-1", "Released 3 November 2025."]
    snippet = lexical["snippet", "Released 2 May 2026."]
    # "released" in all three; "Tessera" from both notes' titles, "3.2" from 3.2's only; a
    # document titled by its first words, cut, lends nothing
    assert released_3_2 > released_3_1 > snippet > 0


def test_a_sentence_naming_what_was_asked_takes_nothing_from_the_title(engine: Engine) -> None:
    """It names "Tessera" itself: 3.2's title does not make it about 3.2."""
    lexical = _lexical(engine, "When was Tessera 3.2 released?")
    sentence = "Tessera Cloud moved to the new port."
    assert lexical["notes-3-2", sentence] == lexical["notes-3-1", sentence] > 0
    # nor one naming a version of its own
    sentence = "A fix is planned for 3.3."
    assert lexical["notes-3-2", sentence] == lexical["notes-3-1", sentence] == 0


def test_the_titles_names_count_alike_on_the_path_of_many_rows(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "When was Tessera 3.2 released?"
    few = _lexical(engine, question)
    monkeypatch.setattr(extractive, "MANY_ROWS", 1)  # word overlaps from the inverted index
    many = _lexical(engine, question)
    assert many.keys() == few.keys()
    for key, value in few.items():
        assert many[key] == pytest.approx(value, abs=1e-9), key


@pytest.mark.slow
def test_the_timeline_of_a_version_holds_its_release_date_from_its_notes(
    corpus_dir: Path, tmp_path: Path, real_embedder: Embedder
) -> None:
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "real-index")
    ingest(settings, real_embedder)
    engine = build_engine(settings, real_embedder)
    said = {
        (c.citation.doc_id, c.citation.quote)
        for c in timeline("Tessera 3.2", settings, engine=engine).claims
    }
    assert ("notes-3-2", "Released 14 April 2026.") in said
    assert ("notes-3-1", "Released 3 November 2025.") not in said


STORY = """Acme Air orders six turboprops

"Regional routes matter," said chief executive Maren Solberg.
Globex chief executive Tor Lind said the order was large.
"""


def test_a_who_answer_may_take_the_asked_company_from_the_title(tmp_path: Path) -> None:
    """A story's unqualified role is its subject's ("said chief executive Maren Solberg" under
    "Acme Air …"); a sentence naming another company besides the person is not lent it."""
    from rag.answer.extractive import person_named
    from tests.conftest import FakeEmbedder, make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text(STORY, encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "index")
    embedder = FakeEmbedder()
    ingest(settings, embedder)
    engine = build_engine(settings, embedder)
    question = "Who is the chief executive of Acme?"
    scored = score_rows(question, np.arange(len(engine.index.sentences)), engine.retriever)
    named = {s.sentence.text: person_named(s, question, engine.retriever) for s in scored}
    assert named['"Regional routes matter," said chief executive Maren Solberg.']
    assert not named["Globex chief executive Tor Lind said the order was large."]
    assert not person_named(scored[0], "Who is the chief executive of Initech?", engine.retriever)
