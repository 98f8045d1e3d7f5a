"""Hits → Answer built from verbatim source sentences (the default answerer; no LLM).

Scores each sentence of the retrieved chunks against the question (sentence embedding,
IDF-weighted word overlap, answer-type cues), quotes the best 1–3 verbatim with citations,
and abstains when even the best one does not support the question well enough.
Does NOT verify citations (answer/citations.py does) or detect disagreements (answer/comparison.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from rag.config import Settings
from rag.engine import Engine
from rag.index.core import Index
from rag.retrieval import Retriever
from rag.schema import Answer, Citation, Hit, Sentence
from rag.text.cues import (
    NO_CUE,
    OTHER_THINGS,
    counted_things,
    cue_match,
    has_kind,
    kinds_in,
    looks_like_instruction,
    names_someone_else,
    states_a_number,
    wanted_kinds,
)
from rag.text.kinds import Kind
from rag.text.names import (
    TITLE_WORDS,
    asked_figures,
    asked_lettered,
    full_person_names,
    given_names,
    initialled,
    name_held,
    names_held,
    one_name_of_its_own,
    people_by_surname,
    question_entities,
    surnames_alone,
    unmentioned_reason,
)
from rag.text.negation import answers_a_negative, asks_a_negative
from rag.text.questions import topic_terms
from rag.text.subjects import another_of_series, asks_a_place
from rag.text.tokens import terms

# How a sentence's score is made, and when it is enough. Every number below was hand-set on
# evals/qa.jsonl, the set we report (a leak until the judge, #13, retires it), in the first
# extractive answerer (commit 042c64d), by reading answers, not by a search.
WEIGHTS = {"dense": 0.5, "lexical": 0.4, "cue": 0.1}
HEADING_FACTOR = 0.6  # a heading states a topic, rarely the answer
RELATED = 3  # closest passages listed when abstaining
SECTION_SENTENCES = 3  # a section quoted for its heading: its first sentences, at most
_SUM_ORDER_SLACK = 1e-3  # 100x the largest difference seen between the two products (tests)
MANY_ROWS = 20_000  # from this many rows on, word overlaps come from Retriever.term_weights
# Of that many rows, the products FAISS ranks: the rest get the last one's as an upper bound, and
# only those whose bound (with their word overlap and a full cue) can reach the floor get their
# own product. Any value gives the same answers. At 100k chunks (544k sentences) ranking the best
# 1,000 took 45 ms, 16,384 52 ms and all 171 ms, and 1,000 left too many rows near the floor for
# 9 of 10 compare questions (the replicated corpus repeats each sentence ~1,300 times).
DENSE_TOP = 16_384
ROW_WISE_MAX = 20_000  # more rows than this near the floor: FAISS ranks 16x more, once
# A runner-up joins the best sentence when it scores within this of it: closer for a second
# sentence of the same source than for another source's.
SAME_SOURCE_MARGIN = 0.04
OTHER_SOURCE_MARGIN = 0.08
# Of the sentences naming nobody for a "Who …?" by their "First Last" runs, how many (best
# first) are read for a surname alone (_by_surname): reading an article's people takes ~1-2 ms
# for a seed article, ~7 ms for a SQuAD one, once per article text; `compare` at 100k chunks may
# hold thousands of such sentences. A bound on work, not tuned (bench/README.md, session 14).
SURNAME_ROWS = 256
DUPLICATE_COSINE = 0.9  # two sentences this similar say the same thing: quote one


@dataclass
class Scored:
    row: int
    sentence: Sentence
    score: float
    dense: float
    lexical: float
    cue: float
    hit_rank: int
    # The section heading that gives the sentence the date a "When …?" asks for ("3.1.0 —
    # 2024-06-18" above "Added Windows support."), shown beside its quote; "" when none did.
    dated_by: str = ""
    # The question in the source this sentence answers (an interview's "Q: …?" above its "A:"),
    # shown beside its quote; "" when none.
    answers: str = ""


def score_sentences(question: str, hits: list[Hit], retriever: Retriever) -> list[Scored]:
    """Every sentence of the hits' chunks, best first (a sentence in two chunks counts once)."""
    rows: dict[int, int] = {}
    for hit in hits:
        for row in retriever.index.chunk_sentences(hit.chunk):
            rows.setdefault(row, hit.rank)
    return score_rows(question, rows, retriever)


def score_rows(
    question: str,
    rows: dict[int, int] | np.ndarray,
    retriever: Retriever,
    floor: float = 0.0,
) -> list[Scored]:
    """Score the given sentence rows (row → rank of the hit that brought it, or an array of rows,
    rank 1 each), best first. Rows that cannot reach `floor` even with a full cue are left out
    unscored: compare scores every sentence of the corpus, and most are far from the question."""
    if not len(rows):
        return []
    index = retriever.index
    if isinstance(rows, np.ndarray):
        order, ranks = rows.astype(np.int64, copy=False), None
    else:
        order, ranks = np.fromiter(rows, dtype=np.int64, count=len(rows)), rows
    query = retriever.query_vector(question)
    terms = _question_terms(question, retriever)
    named = {t: w for t, w in terms.items() if t in question_entities(question)}
    many = len(order) >= MANY_ROWS
    held = None  # every sentence's word overlap, when read from the inverted index
    if many:  # word overlaps from an inverted index, products as _dense_many says
        held = _weights_held(terms, retriever) / max(sum(terms.values()), 1e-12)
        everyone = np.arange(len(index.sentences))
        held = held + _from_titles(terms, named, everyone, _held_anywhere(retriever), retriever)
        lexical = held[order]
        dense, best_case = _dense_many(index, query, order, lexical, floor)
    else:
        dense = index.sentence_scores(query, order)
        lexical = _lexical(terms, named, order, retriever)
        best_case = _combined(dense, lexical, 1.0)
    kinds = wanted_kinds(question)
    asked = index.answered_question(order)
    answering = np.flatnonzero(asked >= 0)
    if kinds and len(answering):
        # An answer lacking the kind asked for, to a source's question asking another kind,
        # answers another question: under a FAQ's "What is veltrazimab?", "Veltrazimab is an
        # experimental medicine." is no answer to "How often is veltrazimab given?", however
        # close the two questions' vectors (0.77). Under "How much will it cost?", "We do not
        # know yet." is the source's answer to "How much will veltrazimab cost?": it stays.
        def same_question(n: int) -> bool:
            own = index.sentences[int(order[n])].text
            theirs = index.sentences[int(asked[n])].text
            return bool(set(kinds) & kinds_in(own)) or wanted_kinds(theirs) == kinds

        answering = np.asarray([n for n in answering.tolist() if same_question(n)], dtype=np.int64)
    if len(answering):  # an answer in an interview or FAQ is as close as the question it answers
        questions = asked[answering]
        dense, lexical = dense.copy(), lexical.copy()
        own = index.sentence_scores(query, order[answering])  # exact: dense may hold bounds
        dense[answering] = np.maximum(own, index.sentence_scores(query, questions))
        if held is not None:
            asked_lexical = held[questions]
        else:
            asked_lexical = _lexical(terms, named, questions, retriever)
        lexical[answering] = np.maximum(lexical[answering], asked_lexical)
        best_case = np.maximum(best_case, _combined(dense, lexical, 1.0))
    things = counted_things(question)
    series = asks_a_place(question)
    negative = asks_a_negative(question)
    scored: list[Scored] = []
    unnamed: list[int] = []  # positions in `scored` of sentences that name nobody for a "Who …?"
    for n in np.flatnonzero(best_case >= floor):
        row = int(order[n])
        sentence = index.sentences[row]
        d, lex = float(dense[n]), float(lexical[n])
        rank = ranks[row] if ranks is not None else 1
        answers = index.sentences[int(asked[n])].text if asked[n] >= 0 else ""
        # "3.1.0 — 2024-06-18" for "When was 3.1.0 …?": a heading that may state the answer
        stating = (
            sentence.heading
            and kinds[:1] == (Kind.DATE,)
            and _states_the_answer(question, row, retriever)
        )
        # its only "First Last" may be a name the question holds ("Corvane Therapeutics" for
        # "Who runs Corvane?"): then no person's name to answer with
        nobody = kinds[:1] == (Kind.PERSON,) and not names_someone_else(question, sentence.text)
        item = _score(sentence, row, d, lex, kinds, things, rank, answers, stating, nobody)
        if nobody and not sentence.heading:
            unnamed.append(len(scored))
        if series and another_of_series(question, f"{retriever.antecedent(row)} {sentence.text}"):
            item.score = 0.0  # "The second album … sold 60,000" is no answer on the debut album
        if negative and not answers_a_negative(question, sentence.text):
            item.score = 0.0  # where the tribes *were* located is no answer on where they were not
        if index.is_question(row):
            item.score = 0.0  # it asks, it does not answer (the sentences after it may)
        if item.cue == 0 and kinds[:1] == (Kind.DATE,):
            item = _dated_by_heading(item, index, kinds)
        scored.append(item)
    # naming nobody by its "First Last" runs, it may by a surname alone: the best SURNAME_ROWS
    # such sentences are read so (each new article costs a pass over its text)
    for at in sorted(unnamed, key=lambda at: -scored[at].score)[:SURNAME_ROWS]:
        item = scored[at]
        if item.score > 0 and _by_surname(question, item.row, index):
            scored[at] = replace(item, cue=1.0, score=item.score + WEIGHTS["cue"])
    return sorted(scored, key=lambda s: -s.score)


def _dated_by_heading(item: Scored, index: Index, kinds: tuple[str, ...]) -> Scored:
    """A sentence with no date of its own, under a heading that dates it, holds the date a "When
    …?" asks for (see dated_section)."""
    heading = dated_section(index, item.row)
    if heading is None:
        return item
    cue = cue_match(kinds, heading.text)
    score = item.score + WEIGHTS["cue"] * cue
    return replace(item, score=score, cue=cue, dated_by=heading.text) if cue else item


def dated_section(index: Index, row: int) -> Sentence | None:
    """The dated section heading a body sentence stands under, in an article of dated sections:
    a changelog's "3.1.0 — 2024-06-18" above "Added Windows support for file watching.", a
    diary's or the minutes' days. An article with one dated heading is dated by it as a whole
    (a byline: "Open Harbor blog, 20 November 2024"), which says when it was written, not when
    each thing in it happened."""
    section = index.section_heading(row)
    if section is None or index.sentences[row].heading:
        return None
    heading = index.sentences[section]
    if not has_kind(heading.text, Kind.DATE) or _dated_headings(index, heading.doc_id) < 2:
        return None
    return heading


# Per index (weakly held: a reloaded index's counts go with it), per article.
_DATED_HEADINGS: WeakKeyDictionary[Index, dict[str, int]] = WeakKeyDictionary()


def _dated_headings(index: Index, doc_id: str) -> int:
    """How many of an article's headings, its first line aside, hold a date."""
    counts = _DATED_HEADINGS.setdefault(index, {})
    if doc_id not in counts:
        rows = index.doc_sentence_rows(doc_id)
        heads = [index.sentences[r] for r in rows[1:] if index.sentences.columns["heading"][r]]
        counts[doc_id] = sum(has_kind(h.text, Kind.DATE) for h in heads)
    return counts[doc_id]


def people_named(index: Index, doc_id: str) -> dict[str, str]:
    """The people an article names in full, by surname: {"Ibáñez": "Tomás Ibáñez"}."""
    return people_by_surname(index.articles[doc_id].text)


def _by_surname(question: str, row: int, index: Index) -> bool:
    """Does the sentence name by surname alone someone its article names in full, other than
    whom the question names: "In 2019 Ibáñez left the band …" for "Who left the band in 2019?"
    in a profile that introduced "Tomás Ibáñez" (news names people in full once, then by
    surname). Its "First Last" runs alone (cues.names_someone_else) read it as naming nobody."""
    sentence = index.sentences[row]
    people = people_named(index, sentence.doc_id)
    return bool(surnames_alone(sentence.text, people, question))


def _dense_many(
    index: Index, query: Any, order: np.ndarray, lexical: np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """The rows' cosines and best-case scores, exact wherever the best case can reach `floor`.

    FAISS ranks the best DENSE_TOP products in its fp16 kernel and the rest get the last one's as
    an upper bound; only rows whose bound can reach the floor get their own row-wise product
    (the kernel sums in another order, ~1e-5, so a sentence scores the same to the bit whichever
    path ran). When too many rows could, FAISS ranks 16x more, once: ranking more still cost more
    than the row-wise products it saves (its heap grows with what it ranks: at 1M chunks, 5.4M
    sentences, ranking 262k took 0.5 s and ranking all 2-2.5 s, where the row-wise products of
    the rows left near the floor take ~0.8 us a row; bench/README.md, "1M chunks")."""
    n = len(index.sentences)
    top = min(DENSE_TOP, n) if floor > 0 else n
    for _ in range(2):
        dense = index.sentence_bounds(query, top)[order]
        best_case = _combined(dense, lexical, 1.0)
        near = np.flatnonzero(best_case >= floor - _SUM_ORDER_SLACK)
        if len(near) <= ROW_WISE_MAX or top >= n:
            break
        top = min(top * 16, n)
    dense[near] = index.sentence_scores(query, order[near])
    best_case[near] = _combined(dense[near], lexical[near], 1.0)
    return dense, best_case


def _combined(dense: Any, lexical: Any, cue: float) -> Any:
    """A sentence's score from its parts (floats, or arrays of them: cue 1.0 is the best case)."""
    return WEIGHTS["dense"] * dense + WEIGHTS["lexical"] * lexical + WEIGHTS["cue"] * cue


def _score(
    sentence: Sentence,
    row: int,
    dense: float,
    lexical: float,
    kinds: tuple[str, ...],
    things: tuple[str, ...],
    hit_rank: int,
    answers: str = "",
    stating: bool = False,
    nobody: bool = False,
) -> Scored:
    """`answers`: the source's question the sentence answers; when it counts what the question
    counts, a bare count answers it ("1,021 completed" after "Q: How many patients finished?").
    `stating`: a heading that names all the question asks (_states_the_answer); holding the
    kind of answer wanted too, it is not marked down as a heading. `nobody`: for a "Who …?",
    the sentence names no one the question does not (cues.names_someone_else): cue 0."""
    cue = cue_match(kinds, sentence.text, things) if kinds else NO_CUE
    if nobody:
        cue = 0.0
    elif kinds and answers and set(things) <= set(counted_things(answers)):
        cue = max(cue, cue_match(kinds, sentence.text, ()))  # the source asked how many of them
        if kinds[:1] == (Kind.COUNT,) and states_a_number(sentence.text):
            cue = 1.0  # and its answer gives a number, in words too ("eight cases of illness")
    score = _combined(dense, lexical, cue)
    if sentence.heading and not (stating and cue == 1.0):
        score *= HEADING_FACTOR
    if looks_like_instruction(sentence.text):
        score = 0.0
    return Scored(row, sentence, score, dense, lexical, cue, hit_rank, answers=answers)


def _states_the_answer(question: str, row: int, retriever: Retriever) -> bool:
    """A dated heading that holds every name and figure a "When …?" question asks about states
    the answer itself rather than a topic: "3.1.0 — 2024-06-18" for "When was 3.1.0 released?"
    in a changelog. (For "Who …?" a caption "Andy Jassy, CEO of Amazon" answered too, but alone,
    where the sources' sentences saying so had been quoted: measured in bench/README.md.)"""
    asked = question_entities(question)
    return bool(asked) and names_held(asked, retriever.sentence_terms([row])[0])


def _question_terms(question: str, retriever: Retriever) -> dict[str, float]:
    """Content words of the question with their IDF over the corpus's chunks."""
    terms = topic_terms(initialled(question))  # "third quarter" read as "q3", held either way
    n = max(len(retriever.index.chunks), 1)
    return {t: math.log(1 + n / (1 + retriever.held_freq(t))) for t in terms}


def _lexical(
    terms: dict[str, float], named: dict[str, float], rows: np.ndarray, retriever: Retriever
) -> np.ndarray:
    """The rows' word overlaps with the question, a title's names included (_from_titles)."""
    held = retriever.sentence_terms(rows.tolist())
    lexical = np.asarray(_overlaps(terms, held), dtype=np.float64)

    def holds(term: str, at: np.ndarray) -> np.ndarray:
        return np.fromiter((name_held(term, held[i]) for i in at), dtype=bool, count=len(at))

    return lexical + _from_titles(terms, named, rows, holds, retriever)


def _held_anywhere(retriever: Retriever) -> Callable[[str, np.ndarray], np.ndarray]:
    """Which of the sentences at positions `at` (of every sentence) hold a term, read from the
    inverted index."""
    return lambda term, at: (_weights_held({term: 1.0}, retriever) > 0)[at]


def _from_titles(
    terms: dict[str, float],
    named: dict[str, float],
    rows: np.ndarray,
    holds: Callable[[str, np.ndarray], np.ndarray],
    retriever: Retriever,
) -> np.ndarray:
    """The share of the question's words (`terms`, weighted) that the rows hold through their
    document's title: the names and figures the question asks about (`named`) that the title
    holds, for a sentence that names nobody and nothing of its own (none of them, which
    `holds(term, at)` reads for the rows at positions `at`, and no other name,
    `names.names_someone`). Such a sentence takes its subject from the title, as one starting
    "It" does from the sentence before: "Released 14 April 2026." under "Tessera 3.2 release
    notes" answers "When was Tessera 3.2 released?". A sentence naming a subject is about that
    one: "80% of Anthropic's token usage" or "AWS AI services could reach $10–$15 billion
    annual revenue" in an article whose title names Amazon and Anthropic is neither's figure
    for the question. Only names and figures count (a title's other words are its topic, not
    each sentence's), and a document with no title of its own gives none. Full weight, set so
    and not tuned; measured in bench/README.md ("A title's names")."""
    credit = np.zeros(len(rows), dtype=np.float64)
    total = sum(terms.values())
    if not named or total <= 0:
        return credit
    lent, titled = lent_by_title(named, rows, holds, retriever.index)
    for term, weight in named.items():
        credit += (weight / total) * (titled[term] & lent)
    return credit


def lent_by_title(
    names: Iterable[str],
    rows: np.ndarray,
    holds: Callable[[str, np.ndarray], np.ndarray],
    index: Index,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Which rows take what their document's title names (the rule, and why: _from_titles):
    under a title holding one of `names`, naming none of them (`holds(name, at)` reads which
    rows at positions `at` do) and nobody of their own. With, for each name, which rows' titles
    hold it."""
    docs = index.sentences.columns["doc"][rows]
    titled = {name: index.title_holds(name)[docs] for name in names}
    lent = np.logical_or.reduce([np.zeros(len(rows), dtype=bool), *titled.values()])
    at = np.flatnonzero(lent)  # only the rows under such a title are read further
    if len(at):
        lent[at] = ~np.logical_or.reduce([holds(name, at) for name in titled])
        at = at[lent[at]]
        lent[at] = ~index.name_their_own(rows[at])
    return lent, titled


def _overlaps(terms: dict[str, float], sentences: list[set[str]]) -> list[float]:
    total = sum(terms.values())
    if total == 0:
        return [0.0] * len(sentences)
    return [
        sum(w for t, w in terms.items() if name_held(t, tokens)) / total for tokens in sentences
    ]


def _weights_held(terms: dict[str, float], retriever: Retriever) -> np.ndarray:
    """Σ weight of the terms each sentence of the index holds, as `name_held` reads them (a
    title's initials held where its words are: "CEO")."""
    total = retriever.term_weights(terms)
    for term in terms.keys() & TITLE_WORDS.keys():
        words = TITLE_WORDS[term]
        spelled = retriever.term_weights(dict.fromkeys(words, 1.0)) > len(words) - 0.5
        total += terms[term] * (spelled & ~(retriever.term_weights({term: 1.0}) > 0))
    return total


def extractive_answer(question: str, hits: list[Hit], engine: Engine) -> Answer:
    """The best-scoring sentences quoted with citations, or an abstention (an Answerer)."""
    retriever, settings = engine.retriever, engine.settings
    scored = score_sentences(question, hits, retriever)
    best = scored[0] if scored else None
    if missing := unmentioned_figures(question, retriever):
        return abstain(question, scored, retriever, reason=missing)
    if best is None or not supports(best, question, settings, retriever):
        return abstain(question, scored, retriever)
    scored = _section_for_heading(question, scored, retriever.index)
    picked = pick_sentences(scored, retriever.index, settings)
    return compose(question, picked, retriever)


def _section_for_heading(question: str, scored: list[Scored], index: Index) -> list[Scored]:
    """When a section's heading is what matches best ("Known issues" for "What are the known
    issues in 3.2?"), the section's first sentences answer, not its heading: they stand in for
    it at its score, up to the next heading. A dated heading answering "When …?" stays. So do a
    list's first items for the line that leads into them when it says nothing the question does
    not ("Recalled products:" for "What products are being recalled?"); a lead-in saying more
    answers itself ("Microsoft's $13 billion OpenAI investment … prioritized developer adoption
    through:" for "How much has Microsoft invested in OpenAI?")."""
    best = scored[0]
    dated = wanted_kinds(question)[:1] == (Kind.DATE,) and best.cue == 1.0
    text = best.sentence.text
    leads_in = text.endswith(":") and terms(text) <= terms(question)
    if not (best.sentence.heading or leads_in) or dated:
        return scored
    rows = index.doc_sentence_rows(best.sentence.doc_id)
    after = rows[best.sentence.idx + 1 :]  # a sentence's idx is its place among its article's
    section: list[Scored] = []
    for row in after[:SECTION_SENTENCES]:
        sentence = index.sentences[row]
        if sentence.heading or index.is_question(row):
            break
        stand_in = best.score - len(section) * 1e-6  # in the section's order
        section.append(replace(best, row=row, sentence=sentence, score=stand_in))
    if not section:
        return scored
    standing_in = {x.row for x in section}
    return section + [s for s in scored if s.row not in standing_in]


def supports(best: Scored, question: str, settings: Settings, retriever: Retriever) -> bool:
    """Enough support to answer: a high score, and the kind of answer asked for (a date for
    "when", a figure for "how many") present in the best sentence."""
    kinds = wanted_kinds(question)
    if kinds and best.cue == 0:
        return False
    # "Who is the CEO of Nvidia?" is not answered by Anthropic's CEO. The sentence names what
    # the question does itself or through the sentence it refers back to ("They then beat …"
    # after "The Broncos …"), as compare's statements must.
    if kinds[:1] == (Kind.PERSON,) and not person_named(best, question, retriever):
        return False
    if kinds[:1] == (Kind.COUNT,) and counted_things(question) and best.cue < OTHER_THINGS:
        return False  # "How many monthly active users…?" is not answered by "80% of usage"
    return best.score >= settings.abstain_threshold


def person_named(item: Scored, question: str, retriever: Retriever) -> bool:
    """May the sentence answer a "Who …?": it names what the question names, itself, through
    the sentence it refers back to, or, naming one person and nobody else of its own, through
    its document's title ('"Regional connections matter," said chief executive Maren Solberg.'
    under "Northwind Air launches …" for "Who is Northwind's chief executive?": a story's
    unqualified roles are its subject's), when it also holds a word of what is asked of them
    ("chief executive"). A second name of its own ("Microsoft CEO Satya Nadella said …") may be
    whom the sentence is about instead, so it takes nothing from the title. Read from how news
    names people, not fitted."""
    names = question_entities(question)
    held = retriever.sentence_terms([item.row])[0]
    if names_held(names, held):
        return True
    index = retriever.index
    # a person the question names in full, named by surname, in an article naming them in full
    # ("He was replaced by Alys Penhale." after "In 2019 Ibáñez left …", for "Who replaced Tomás
    # Ibáñez?")
    given = given_names(question)
    if given and names_held(names - given, held):
        people = people_named(index, item.sentence.doc_id).values()
        if set(full_person_names(question)) <= set(people):
            return True
    if not one_name_of_its_own(item.sentence.text, question):
        return False
    titled = index.title_terms[int(index.sentences.columns["doc"][item.row])]
    # and says what the question asks of them: "directed" for "Who directed …?", not "The
    # screenplay by Dean Craig …" under the film's title (RAMDocs' public half)
    relation = set(topic_terms(initialled(question))) - titled - names
    return names_held(names, held | titled) and bool(relation & held)


def unmentioned_figures(question: str, retriever: Retriever) -> str:
    """Why not to answer when a year or figure the question names is in no source ("" when
    each is in one): the question is about something the sources don't cover, and their
    closest sentence is about another year ("in 1998" for "the Act of 1988")."""
    asked = asked_figures(question) + asked_lettered(question)
    return unmentioned_reason(retriever.unmentioned(asked))


def pick_sentences(scored: list[Scored], index: Index, settings: Settings) -> list[Scored]:
    """The best sentence, plus close runners-up that add a source or new information."""
    picked = [scored[0]]
    for cand in scored[1:]:
        if len(picked) >= settings.max_answer_sentences:
            break
        new_source = all(p.sentence.doc_id != cand.sentence.doc_id for p in picked)
        margin = OTHER_SOURCE_MARGIN if new_source else SAME_SOURCE_MARGIN
        if cand.score < scored[0].score - margin or cand.sentence.heading:
            continue
        if max(index.sentence_cosine(cand.row, p.row) for p in picked) < DUPLICATE_COSINE:
            picked.append(cand)
    return picked


def citation_for(n: int, item: Scored, retriever: Retriever) -> Citation:
    s = item.sentence
    return Citation(
        n=n,
        doc_id=s.doc_id,
        title=retriever.index.articles[s.doc_id].title,
        quote=s.text,
        start=s.start,
        end=s.end,
        score=round(item.score, 4),
        context=item.dated_by or item.answers or retriever.antecedent(item.row),
    )


def compose(question: str, picked: list[Scored], retriever: Retriever) -> Answer:
    citations = [citation_for(n, item, retriever) for n, item in enumerate(picked, start=1)]
    return Answer.from_quotes(question, citations)


def abstain(
    question: str,
    scored: list[Scored],
    retriever: Retriever,
    reason: str = "No passage in the sources supports an answer to this question.",
) -> Answer:
    related = [citation_for(n, item, retriever) for n, item in enumerate(scored[:RELATED], start=1)]
    text = "The sources don't say. " + (
        "The closest passages are listed below as related, not as an answer."
        if related
        else "Nothing in the index is related to the question."
    )
    return Answer(question=question, text=text, abstained=True, reason=reason, related=related)
