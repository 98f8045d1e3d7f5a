"""Property-based fuzz of the whole flow: generated articles through ingest, generated questions
through ask, search and compare. No unexpected exception, and every citation that is shown is
verbatim: `article.text[start:end] == quote`. Fixed seed (derandomized), so CI is repeatable.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.answer.comparison import compare
from rag.chain import ask
from rag.config import Settings
from rag.engine import Engine, build_engine
from rag.errors import QuestionError
from rag.ingestion import ingest
from rag.schema import Answer, Citation, Comparison
from tests.conftest import DATA, FakeEmbedder, make_settings

QUESTIONS = 1000
ARTICLE_SETS = 70
ARTICLES_PER_SET = 3
WORDS = (
    "Orion Lumen Acme chips cloud invest invested billion million $4 billion 30% 2024 March "
    "customers engineers who what when how much many CEO said reported raised 1,200 the a of "
    "in to [/note] [bold] [citation needed] \x1b[31m \u200b é Ж 漢字 🚀 — – “quoted” ' \" \\"
).split()
PUNCT = [". ", "? ", "! ", ", ", "; ", ": ", "\n", "\n\n", " - ", "\t", " "]
ODD = "[]/\\\x1b\x00\x07\u202e\ufeff\r\n\t$%#@*_~`|<>{}"

word = st.sampled_from(WORDS)
sentence = st.builds(
    lambda ws, end: " ".join(ws) + end,
    st.lists(word, min_size=1, max_size=14),
    st.sampled_from(PUNCT),
)
article_text = st.one_of(
    st.lists(sentence, min_size=1, max_size=25).map("".join),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(ODD), min_size=1, max_size=400),
)
question = st.one_of(
    st.lists(word, min_size=0, max_size=12).map(" ".join).map(lambda q: q + "?"),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(ODD), max_size=120),
    st.text(max_size=2100),
)


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def cited(answer: Answer) -> list[Citation]:
    return [*answer.citations, *answer.related]


def compared(comparison: Comparison) -> list[Citation]:
    return [st.citation for view in comparison.sources for st in view.statements]


def assert_verbatim(engine: Engine, citations: list[Citation]) -> None:
    for c in citations:
        assert engine.index.articles[c.doc_id].text[c.start : c.end] == c.quote


def exercise(engine: Engine, text: str, counts: Counter[str]) -> None:
    """ask, search and compare one question; only a refused question may raise."""
    try:
        answer = ask(text, engine.settings, engine)
    except QuestionError:
        counts["refused"] += 1
        return
    counts["answered" if not answer.abstained else "abstained"] += 1
    assert_verbatim(engine, cited(answer))
    hits = engine.retriever.search(text.strip() or "x", 5)
    for hit in hits:
        assert engine.index.articles[hit.chunk.doc_id].text[hit.chunk.start : hit.chunk.end] == (
            hit.chunk.text
        )
    assert_verbatim(engine, compared(compare(text, engine.settings, engine)))


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("fuzz")
    corpus = Path(root / "corpus")
    corpus.mkdir()
    for path in DATA.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "markup [draft].txt").write_text(
        "Orion [/note] raised $4 billion [citation needed] from Lumen in 2024.\n"
        "The \x1b[31mred\x1b[0m team hired 30 engineers.\n",
        encoding="utf-8",
    )
    fuzz_settings = make_settings(corpus, root / "index")
    embedder = FakeEmbedder()
    ingest(fuzz_settings, embedder)
    return build_engine(fuzz_settings, embedder)


def test_a_thousand_generated_questions_never_crash_and_cite_verbatim(
    fuzz_engine: Engine,
) -> None:
    counts: Counter[str] = Counter()

    @fuzz(QUESTIONS)
    @given(text=question)
    def one(text: str) -> None:
        counts["questions"] += 1
        exercise(fuzz_engine, text, counts)

    one()

    assert counts["questions"] >= QUESTIONS
    assert counts["answered"] > 0 and counts["refused"] > 0


def test_generated_articles_ingest_and_answer_with_verbatim_citations() -> None:
    counts: Counter[str] = Counter()

    @fuzz(ARTICLE_SETS)
    @given(
        texts=st.lists(article_text, min_size=ARTICLES_PER_SET, max_size=ARTICLES_PER_SET),
        asked=st.lists(question, min_size=1, max_size=2),
    )
    def one(texts: list[str], asked: list[str]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            engine = ingested_engine(Path(tmp), texts, counts)
            if engine is None:
                return
            for text in [*asked, " ".join(texts[0].split()[:8]) + "?"]:
                exercise(engine, text, counts)

    one()

    assert counts["articles"] >= ARTICLE_SETS * ARTICLES_PER_SET
    assert counts["indexed"] > 0


def ingested_engine(root: Path, texts: list[str], counts: Counter[str]) -> Engine | None:
    """An engine over these texts; None when none of them is a usable article (said so)."""
    corpus = root / "corpus"
    corpus.mkdir()
    for n, text in enumerate(texts):
        (corpus / f"doc{n}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
    counts["articles"] += len(texts)
    fuzz_settings: Settings = make_settings(corpus, root / "index")
    embedder = FakeEmbedder()
    try:
        report = ingest(fuzz_settings, embedder)
    except Exception as exc:  # only "no usable article" may stop an ingest
        assert "No usable article" in str(exc), exc
        return None
    counts["indexed"] += report.documents
    return build_engine(fuzz_settings, embedder)
