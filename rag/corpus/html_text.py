"""An HTML page → its readable text and title, with the standard library's html.parser.

'<h1>Chips</h1><p>Orion &amp; Lumen</p><script>x()</script>' → "Chips\n\nOrion & Lumen", "Chips".
Block elements become paragraphs, scripts/styles/navigation are dropped, entities decoded. Does
NOT keep markup offsets: an HTML article's text is this extraction, and citations quote it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from rag.text.dates import date_range

HTML_SUFFIXES = (".html", ".htm")
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "head"}
_BLOCKS = {"p", "div", "br", "li", "tr", "section", "article", "header", "footer", "blockquote"}
_BLOCKS |= {"pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "main", "aside"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Table cells: a row is a line of its cells, " | " between them ("Year | Chips"): run together,
# "<td>2024</td><td>4,000</td>" read "20244,000", a figure no source gives.
_CELLS = {"td", "th"}
CELL_SEPARATOR = " | "
# A list item is a bullet, as in Markdown: "<li>Employees: 2,300</li>" → "- Employees: 2,300", a
# statement; as a short line of its own it read as a heading (weighed down, never the judge's
# answer).
BULLET = "- "
# A superscript or subscript right after a digit is set apart by a space: a footnote mark
# "2024<sup>5</sup>" read "20245", and "10<sup>6</sup> users" "106 users".
_SCRIPTS = {"sup", "sub"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.heading: list[str] = []
        self._skip = 0
        self._in: list[str] = []
        self._cells = 0  # cells begun in the current table row
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        if tag in ("meta", "time"):
            self._read_meta(tag, {k.lower(): v or "" for k, v in attrs})
        if tag in _SKIPPED:
            self._skip += 1
        if tag in _BLOCKS and not self._bullet_open():
            self.parts.append("\n\n")
        if tag == "li" and not self._skip:
            self.parts.append(BULLET)
        if tag in _SCRIPTS and not self._skip and self._last_char().isdigit():
            self.parts.append(" ")
        if tag == "tr":
            self._cells = 0
        elif tag in _CELLS:
            if self._cells:
                self.parts.append(CELL_SEPARATOR)
            self._cells += 1

    def _read_meta(self, tag: str, attrs: dict[str, str]) -> None:
        """<meta name="author" content="…">, <time itemprop="datePublished" datetime="…">:
        the first value each field is given."""
        if tag == "time":
            key, value = attrs.get("itemprop", "").lower(), attrs.get("datetime", "")
        else:
            key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop", "")).lower()
            value = attrs.get("content", "")
        field = _META_FIELDS.get(key)
        value = " ".join(value.split())
        if field and value and field not in self.meta:
            self.meta[field] = value

    def _bullet_open(self) -> bool:
        """Is the last thing written a list item's mark, its text still to come ("<li><p>…")?"""
        return next((part for part in reversed(self.parts) if part), "") == BULLET

    def _last_char(self) -> str:
        return next((part[-1] for part in reversed(self.parts) if part), "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)
            if "h1" in self._in:
                self.heading.append(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """(the page's text, its title: <title>, else its first <h1>, else "")."""
    text, title, _ = read_html(markup)
    return text, title


def read_html(markup: str) -> tuple[str, str, dict[str, str]]:
    """html_to_text's text and title, and what the page's own metadata says of it: its
    "published" day (YYYY-MM-DD), "author" and "publisher", where it says so.

    >>> read_html('<meta property="article:published_time" content="2025-01-05T09:00Z">'
    ...           '<meta name="author" content="Ann Lee"><p>Harbor opens.</p>')[2]
    {'published': '2025-01-05', 'author': 'Ann Lee'}
    """
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = " ".join("".join(parser.title or parser.heading).split())
    return (text + "\n" if text else ""), title, _usable(parser.meta)


# The page's own metadata: Open Graph and article tags, Dublin Core, Highwire (scholarly) and
# schema.org microdata, as news and journal sites write them.
_META_FIELDS = dict.fromkeys(
    (
        "article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date",
        "dc.date.issued",
        "dcterms.issued",
        "dcterms.created",
        "citation_publication_date",
        "citation_date",
        "parsely-pub-date",
        "sailthru.date",
    ),
    "published",
) | dict.fromkeys(("author", "article:author", "dc.creator", "citation_author"), "author")
_META_FIELDS |= dict.fromkeys(("og:site_name", "dc.publisher", "citation_publisher"), "publisher")
_DAY = re.compile(r"(\d{4})[-/](\d{2})(?:[-/](\d{2}))?")


def _usable(meta: dict[str, str]) -> dict[str, str]:
    """The fields as metadata.toml would give them: a date as YYYY[-MM[-DD]] naming a real day
    (else dropped), an author that is a name, not a profile's web address."""
    out = {}
    found = _DAY.match(meta.get("published", ""))
    if found:
        day = "-".join(g for g in found.groups() if g)
        try:
            date_range(day)
            out["published"] = day
        except ValueError:
            pass
    for field in ("author", "publisher"):
        value = meta.get(field, "")
        if value and "://" not in value and len(value) <= 200:
            out[field] = value
    return out
