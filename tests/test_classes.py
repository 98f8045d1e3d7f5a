"""Questions asking for a class of thing ("What sport …?"): the class read from the question, the
sentence's answer picked by meaning (the packaged MiniLM), and compare's per-source answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer import classes, comparison
from rag.answer.comparison import compare
from rag.embedding.model import Embedder
from rag.text.classes import asked_class, named_instance, phrases
from tests.conftest import FakeEmbedder, engine_over


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("What sport did Ada Quill play?", "sport"),
        ("Which political party was Ada Quill a member of?", "political party"),
        ("What political party was Ada Quill affiliated with?", "political party"),
        ("What kind of engine does the Zephyr use?", "engine"),
        ("The line is run by which railway operator?", "railway operator"),
        ("What is the genre of Low Tide Hymns?", "genre"),
        ("What genre of music does the band play?", "genre"),  # not "music": "band" is nearest
        ("What is the median age in the city?", None),  # a measure, not a class
        ("What year did the band form?", None),  # a date
        ("Who founded the band?", None),
        ("What happened to the band?", None),
        ("What is the reason for the recall?", None),
    ],
)
def test_the_asked_class_is_read_from_the_question(question: str, wanted: str | None) -> None:
    assert asked_class(question) == wanted


def test_phrases_leave_out_the_question_and_its_stems() -> None:
    sentence = "Quill, a broadcasting pioneer, was a politician and a keen rugby player."
    question = "What political party did Quill's broadcast"
    found = {sentence[a:b] for a, b in phrases(question, sentence)}
    assert "rugby" in found and "keen rugby player" in found
    assert not any(w in p for p in found for w in ("Quill", "broadcasting", "politician"))
    assert "a" not in found and "and" not in found  # function words name nothing


def test_a_thing_named_with_the_class_s_own_noun_answers() -> None:
    question = "Which line is Belgrave a station on?"
    sentence = "Belgrave is a station on the Lakeside Metro's Orchard line, opened in 1950."
    said = classes.class_answer(question, sentence, 10, FakeEmbedder())  # no similarity read
    assert said is not None and said.text == "Orchard line"
    assert sentence[said.start - 10 : said.end - 10] == "Orchard line"
    party = "What political party was Ada Quill a member of?"
    joined = "In 1970 Quill joined the Welsh Liberal Party as an organiser."
    found = named_instance(party, joined)
    assert found is not None and joined[slice(*found)] == "Welsh Liberal Party"
    # the noun alone, after an article, or a name the question holds: none
    assert named_instance(party, "Quill left the party in 1990.") is None
    assert named_instance(party, "The Party met.") is None
    assert named_instance("What party is Quill Party in?", "Quill Party won.") is None
    # the noun as asked: "United States" names no state
    state = "In which state is Kelby High School?"
    assert named_instance(state, "It is a school in Kelby, Missouri, United States.") is None


@pytest.mark.slow
def test_the_phrase_nearest_the_class_answers(real_embedder: Embedder) -> None:
    question = "What sport is Ada Quill associated with?"
    sentence = "Ada Quill, a legendary figure in Welsh sports history, is best known for rugby."
    said = classes.class_answer(question, sentence, 100, real_embedder)
    assert said is not None and said.text == "rugby"
    assert sentence[said.start - 100 : said.end - 100] == "rugby"
    # nothing of the class: the rules' span stands
    assert classes.class_answer(question, "Ada Quill was born in 1911.", 0, real_embedder) is None
    # a question asking for no class is left to the rules
    assert classes.class_answer("Who is Ada Quill?", sentence, 0, real_embedder) is None


@pytest.mark.slow
def test_compare_gives_each_source_its_class_answer(
    tmp_path: Path, real_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = "She later coached at a school in Swansea.\n"
    files = {
        "almanac.txt": "Ada Quill (born 1911), from Cardiff, played cricket for Glamorgan and for"
        " Wales.\n\n" + later,
        "gazette.txt": "Ada Quill (born 1911), from Cardiff, played rugby for Pontypridd and for"
        " Wales.\n\n" + later,
    }
    settings, engine = engine_over(tmp_path, files, real_embedder)

    def said() -> dict[str, str]:
        result = compare("What sport did Ada Quill play?", settings, engine=engine)
        return {
            v.doc_id: v.statements[0].short_answer.text
            for v in result.sources
            if v.statements and v.statements[0].short_answer
        }

    assert said() == {"almanac": "cricket", "gazette": "rugby"}
    monkeypatch.setattr(comparison, "class_answer", lambda *args: None)
    # what the change adds: the rules read a name ("Glamorgan") where a sport is asked
    assert not set(said().values()) & {"cricket", "rugby"}
