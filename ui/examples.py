"""The example questions under the Ask box, from the collection being served.

From the eval set (`evals/qa.jsonl`, the Evaluate tab's default) when it is about these
articles (every source it names is indexed): its first question of each kind, a fact, one several
sources state, a conflict, one the sources don't answer. Otherwise one question per name the
collection mentions most ("What do the sources say about Priya Shah?"). The seed articles'
questions were written into the page, and showed "How many customers run Claude on Bedrock?"
above any folder of articles.
Does NOT ask them (the Ask tab does, when one is clicked).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rag.errors import DatasetError
from rag.eval.dataset import load_dataset
from rag.index.core import Index
from rag.text.followup import NOT_NAMES
from rag.text.names import NAME_RUN

MAX_EXAMPLES = 4
KINDS = ("factoid", "multi_source", "conflict", "unanswerable")
# Names are counted in the index's first sentences: enough to find what a collection is about,
# and bounded, for the page to open as fast on a 100k-chunk index.
SENTENCES_READ = 5_000
ABOUT = "What do the sources say about {}?"
_OPENING_MARKS = " \"“‘'([«"


def example_questions(index: Index | None, dataset: Path) -> list[str]:
    """Up to MAX_EXAMPLES questions about the indexed articles; none without an index."""
    if index is None or not len(index.sentences):
        return []
    return _from_eval_set(index, dataset) or _about_names(index)


def _from_eval_set(index: Index, dataset: Path) -> list[str]:
    try:
        items = load_dataset(dataset) if dataset.is_file() else []
    except DatasetError:
        return []
    named = {source for item in items for source in item.sources}
    if not named or not named <= index.articles.keys():
        return []
    firsts = {kind: next((i.question for i in items if i.type == kind), None) for kind in KINDS}
    return [q for q in firsts.values() if q][:MAX_EXAMPLES]


def _about_names(index: Index) -> list[str]:
    """The names of two or more words in the most articles, then the most often; a run opening a
    sentence counts without its first word ("Councillor Priya Shah, who …"), and whole only if
    it is also seen inside a sentence or opens two; "the" is kept where the text mostly writes
    it ("the United States")."""
    in_docs: dict[str, set[str]] = {}
    times: Counter[str] = Counter()
    with_the: Counter[str] = Counter()
    inside: set[str] = set()  # seen after a sentence's first word too
    for row in range(min(len(index.sentences), SENTENCES_READ)):
        sentence = index.sentences[row]
        if sentence.heading:
            continue
        for m in NAME_RUN.finditer(sentence.text):
            words = m.group().rstrip(".").split()
            the = sentence.text[: m.start()].endswith(("the ", "The "))
            # at a sentence's start (behind an opening quote too: '"The Halden route …'),
            # without its first word as well: "Councillor Priya Shah, …"
            opens = not sentence.text[: m.start()].strip(_OPENING_MARKS)
            for name in {" ".join(words), " ".join(words[1:]) if opens else ""}:
                if " " in name:
                    in_docs.setdefault(name, set()).add(sentence.doc_id)
                    times[name] += 1
                    with_the[name] += the
                    if not opens or name != " ".join(words):
                        inside.add(name)
    # A run only ever opening a sentence may hold no name at all ("Added Windows support …" in a
    # changelog's bullets, "While Microsoft …"): kept when it opens two sentences or more, as
    # names do ("Orion Cloud has …", "Orion Cloud agreed …") and openers rarely, and does not
    # open with a word that opens sentences ("While", "However").
    named = [n for n in in_docs if n in inside or (times[n] >= 2 and n.split()[0] not in NOT_NAMES)]
    picked: list[str] = []
    for name in sorted(named, key=lambda n: (-len(in_docs[n]), -times[n], n)):
        if len(picked) < MAX_EXAMPLES and not any(name in p or p in name for p in picked):
            picked.append(name)  # "Priya Shah", not "Councillor Priya Shah" as well
    shown = [f"the {n}" if 2 * with_the[n] > times[n] else n for n in picked]
    return [ABOUT.format(name) for name in shown]
