"""Text from content files, made safe for where it lands: HTML, Markdown, CSV.

Titles, summaries, tags and labels come from files that anyone can edit. Wherever the site
generator puts them into Markdown or HTML, they go through one of these, so that
`<script>` shows as text and `A | B *c* [d` neither splits a table nor turns into markup.
(.ics text is escaped by the icalendar package; Word text by python-docx.)
"""
from __future__ import annotations

import re

from markupsafe import escape as _escape

# Characters that could become markup where a title lands (emphasis, links, code, a table cell
# border, attribute lists, a heading's closing hashes, a list at the start of a line); each is
# written with a backslash. (Brackets escaped, parentheses cannot make a link.)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+|])")


def html(text) -> str:
    """Text for an HTML element or a double- or single-quoted attribute."""
    return str(_escape("" if text is None else str(text)))


attr = html


def md_inline(text) -> str:
    """Text for running Markdown (a heading, a link's words, a list item): shown as written."""
    text = " ".join(("" if text is None else str(text)).split("\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(text) -> str:
    """Text for a cell of a Markdown table: as md_inline, and the pipe never ends the cell."""
    return md_inline(re.sub(r"[\r\n]+", " ", "" if text is None else str(text)))


def csv_cell(text) -> str:
    """A CSV cell that Excel will not run as a formula (=, +, -, @ at the start)."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def page_meta(text) -> str:
    """A page's title, description or tag as MkDocs and Material print it: raw, into element
    text and double-quoted attributes (<title>, the navigation, <meta content="…">)."""
    text = "" if text is None else str(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
