"""HTML pages: body and metadata through trafilatura, publication date through htmldate.

trafilatura does the heavy lifting (main-content detection with readability and jusText
fallbacks, metadata from meta tags and JSON-LD, htmldate for the date). We add what it leaves to
the caller: pages where it finds no body get a second chance through our plain-text cleaner, and
the body it returns is passed through the same caption/related-box/credit rules as text dumps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import trafilatura
from lxml import html as lxml_html

from ..clean.boilerplate import Kind, classify_line
from ..errors import ExtractionError
from ..meta.dates import normalise_date

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
    sitename: str | None = None
    url: str | None = None
    description: str | None = None
    html_language: str | None = None
    method: str = "trafilatura"
    removed_lines: int = 0


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
        )
    except Exception as exc:  # trafilatura raises a wide range on broken markup
        LOGGER.debug("trafilatura failed on %s: %s", url, exc)
        document = None
    parts = HtmlParts(text="")
    if document is not None:
        parts = HtmlParts(
            text=(document.text or "").strip(),
            title=_clean(document.title),
            authors=[a.strip() for a in (document.author or "").split(";") if a.strip()],
            published=normalise_date(document.date),
            sitename=_clean(document.sitename),
            url=document.url or url,
            description=_clean(document.description),
            html_language=(document.language or None),
        )
    if not parts.text:
        fallback = html_to_text(html)
        if not fallback.strip():
            raise ExtractionError("no text found in the HTML page")
        parts.text = fallback
        parts.method = "text fallback"
    if clean_lines and parts.method == "trafilatura":
        parts.text, parts.removed_lines = _drop_furniture_lines(parts.text)
    return parts


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def html_to_text(html: str) -> str:
    """All visible text of a page, one block element per line (input for the text cleaner)."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg|//head"):
        bad.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag == "br":
            continue
        element.text = "\n" + (element.text or "")
    return str(tree.text_content())


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
