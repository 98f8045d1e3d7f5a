"""rag/text/anaphora.py: which sentences refer back, and the names they carry over."""

from __future__ import annotations

import pytest

from rag.index.core import carried_names
from rag.schema import Sentence
from rag.text.anaphora import refers_back

PFIZER = "Pfizer adopted Claude for drug discovery."
GIANT = "The pharmaceutical giant reported 30% faster literature review cycles."


@pytest.mark.parametrize(
    ("text", "refers"),
    [
        (GIANT, True),
        ("The company reported outages during 37 of the past 90 days.", True),
        ("It signals AWS’s strategic response.", True),
        ("They create structural dependencies.", True),
        ("The record was produced by Welsh producer Gethin Rowlands.", True),
        ("The study enrolled 412 adults.", True),
        ("The city has 50,000 inhabitants.", False),  # places often open a new topic
        (PFIZER, False),
        ("The Claude app became the top-ranked free application.", False),
        ("Items are listed below.", False),
    ],
)
def test_sentences_that_refer_back(text: str, refers: bool) -> None:
    assert refers_back(text) is refers


def _sentences(text: str, *parts: str, doc_id: str = "a") -> list[Sentence]:
    out = []
    for idx, part in enumerate(parts):
        start = text.index(part)
        out.append(Sentence(doc_id=doc_id, idx=idx, text=part, start=start, end=start + len(part)))
    return out


def test_names_are_carried_from_the_sentence_before_in_the_same_paragraph() -> None:
    text = f"{PFIZER} {GIANT}"
    previous, sentence = _sentences(text, PFIZER, GIANT)
    assert set(carried_names(sentence, previous, text).split()) == {"Pfizer", "Claude"}


def test_nothing_is_carried_across_a_blank_line_a_heading_or_to_a_plain_sentence() -> None:
    text = f"{PFIZER}\n\n{GIANT}"
    previous, sentence = _sentences(text, PFIZER, GIANT)
    assert carried_names(sentence, previous, text) == ""  # a new paragraph
    text = f"{PFIZER}\n{GIANT}"  # a line of its own, in the same paragraph
    previous, sentence = _sentences(text, PFIZER, GIANT)
    assert set(carried_names(sentence, previous, text).split()) == {"Pfizer", "Claude"}
    text = f"{PFIZER} {GIANT}"
    previous, sentence = _sentences(text, PFIZER, GIANT)
    heading = previous.model_copy(update={"heading": True})
    assert carried_names(sentence, heading, text) == ""
    assert carried_names(sentence, None, text) == ""
    other_doc = previous.model_copy(update={"doc_id": "b"})
    assert carried_names(sentence, other_doc, text) == ""
    text = f"{GIANT} {PFIZER}"
    previous, sentence = _sentences(text, GIANT, PFIZER)
    assert carried_names(sentence, previous, text) == ""  # "Pfizer adopted …" names its own
