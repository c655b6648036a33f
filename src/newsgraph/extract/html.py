"""HTML pages: body and metadata through trafilatura, publication date through htmldate.

trafilatura does the heavy lifting (main-content detection with readability and jusText
fallbacks, metadata from meta tags and JSON-LD, htmldate for the date). We add what it leaves to
the caller: pages where it finds no body get a second chance through our plain-text cleaner, and
the body it returns is passed through the same caption/related-box/credit rules as text dumps.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from html import unescape

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from ..clean.boilerplate import Kind, classify_line
from ..clean.mojibake import repair_mojibake
from ..errors import ExtractionError
from ..meta.dates import normalise_date
from .text import normalise_text

LOGGER = logging.getLogger(__name__)
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_BLOCK_TAGS = (
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
    "blockquote", "header", "footer", "nav", "aside", "pre", "dd", "dt", "figcaption", "table",
)  # fmt: skip


@dataclass(slots=True)
class HtmlParts:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_how: str | None = None
    sitename: str | None = None
    url: str | None = None
    description: str | None = None
    html_language: str | None = None
    method: str = "trafilatura"
    removed_lines: int = 0
    repairs: list[str] = field(default_factory=list)


def extract_html(html: str, *, url: str | None = None, clean_lines: bool = True) -> HtmlParts:
    """Extract the article body and metadata from one HTML page.

    Raises ``ExtractionError`` when the page holds no text at all.
    """
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            deduplicate=False,
            fast=False,
            # the date is settled by publication_date() on the raw page; keep this pass cheap
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": dt.date.today().isoformat(),
            },
        )
    except Exception as exc:  # trafilatura raises a wide range on broken markup
        LOGGER.debug("trafilatura failed on %s: %s", url, exc)
        document = None
    parts = HtmlParts(text="")
    if document is not None and not isinstance(document, dict):
        parts = HtmlParts(
            text=(document.text or "").strip(),
            title=_clean(document.title),
            authors=[a.strip() for a in (document.author or "").split(";") if a.strip()],
            sitename=_clean(document.sitename),
            url=document.url or url,
            description=_clean(document.description),
            html_language=(document.language or None),
        )
    parts.published, parts.published_how = publication_date(html, url)
    if not parts.text:
        fallback = html_to_text(html)
        if not fallback.strip():
            raise ExtractionError("no text found in the HTML page")
        parts.text = fallback
        parts.method = "text fallback"
    if parts.method == "trafilatura":
        # pages can be double-encoded too, and carry invisible or bidi control characters
        repaired = repair_mojibake(parts.text)
        parts.text, parts.repairs = normalise_text(repaired.text), list(repaired.repairs)
        if clean_lines:
            parts.text, parts.removed_lines = _drop_furniture_lines(parts.text)
    return parts


def publication_date(html: str, url: str | None) -> tuple[str | None, str | None]:
    """The page's publication date and how it was found, or (None, None).

    htmldate's structured pass (meta tags, JSON-LD, ``<time>``, the URL) is trusted as it is. Its
    free-text search is not: on htmldate's own evaluation set, dates found only that way are
    wrong a third of the time. Two checks remove most of those errors and almost none of the
    right answers: the earliest and the latest date the search finds must be the same day (the
    page offers no rival date), and a 1 January date must be written out somewhere in the page
    (htmldate pads a bare year, such as a copyright line's, to 1 January).
    """
    today = dt.date.today().isoformat()
    try:
        structured = find_date(html, extensive_search=False, original_date=True, url=url, max_date=today)
        if structured and _stated_in_page(structured, html):
            return normalise_date(structured), "html: date metadata or markup (htmldate)"
        earliest = find_date(html, extensive_search=True, original_date=True, url=url, max_date=today)
        if not earliest or not _stated_in_page(earliest, html):
            return None, None
        latest = find_date(html, extensive_search=True, original_date=False, url=url, max_date=today)
    except Exception:  # htmldate raises a wide range on broken markup
        return None, None
    if earliest != latest:
        return None, None
    return normalise_date(earliest), "html: date in the page text (htmldate, unambiguous)"


def _stated_in_page(date: str, html: str) -> bool:
    """False for a 1 January that the page never writes out in full (a padded bare year)."""
    if not date.endswith("-01-01"):
        return True
    year = date[:4]
    lowered = html.lower()
    forms = (f"{year}-01-01", f"01.01.{year}", f"1.1.{year}", f"{year}/01/01", f"01/01/{year}",
             f"january 1, {year}", f"1 january {year}", f"1er janvier {year}", f"1 janvier {year}",
             f"1. januar {year}", f"{year}0101", f"1 января {year}")  # fmt: skip
    return any(form in lowered for form in forms)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def html_to_text(html: str) -> str:
    """All visible text of a page, one block element per line (input for the text cleaner).

    lxml drops whatever lies below ~255 levels of nesting; when its text is much shorter than what
    the markup holds, a plain tag-stripping pass recovers it.
    """
    parsed = _lxml_text(html)
    stripped = _strip_tags(html)
    text = stripped if len(stripped.split()) > 2 * len(parsed.split()) + 10 else parsed
    # deeply nested blocks leave runs of empty lines (200,000 for 100,000 nested divs) that every
    # later step would walk one by one; one blank line separates paragraphs as well as many
    return _BLANK_LINES.sub("\n\n", text)


_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*){2,}")
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters lxml keeps in the text it parses (raw or as ``&#1;``) but refuses in text
set on an element."""


def _lxml_text(html: str) -> str:
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg|//head"):
        # drop_tree sets the element's tail on its neighbour: it must be text lxml accepts
        bad.tail = _XML_INCOMPATIBLE.sub("", bad.tail or "") or None
        previous, parent = bad.getprevious(), bad.getparent()
        if previous is not None:
            previous.tail = _XML_INCOMPATIBLE.sub("", previous.tail or "") or None
        elif parent is not None:
            parent.text = _XML_INCOMPATIBLE.sub("", parent.text or "") or None
        bad.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + _XML_INCOMPATIBLE.sub("", element.tail or "")
        if element.tag == "br":
            continue
        element.text = "\n" + _XML_INCOMPATIBLE.sub("", element.text or "")
    return str(tree.text_content())


_INVISIBLE_BLOCKS = re.compile(r"<(script|style|noscript|template|svg|head)\b.*?</\1\s*>", re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(_BLOCK_TAGS) + r")\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def _strip_tags(html: str) -> str:
    text = _INVISIBLE_BLOCKS.sub(" ", html)
    text = _BLOCK_TAG.sub("\n", text)
    return unescape(_ANY_TAG.sub("", text))


def _drop_furniture_lines(text: str) -> tuple[str, int]:
    """Remove captions, related-story boxes and credit lines that trafilatura kept in a body."""
    kept: list[str] = []
    removed = 0
    in_box = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        kind = classify_line(0, line).kind
        if kind is Kind.RELATED:
            in_box, removed = True, removed + 1
            continue
        if in_box and kind is not Kind.PROSE:
            removed += 1
            continue
        in_box = False
        if kind in (Kind.CAPTION, Kind.CREDIT, Kind.FURNITURE):
            removed += 1
            continue
        kept.append(line)
    return "\n\n".join(kept), removed
