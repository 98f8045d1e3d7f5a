"""Filters → the documents a question may search: by id or title, and by publication date.

Does NOT search: retrieval and compare take the selected ids. A filter that matches nothing is
an error that says what exists, never a silent fallback to every document.
"""

from __future__ import annotations

from collections.abc import Mapping

from rag.errors import FilterError
from rag.schema import Article, Filters, date_range

SHOWN = 8  # known sources listed when a --source matches none


def select_documents(
    articles: Mapping[str, Article], filters: Filters | None
) -> frozenset[str] | None:
    """The ids of the articles `filters` admits; None when there is no filter (every article).

    >>> from pathlib import Path
    >>> a = Article(doc_id="a1", title="Chips", path=Path("a1.txt"), text="x", sha256="0",
    ...             published="2024-11")
    >>> sorted(select_documents({"a1": a}, Filters(since="2024-11-15")))
    ['a1']
    """
    if filters is None or filters.is_empty():
        return None
    chosen = set(articles)
    if filters.sources:
        chosen = {doc_id for source in filters.sources for doc_id in _matching(articles, source)}
    if filters.since is not None or filters.until is not None:
        chosen = {d for d in chosen if _in_dates(articles[d], filters)}
        if not chosen:
            raise FilterError(_no_date_match(articles, filters))
    return frozenset(chosen)


def _matching(articles: Mapping[str, Article], source: str) -> set[str]:
    """A source is named by its exact id, else by a word-for-word piece of its title or id."""
    wanted = source.strip()
    if wanted in articles:
        return {wanted}
    folded = wanted.casefold()
    found = {
        d for d, a in articles.items() if folded and (folded in a.title.casefold() or folded in d)
    }
    if not found:
        raise FilterError(f"No source matches {source!r}. {_known(articles)}")
    return found


def _in_dates(article: Article, filters: Filters) -> bool:
    """Whether the article's date (a day, month or year) overlaps [since, until]."""
    if article.published is None:
        return False
    first, last = date_range(article.published)
    if filters.since is not None and last < date_range(filters.since)[0]:
        return False
    return not (filters.until is not None and first > date_range(filters.until)[1])


def _no_date_match(articles: Mapping[str, Article], filters: Filters) -> str:
    window = f"from {filters.since or 'the start'} to {filters.until or 'now'}"
    dated = sorted(a.published for a in articles.values() if a.published)
    unknown = sum(a.published is None for a in articles.values())
    known = f"the known dates run from {dated[0]} to {dated[-1]}" if dated else "no date is known"
    note = f"; {unknown} of {len(articles)} articles have no known date" if unknown else ""
    return (
        f"No article was published {window}: {known}{note}. "
        "Widen the dates (--since/--until), or add `published` dates to the corpus's metadata.toml."
    )


def _known(articles: Mapping[str, Article]) -> str:
    listed = sorted(articles.values(), key=lambda a: a.doc_id)[:SHOWN]
    names = "; ".join(f"{a.doc_id} ({a.title})" for a in listed)
    more = f"; and {len(articles) - SHOWN} more" if len(articles) > SHOWN else ""
    return f"Give a document id or a piece of its title. Known: {names}{more}."
