"""The web UI without a server: create_app() endpoints, handlers and HTML rendering.

Uses the tiny corpus of tests/data and conftest's FakeEmbedder; the browser test is separate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag.chain import ask
from rag.config import Settings
from rag.engine import Engine
from rag.errors import ArticleError, IndexFolderError
from rag.ingestion import IngestReport
from rag.schema import (
    Answer,
    AnswerSentence,
    Article,
    Citation,
    Comparison,
    Disagreement,
    Figure,
    SourceView,
    Statement,
)
from rag.text.short_answers import ShortAnswer
from tests.conftest import FakeEmbedder, make_settings
from ui import conversation, eval_view, handlers, render, sources_view
from ui.app import create_app
from ui.eval_view import DATASET
from ui.examples import example_questions
from ui.handlers import Resources
from ui.render_compare import comparison_html

SPENT = "Orion Cloud has spent $5.5 billion on custom chips 25."


def endpoint(demo: gr.Blocks, name: str) -> Any:
    """The Python function behind an API endpoint of the app."""
    return next(f.fn for f in demo.fns.values() if f.api_name == name)


# The Ask event's other inputs: no earlier turns, no filters.
NEW: tuple[list[Answer], list[str], str, str] = ([], [], "", "")


def ask_view(res: Resources, question: str) -> str:
    """One question in a new conversation, as the Ask tab shows it."""
    return conversation.ask_turn(res, question, []).html


def marked(html: str, key: str) -> str:
    """The text inside <mark> of the source view that citation `key` opens."""
    view = re.search(
        rf'<section class="src-view" data-cite="{key}" hidden>(.*?)</section>', html, re.S
    )
    assert view, f"no source view for citation {key}"
    found = re.search(r"<mark>(.*?)</mark>", view[1], re.S)
    assert found, f"nothing highlighted in the source of citation {key}"
    return found[1]


# --- the app as built by create_app -----------------------------------------------------------


def test_app_offers_ask_compare_and_evaluate_endpoints(app: gr.Blocks, engine: Engine) -> None:
    names = {f.api_name for f in app.fns.values()}
    assert {"ask", "compare", "evaluate"} <= names
    config = json.dumps(app.get_config_file(), default=str)  # gr.State holds a callback
    examples = example_questions(engine.index, DATASET)
    assert examples and all(question in config for question in examples)


def test_ask_endpoint_answers_with_a_clickable_citation(app: gr.Blocks, engine: Engine) -> None:
    html, *_ = endpoint(app, "ask")("How much has Orion Cloud spent on custom chips?", *NEW)
    assert 'data-kind="answer"' in html
    assert "$5.5 billion" in html
    assert 'class="cite-ref" data-cite="1"' in html  # the [1] marker in the answer text
    assert 'class="cite" data-cite="1"' in html  # the card in the citations panel
    assert marked(html, "1") == render.esc(SPENT)
    start = engine.index.articles["alpha"].text.index(SPENT)
    assert f"characters {start}–{start + len(SPENT)}" in html


def test_abstention_looks_different_and_lists_related_passages(res: Resources) -> None:
    html = ask_view(res, "How do I repair a motorcycle engine?")
    assert 'data-kind="abstained"' in html and 'class="box abstain"' in html
    assert "Related passages (not an answer)" in html
    assert 'data-cite="r1"' in html and marked(html, "r1")
    assert 'class="cite-ref"' not in html  # nothing is presented as an answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [("", "The question is empty"), ("  ?! ", "has no words to look for"), ("x" * 2001, "limit")],
)
def test_bad_questions_show_an_error_box(res: Resources, question: str, expected: str) -> None:
    html = ask_view(res, question)
    assert 'data-kind="error"' in html and expected in html


def test_missing_index_is_a_message_in_the_page(tmp_path: Path, corpus_dir: Path) -> None:
    settings = make_settings(corpus_dir, tmp_path / "nothing-here")
    demo = create_app(settings)  # must build without raising
    assert "rag ingest" in endpoint(demo, "ask")("How much did Orion spend?", *NEW)[0]
    res = Resources(settings)
    assert "rag ingest" in handlers.status_view(res)
    assert "rag ingest" in handlers.compare_view(res, "How much did Orion spend?")


def test_unexpected_failures_show_no_stack_trace(
    res: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> Answer:
        raise RuntimeError("internal detail /srv/secret.py line 3")

    monkeypatch.setattr(conversation, "ask", explode)
    html = ask_view(res, "How much did Orion spend?")
    assert handlers.UNEXPECTED in html
    assert "secret" not in html and "Traceback" not in html


# --- the conversation and the filters (Ask and Compare) ---------------------------------------

LUMEN = "How much did Orion agree to invest in Lumen?"
FOLLOW_UP = "And Nimbus?"


def cited_ids(html: str) -> set[str]:
    """The articles the citation cards (and related passages) of a page point at."""
    return set(
        re.findall(r'<span class="meta">([\w-]+)(?: · published [\d-]+)? · characters', html)
    )


def test_a_follow_up_is_read_with_the_turn_before_and_says_how(app: gr.Blocks) -> None:
    answer = endpoint(app, "ask")
    html, turns, box = answer(LUMEN, *NEW)
    assert box == "" and len(turns) == 1 and "Understood as" not in html

    html, turns, box = answer(FOLLOW_UP, turns, [], "", "")

    assert [t.question for t in turns] == [LUMEN, FOLLOW_UP]
    assert (
        '<p class="understood-as meta" data-kind="understood-as">'
        "Understood as: How much did Nimbus agree to invest in Lumen?</p>"
    ) in html
    assert html.index(FOLLOW_UP) < html.index(LUMEN)  # the newest turn first, under the box
    assert html.count('<div class="result"') == 2  # each turn keeps its own clickable answer
    assert 'class="cite" data-cite="1"' in html and box == ""


def test_new_conversation_forgets_the_earlier_turns(app: gr.Blocks) -> None:
    answer = endpoint(app, "ask")
    _, turns, _ = answer(LUMEN, *NEW)

    page, turns = handler(app, "new_conversation")()

    assert turns == [] and "new conversation" in page and LUMEN not in page
    html, turns, _ = answer(FOLLOW_UP, turns, [], "", "")
    assert turns[0].understood_as == "" and "Understood as" not in html


def test_a_source_filter_cites_only_that_source(res: Resources) -> None:
    question = "How much did Orion invest?"
    assert cited_ids(ask_view(res, question)) == {"beta"}

    asked = conversation.ask_turn(res, question, [], sources=["delta"])

    assert cited_ids(asked.html) == {"delta"}
    assert "Searched only: sources delta" in asked.html
    assert asked.turns[-1].filters is not None and asked.turns[-1].filters.sources == ["delta"]
    table = handlers.compare_view(res, question, ["delta"])
    assert "beta" not in table and ">delta<" in table and "Searched only: sources delta" in table


def test_a_date_filter_matching_nothing_shows_the_librarys_message(res: Resources) -> None:
    first = conversation.ask_turn(res, LUMEN, [])

    asked = conversation.ask_turn(res, FOLLOW_UP, first.turns, since="2030")

    assert 'data-kind="error"' in asked.html
    assert "No article was published from 2030 to now" in asked.html
    assert asked.turns == first.turns and asked.question == FOLLOW_UP  # nothing lost, box kept
    assert LUMEN in asked.html  # the earlier turn is still shown, below the error
    assert "No article was published from 2030" in handlers.compare_view(res, LUMEN, since="2030")


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("2024-13", "", "Published since: '2024-13' is not a real date (month must be in 1..12)"),
        ("", "last year", "Published until: 'last year' is not a date; write YYYY, YYYY-MM"),
    ],
)
def test_a_malformed_date_is_explained_without_a_traceback(
    app: gr.Blocks, since: str, until: str, expected: str
) -> None:
    html, turns, box = endpoint(app, "ask")(LUMEN, [], [], since, until)
    table, shown = endpoint(app, "compare")(LUMEN, [], since, until)

    for page in (html, table):
        assert 'data-kind="error"' in page and render.esc(expected) in page
        assert (
            "Traceback" not in page and "pydantic" not in page and handlers.UNEXPECTED not in page
        )
    assert turns == [] and box == LUMEN and shown is None  # nothing to download


def test_citations_show_the_publication_date_and_since_keeps_the_dated(
    res: Resources, settings: Settings
) -> None:
    metadata = settings.corpus_dir / "metadata.toml"
    metadata.write_text('["alpha"]\npublished = "2024-11"\n', encoding="utf-8")
    res.reindex()

    asked = conversation.ask_turn(res, "Who designs the chips?", [], since="2024", until="2024")

    assert cited_ids(asked.html) == {"alpha"}
    assert "alpha · published 2024-11 · characters" in asked.html  # the citation card
    assert "· alpha · published 2024-11</div>" in asked.html  # the source it opens
    assert "Searched only: published 2024 to 2024" in asked.html
    assert "published 2024-11" in handlers.read_view(res, "alpha")


# --- rendering ---------------------------------------------------------------------------------


def cite(quote: str, doc_id: str = "alpha", start: int = 0, title: str = "") -> Citation:
    return Citation(
        n=1,
        doc_id=doc_id,
        title=title or f"Title {doc_id}",
        quote=quote,
        start=start,
        end=start + len(quote),
        score=0.8,
        verified=True,
    )


def hostile_article() -> Article:
    text = 'Intro. <img src=x onerror="alert(1)"> costs $9. <script>steal()</script> End.'
    return Article(
        doc_id="evil", title="<b>Bold</b> title", path=Path("evil.txt"), text=text, sha256="0" * 64
    )


def test_article_text_is_escaped_never_injected() -> None:
    article = hostile_article()
    quote = '<img src=x onerror="alert(1)"> costs $9.'
    start = article.text.index(quote)
    citation = cite(quote, "evil", start, title=article.title)
    answer = Answer(
        question="q",
        text=f"{quote} [1]",
        abstained=False,
        citations=[citation],
        sentences=[AnswerSentence(text=quote, citations=[1])],
    )
    html = render.answer_html(answer, {"evil": article})
    assert "<img" not in html and "<script" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;steal()&lt;/script&gt;" in html
    assert marked(html, "1") == render.esc(quote)
    assert "&lt;script&gt;" in render.article_html(article, chunks=1)


def test_unverified_llm_sentences_are_visibly_marked() -> None:
    answer = Answer(
        question="q",
        text="x",
        abstained=False,
        citations=[cite("q")],
        answerer="llm",
        sentences=[
            AnswerSentence(text="Supported.", citations=[1]),
            AnswerSentence(text="Made up.", citations=[], verified=False),
        ],
    )
    html = render.answer_html(answer, {})
    assert re.search(
        r'class="sent unverified"[^>]*>Made up\. <span class="badge bad">unverified', html
    )
    assert '<span class="sent">Supported. <a href="#" class="cite-ref" data-cite="1"' in html
    assert "is not in the index any more" in html  # the cited article is gone: say so


def differing(reason: str, summary: str = "") -> Answer:
    """An answer quoting two sources that differ, with `reason` and short answers `summary`."""
    return Answer(
        question="q",
        text="Sources differ: a [1] b [2]",
        abstained=False,
        citations=[cite("a"), cite("b").model_copy(update={"n": 2})],
        sources_differ=True,
        reason=reason,
        answer_summary=summary,
    )


def test_differing_sources_say_who_says_what_above_the_citations() -> None:
    answer = differing("Sources differ on the amount: A says <$8 billion>; B says $25 billion.")
    html = render.answer_html(answer, {})
    box = re.search(r'data-kind="sources-differ">(.*?)</div>', html)
    assert box is not None
    assert "A says &lt;$8 billion&gt;; B says $25 billion." in box.group(1)
    assert "Compare tab" in box.group(1)


def test_short_answers_show_in_a_box_with_the_flag_beside_them() -> None:
    answer = differing(
        "Sources differ on the amount.", "1 source says <$5 billion>; 1 says $8 billion"
    )
    html = render.answer_html(answer, {})
    box = re.search(r'data-kind="short-answers">(.*?)</div>', html)
    assert box is not None and "1 source says &lt;$5 billion&gt;; 1 says $8 billion" in box.group(1)
    assert 'data-kind="sources-differ"' in html  # both boxes, not one instead of the other
    plain = render.answer_html(answer.model_copy(update={"answer_summary": ""}), {})
    assert 'data-kind="short-answers"' not in plain


def test_compare_says_when_sources_are_about_different_subjects() -> None:
    note = "Probably different subjects, not a disagreement: a (<Beltrami>) says 142; b says 205."
    html = comparison_html(Comparison(question="q", sources=[], notes=[note]))

    box = re.search(r'data-kind="different-subjects">(.*?)</div>', html)
    assert box is not None and "a (&lt;Beltrami&gt;) says 142; b says 205." in box.group(1)
    assert 'data-kind="different-subjects"' not in comparison_html(
        Comparison(question="q", sources=[])
    )


def test_a_quote_referring_back_shows_the_sentence_before_escaped() -> None:
    citation = cite("The pharmaceutical giant reported 30% faster reviews.").model_copy(
        update={"context": "Pfizer adopted <b>Claude</b>."}
    )
    answer = Answer(
        question="q",
        text=f"{citation.quote} [1]",
        abstained=False,
        citations=[citation],
        sentences=[AnswerSentence(text=citation.quote, citations=[1])],
    )
    html = render.answer_html(answer, {})
    assert 'data-kind="context">after “Pfizer adopted &lt;b&gt;Claude&lt;/b&gt;.”' in html
    view = SourceView(
        doc_id="a",
        title="A",
        addresses=True,
        statements=[Statement(citation=citation, figures=[])],
    )
    table = comparison_html(Comparison(question="q", sources=[view]))
    assert 'data-kind="context"' in table
    plain = render.answer_html(answer.model_copy(update={"citations": [cite("x")]}), {})
    assert 'data-kind="context"' not in plain


def test_comparison_flags_the_disagreement_and_marks_figures() -> None:
    def statement(doc_id: str, quote: str, raw: str, value: float) -> Statement:
        at = quote.index(raw)
        figure = Figure(raw=raw, kind="money", value=value, start=at, end=at + len(raw))
        return Statement(citation=cite(quote, doc_id), figures=[figure])

    a = statement("a", "Amazon invested $8 billion.", "$8 billion", 8e9)
    b = statement("b", "Amazon put in <$4 billion>.", "$4 billion", 4e9)
    comparison = Comparison(
        question="How much?",
        sources=[
            SourceView(doc_id="c", title="Quiet", addresses=False),
            SourceView(doc_id="a", title="Title a", addresses=True, statements=[a]),
            SourceView(doc_id="b", title="Title b", addresses=True, statements=[b]),
        ],
        disagreements=[
            Disagreement(
                kind="money",
                subject="the investment",
                claims=[a, b],
                summary="a says $8 billion; b says $4 billion",
            )
        ],
    )
    html = comparison_html(comparison)
    assert 'data-kind="disagreement"' in html and "the investment" in html
    assert html.count('data-kind="disputed"') == 2
    assert '<span class="fig">$8 billion</span>' in html
    assert '&lt;<span class="fig">$4 billion</span>&gt;' in html
    assert html.index("Title a") < html.index("Quiet")  # silent sources last
    chart = html.index('data-kind="figure-chart"')  # the figures as bars, above the table
    assert html.index("Sources disagree") < chart < html.index('<table class="compare"')
    assert 'data-value="8000000000"' in html and 'data-value="4000000000"' in html
    assert 'data-kind="no-figure"' not in html
    plain = Statement(citation=cite("Amazon and Anthropic are close.", "d"), figures=[])
    talks = SourceView(doc_id="d", title="Title d", addresses=True, statements=[plain])
    with_talk = comparison.model_copy(update={"sources": [*comparison.sources, talks]})
    assert comparison_html(with_talk).count('data-kind="no-figure"') == 1
    asks_who = with_talk.model_copy(update={"question": "Who backs Anthropic?"})
    assert 'data-kind="no-figure"' not in comparison_html(asks_who)  # a figure is no answer
    year = "Founded in 1856."  # an answer, though not a figure read (dates are read from 1900)
    said = ShortAnswer(text="1856", start=11, end=15)
    dated = Statement(citation=cite(year, "e"), figures=[], short_answer=said)
    answers = SourceView(doc_id="e", title="Title e", addresses=True, statements=[dated])
    with_year = comparison.model_copy(update={"sources": [*comparison.sources, answers]})
    assert 'data-kind="no-figure"' not in comparison_html(with_year)


def test_compare_endpoint_renders_the_table(app: gr.Blocks) -> None:
    html, shown = endpoint(app, "compare")("How much will Orion invest in Lumen?", [], "", "")
    assert 'data-kind="comparison"' in html and "$4 billion" in html
    assert isinstance(shown, Comparison) and shown.question.startswith("How much will Orion")


# --- sources -----------------------------------------------------------------------------------


def test_sources_list_every_article_with_size_and_chunks(res: Resources, engine: Engine) -> None:
    rows = handlers.source_rows(res)
    assert sorted(r[1] for r in rows) == sorted(engine.index.articles)
    alpha = next(r for r in rows if r[1] == "alpha")
    assert alpha[0] == engine.index.articles["alpha"].title
    assert alpha[2] == len(engine.index.articles["alpha"].text)
    assert alpha[3] == sum(c.doc_id == "alpha" for c in engine.index.chunks) > 1


def test_reader_shows_the_article_or_says_it_is_unknown(res: Resources) -> None:
    assert render.esc(SPENT) in handlers.read_view(res, "alpha")
    assert 'data-kind="error"' in handlers.read_view(res, "../../etc/passwd")
    assert "Pick an article" in handlers.read_view(res, None)


# --- evaluate ----------------------------------------------------------------------------------


def write_jsonl(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


ITEMS = [
    {
        "id": "u1",
        "type": "factoid",
        "question": "How much has Orion Cloud spent on custom chips?",
        "answers": ["$5.5 billion"],
        "sources": ["alpha"],
        "evidence": ["Orion Cloud has spent $5.5 billion on custom chips"],
    },
    {
        "id": "u2",
        "type": "unanswerable",
        "question": "How do I repair a motorcycle engine?",
        "answers": [],
        "sources": [],
        "evidence": [],
    },
]


def test_evaluation_of_an_upload_gives_scores_rows_and_reports(
    res: Resources, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    out = eval_view.run(
        res,
        write_jsonl(tmp_path / "mine.jsonl", ITEMS),
        lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (2, 2)
    assert [r[0] for r in out.rows] == ["u1", "u2"] and {r[2] for r in out.rows} <= {"pass", "FAIL"}
    assert "upload: mine.jsonl" in out.summary_html and "2</b>questions" in out.summary_html
    assert all(0 <= s["score"] <= 1 for s in out.scores)
    assert json.loads(out.json_path.read_text())["dataset"] == "upload: mine.jsonl"
    assert "<html" in out.html_path.read_text().lower()


def test_only_the_built_in_set_is_held_to_the_thresholds(
    res: Resources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits = tmp_path / "thresholds.toml"
    limits.write_text("[overall]\nanswer_hit_rate = 1.01\n", encoding="utf-8")
    monkeypatch.setattr(eval_view, "THRESHOLDS", limits)
    monkeypatch.setattr(eval_view, "DATASET", write_jsonl(tmp_path / "qa.jsonl", ITEMS))
    built_in = eval_view.run(res, None, lambda done, total: None).summary_html
    assert "Below threshold" in built_in and "answer_hit_rate" in built_in
    assert 'class="threshold missed"' in built_in and 'data-threshold="1.01"' in built_in
    assert 'class="latency-chart"' in built_in
    upload = eval_view.run(res, tmp_path / "qa.jsonl", lambda done, total: None).summary_html
    assert "not applied" in upload and "Below threshold" not in upload


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", "{}", "not a .jsonl file"),
        ("bad.jsonl", "{not json\n", "bad.jsonl:1: not valid JSON"),
        ("empty.jsonl", "\n", "holds no questions"),
        ("long.jsonl", json.dumps({**ITEMS[0], "question": "x" * 3000}) + "\n", "question u1"),
        ("latin.jsonl", "caf\udce9\n", "not UTF-8 text"),
        (
            "deep.jsonl",
            "[" * 100_000 + "]" * 100_000 + "\n",
            "deep.jsonl:1: JSON nested too deeply",
        ),
    ],
)
def test_bad_uploads_are_explained(
    app: gr.Blocks, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    summary, *_ = endpoint(app, "evaluate")(str(path))
    assert 'data-kind="error"' in summary and expected in summary
    assert str(tmp_path) not in summary  # the user's file name, not the server's temp path


# --- adding and removing articles (Sources tab) ------------------------------------------------

LIGHTHOUSES = (
    "Lighthouse Keepers Return\nBrindle Maritime is a heritage company on the northern coast. "
    "Brindle Maritime restored 47 lighthouses in 2023. Each restored lighthouse now runs on "
    "solar power.\n"
)
ONLY_IT_ANSWERS = "How many lighthouses did Brindle Maritime restore?"


def upload(tmp_path: Path, name: str = "lighthouses.txt", text: str = LIGHTHOUSES) -> str:
    """A file as Gradio hands it over: a temp path ending in the user's file name."""
    folder = tmp_path / "gradio-upload"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def handler(demo: gr.Blocks, name: str) -> Any:
    """The Python function behind a private event (no API name) of the app."""
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def test_an_added_article_answers_until_it_is_removed(
    res: Resources, settings: Settings, tmp_path: Path
) -> None:
    assert 'data-kind="abstained"' in ask_view(res, ONLY_IT_ANSWERS)
    stages: list[tuple[str, float]] = []

    added = sources_view.add(res, upload(tmp_path), lambda step, done: stages.append((step, done)))

    assert [s for s, _ in stages] == [
        sources_view.CHECKING,
        sources_view.SAVING,
        sources_view.INDEXING,
        sources_view.LOADING,
    ]
    assert "Added “Lighthouse Keepers Return” as lighthouses.txt" in added.note
    assert "1 added or changed, 0 removed, 4 unchanged" in added.note
    assert ("Lighthouse Keepers Return (lighthouses)", "lighthouses") in added.choices
    html = ask_view(res, ONLY_IT_ANSWERS)
    assert 'data-kind="answer"' in html and "47 lighthouses" in html
    assert 'class="title">Lighthouse Keepers Return</span>' in html

    removed = sources_view.remove(res, "lighthouses", lambda step, done: None)

    assert "Removed “Lighthouse Keepers Return” (id lighthouses)" in removed.note
    assert "To restore it" in removed.note and "0 added or changed, 1 removed" in removed.note
    moved = settings.corpus_dir / ".removed" / "lighthouses.txt"
    assert moved.read_text(encoding="utf-8") == LIGHTHOUSES
    assert "lighthouses" not in [doc_id for _, doc_id in removed.choices]
    assert 'data-kind="abstained"' in ask_view(res, ONLY_IT_ANSWERS)
    assert "4 articles" in handlers.status_view(res)


def test_update_rebuilds_a_stale_index_and_reads_files_copied_into_the_folder(
    ingested: IngestReport,
    settings: Settings,
    embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server started on an index of another version could only say "run `rag ingest`", and a
    file copied into the folder (not uploaded) was never read; Update the index does both."""
    monkeypatch.setattr("rag.index.manifest.CHUNKING_VERSION", 999)  # built by another version
    monkeypatch.setattr(handlers, "make_embedder", lambda _settings: embedder)
    res = Resources(settings)
    assert "rag ingest" in handlers.status_view(res)
    assert "Sources → Update the index" in handlers.status_view(res)
    (settings.corpus_dir / "lighthouses.txt").write_text(LIGHTHOUSES, encoding="utf-8")
    app = create_app(settings)

    note, rows, *_ = handler(app, "update")()  # the button's handler, as the page calls it

    assert "Index brought up to date with" in note and "5 articles" in note
    assert "lighthouses" in [row[1] for row in rows]
    updated = sources_view.update(res, lambda step, done: None)
    assert "0 added or changed, 0 removed" in updated.note  # this server's copy caught up too
    assert 'data-kind="answer"' in ask_view(res, ONLY_IT_ANSWERS)


def test_a_question_already_running_keeps_the_previous_index(
    res: Resources, settings: Settings, tmp_path: Path
) -> None:
    before = res.engine()

    sources_view.add(res, upload(tmp_path), lambda step, done: None)

    assert res.engine() is not before and "lighthouses" in res.engine().index.articles
    assert "lighthouses" not in before.index.articles  # engines are never changed in place
    assert ask(ONLY_IT_ANSWERS, settings, engine=before).abstained
    assert res.engine().embedder is before.embedder  # the model is not loaded again


def test_a_refused_upload_explains_and_changes_nothing(
    app: gr.Blocks, settings: Settings, tmp_path: Path
) -> None:
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    add = handler(app, "add")

    note, *others = add(upload(tmp_path, "alpha.txt"))

    assert 'data-kind="error"' in note and "already in the collection" in note
    assert all(isinstance(o, type(gr.skip())) for o in others)  # table and lists as they were
    assert "Choose a .txt, .md, .html, .pdf or .docx file" in add(None)[0]
    assert "is empty" in add(upload(tmp_path, "blank.md", "\n \n"))[0]
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_removing_asks_first_and_cancel_keeps_the_article(
    app: gr.Blocks, settings: Settings
) -> None:
    note, row, button = handler(app, "ask")("beta")

    assert "moved to .removed/, not deleted" in note and row.visible is True
    assert button.value == "Yes, remove “Why Orion Invested in a Model Maker”"
    assert (settings.corpus_dir / "beta.txt").exists()
    note, row = handler(app, "cancel_removal")()
    assert "Nothing was removed" in note and row.visible is False
    assert (settings.corpus_dir / "beta.txt").exists()
    assert 'data-kind="error"' in handler(app, "ask")(None)[0]
    assert 'data-kind="error"' in handler(app, "ask")("../beta")[0]


def test_a_failed_reindex_says_the_file_was_saved_and_the_old_index_answers(
    res: Resources, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(on_wait: object = None) -> IngestReport:
        raise IndexFolderError("index/ holds other files")

    monkeypatch.setattr(res, "reindex", refuse)

    with pytest.raises(ArticleError) as caught:
        sources_view.add(res, upload(tmp_path), lambda step, done: None)

    message = str(caught.value)
    assert "Saved lighthouses.txt" in message and "index/ holds other files" in message
    assert "answered from the previous index" in message and "rag ingest" in message
    assert (settings.corpus_dir / "lighthouses.txt").exists()
    assert "lighthouses" not in res.engine().index.articles


def test_a_large_update_from_the_page_embeds_with_the_bulk_model(
    res: Resources, settings: Settings, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rag ingest` loads the bulk model (OpenVINO where it is faster); so does the page's
    update once it has enough to embed, instead of the question's model it holds."""
    made: list[bool] = []
    other = FakeEmbedder()

    def make(_settings: Settings, bulk: bool = False) -> FakeEmbedder:
        made.append(bulk)
        return other

    monkeypatch.setattr(handlers, "make_embedder", make)
    monkeypatch.setattr("rag.ingestion.BULK_TEXTS", 1)
    embedder.texts.clear()
    (settings.corpus_dir / "lighthouses.txt").write_text(LIGHTHOUSES, encoding="utf-8")

    report = res.reindex()

    assert report.updated == ["lighthouses"] and made == [True]
    assert other.texts and embedder.texts == []


def test_differing_short_answers_get_no_all_clear() -> None:
    """Two answer groups, one backed by two sources, and no flag: the Compare tab does not say
    the sources agree (nor do the CLI and the Markdown export, which share the line)."""
    from rag.render.export import comparison_markdown
    from rag.schema import AnswerGroup

    groups = [
        AnswerGroup(key="lune valley", answer="Lune Valley", doc_ids=["a", "b"]),
        AnswerGroup(key="green party", answer="Green Party", doc_ids=["c"]),
    ]
    differing = Comparison(question="Which party?", sources=[], answer_groups=groups)
    html = comparison_html(differing)
    assert 'data-kind="agree"' not in html and 'data-kind="unflagged"' in html
    assert "short answers differ" in html
    assert "No disagreement found" not in comparison_markdown(differing)
    agreeing = differing.model_copy(update={"answer_groups": groups[:1]})
    assert 'data-kind="agree"' in comparison_html(agreeing)
    assert "No disagreement found" in comparison_markdown(agreeing)
