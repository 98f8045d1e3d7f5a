"""rag/corpus/html_text.py and .html articles in the corpus: the page's text is what gets indexed
and cited; markup, scripts and styles are not."""

from __future__ import annotations

from pathlib import Path

from rag.chain import ask
from rag.config import Settings
from rag.corpus.html_text import html_to_text, read_html
from rag.corpus.reader import load_corpus
from rag.engine import build_engine
from rag.ingestion import ingest
from tests.conftest import FakeEmbedder

PAGE = """<!doctype html><html><head><title>Vega &amp; Lumen: a chip deal</title>
<style>p { color: red }</style><script>track("visit");</script></head>
<body><nav>Home | About</nav><h1>Vega and Lumen</h1>
<p>Vega Labs agreed to sell 40,000 accelerators to Lumen&nbsp;in 2025.</p>
<p>The deal is worth <b>$2.4 billion</b>, according to both companies.</p></body></html>"""


def test_the_text_keeps_paragraphs_and_drops_markup_scripts_and_navigation() -> None:
    text, title = html_to_text(PAGE)
    assert title == "Vega & Lumen: a chip deal"
    assert text == (
        "Vega and Lumen\n\nVega Labs agreed to sell 40,000 accelerators to Lumen in 2025.\n\n"
        "The deal is worth $2.4 billion, according to both companies.\n"
    )


def test_a_table_row_is_a_line_of_its_cells_never_run_together() -> None:
    """ "<td>2024</td><td>4,000</td>" was read "20244,000": a figure no source gives."""
    table = (
        "<table><tr><th>Year</th><th>Chips</th></tr><tr><td>2024</td><td>4,000</td></tr>"
        "<tr><td>2025</td><td><b>6</b>,000</td></tr></table><p>After it.</p>"
    )
    assert html_to_text(table)[0] == "Year | Chips\n\n2024 | 4,000\n\n2025 | 6,000\n\nAfter it.\n"


def test_a_superscript_after_a_digit_never_runs_into_the_number() -> None:
    page = "<p>Sales rose in 2024<sup>5</sup> to $4 billion<sup>[12]</sup> over 300 km<sup>2"
    page += "</sup>.</p>"
    assert html_to_text(page)[0] == "Sales rose in 2024 5 to $4 billion[12] over 300 km2.\n"


def test_a_page_with_no_text_is_skipped_with_a_reason(corpus_dir: Path) -> None:
    (corpus_dir / "empty.html").write_text("<html><script>x()</script></html>", "utf-8")
    skipped = {s.path.name: s.reason for s in load_corpus(corpus_dir).skipped}
    assert skipped["empty.html"] == "has no text outside its markup"


def test_an_html_article_is_indexed_and_cited_from_its_text(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "vega-deal.html").write_text(PAGE, encoding="utf-8")
    ingest(settings, embedder)
    engine = build_engine(settings, embedder)
    article = engine.index.articles["vega-deal"]
    assert article.title == "Vega & Lumen: a chip deal" and "<p>" not in article.text
    answer = ask("How much is the Vega Lumen deal worth?", settings, engine)
    cited = [c for c in answer.citations if c.doc_id == "vega-deal"]
    assert cited and all(c.verified for c in cited)
    assert any("$2.4 billion" in c.quote for c in cited)


def test_a_pages_own_metadata_dates_and_signs_it() -> None:
    page = (
        "<html><head><title>Harbor news</title>"
        '<meta property="article:published_time" content="2025-01-05T09:30:00Z">'
        '<meta name="date" content="2024-12-31">'  # the first date given is kept
        '<meta name="author" content="Ann Lee">'
        '<meta property="og:site_name" content="Harbor Herald"></head>'
        "<body><p>The harbor opened.</p></body></html>"
    )
    assert read_html(page)[2] == {
        "published": "2025-01-05",
        "author": "Ann Lee",
        "publisher": "Harbor Herald",
    }
    assert read_html('<time itemprop="datePublished" datetime="2023/05/02">May 2</time>')[2] == {
        "published": "2023-05-02"
    }
    # no date that is a real day, and a profile's address, are not metadata
    odd = '<meta name="date" content="2024-02-30"><meta name="author" content="https://x.y/ann">'
    assert read_html(odd + "<p>Text.</p>")[2] == {}


def test_a_list_item_is_a_bullet() -> None:
    """ "<li>Employees: 2,300</li>" as a short line of its own read as a heading."""
    page = "<ul><li>Employees: 2,300</li><li><p>Headquarters: Columbus</p></li></ul><p>End.</p>"
    assert html_to_text(page)[0] == "- Employees: 2,300\n\n- Headquarters: Columbus\n\nEnd.\n"


def test_list_items_and_table_rows_are_statements_not_headings(
    settings: Settings, embedder: FakeEmbedder
) -> None:
    page = (
        "<h1>Kestrel results</h1><p>Revenue rose in the fourth quarter.</p>"
        "<table><tr><th>Quarter</th><th>Revenue</th></tr>"
        "<tr><td>Q3 2024</td><td>$378 million</td></tr></table>"
        "<ul><li>Employees: 2,300</li></ul>"
    )
    (settings.corpus_dir / "kestrel.html").write_text(page, encoding="utf-8")
    ingest(settings, embedder)
    index = build_engine(settings, embedder).index
    heading = {
        index.sentences[r].text: index.sentences[r].heading
        for r in index.doc_sentence_rows("kestrel")
    }
    assert heading == {
        "Kestrel results": True,
        "Revenue rose in the fourth quarter.": False,
        "Quarter | Revenue": True,  # the header row
        "Q3 2024 | $378 million": False,
        "Employees: 2,300": False,
    }
