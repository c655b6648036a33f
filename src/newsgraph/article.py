"""The first stage: a raw document becomes a clean article.

``build_article`` reads top to bottom as the decisions it makes: extract the body (HTML or text),
then settle each metadata field from the most trustworthy place that states it, recording where
each value came from in ``Article.provenance``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from .clean.boilerplate import line_hash
from .clean.patterns import URL_LINE, WORD
from .errors import ExtractionError
from .extract.html import HtmlParts, extract_html
from .extract.text import TextParts, normalise_text, parse_text_dump, without_surrogates
from .meta.language import detect_language
from .meta.outlets import OutletTable
from .meta.urls import canonical_url, url_host
from .options import IngestOptions
from .records import Article, RawDocument

RepeatedLines = Callable[[str], bool]


@dataclass(slots=True)
class ArticleContext:
    """What building an article needs besides the document itself."""

    options: IngestOptions
    outlets: OutletTable
    repeated_lines: dict[str, set[str]] = field(default_factory=dict)
    """Per source group, hashes of lines that group repeats across documents (its furniture)."""


def content_hash(text: str) -> str:
    """Identity of an article's text: the same words in the same order are the same article."""
    canonical = " ".join(WORD.findall(text.casefold()))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_id(text_hash: str) -> str:
    return text_hash[:16]


def source_group(raw: RawDocument) -> str:
    """Documents whose repeated lines are furniture of one source: same host, else same folder."""
    host = url_host(raw.url)
    if not host and raw.content_type == "text":
        for line in raw.content[:2000].split("\n")[:12]:
            if m := URL_LINE.match(line):
                host = url_host(m.group(1))
                break
    if host:
        return f"host:{host.removeprefix('m.')}"
    container = raw.source.split("#", 1)[0]
    return f"folder:{PurePath(container).parent}"


def build_article(raw: RawDocument, ctx: ArticleContext) -> Article:
    """Turn one raw document into a clean article, or raise ``ExtractionError``."""
    repeated = ctx.repeated_lines.get(source_group(raw))
    is_repeated = (lambda line: line_hash(line) in repeated) if repeated else None
    if raw.content_type == "html":
        html = extract_html(raw.content, url=raw.url)
        text_parts = (
            parse_text_dump(html.text, repeated=is_repeated) if html.method != "trafilatura" else None
        )
    else:
        html = None
        text_parts = parse_text_dump(raw.content, repeated=is_repeated)

    text = text_parts.text if text_parts is not None else html.text if html is not None else ""
    title_candidates = [
        raw.title,
        html.title if html else None,
        text_parts.title if text_parts else None,
    ]
    text = _drop_title_echo(text, [t for t in title_candidates if t])
    words = len(WORD.findall(text))
    if words < ctx.options.min_words:
        raise ExtractionError(
            f"too little text: {words} words (minimum {ctx.options.min_words})"
            if words
            else "no article text found"
        )
    provenance: dict[str, str] = {}
    url = _settle_url(raw, html, text_parts, provenance)
    outlet, via = _settle_outlet(raw, html, text_parts, url, ctx.outlets, provenance)
    title = _first(
        provenance,
        "title",
        (raw.title, f"{raw.container}: title field"),
        (html.title if html else None, "html: title metadata"),
        (text_parts.title if text_parts else None, _title_how(text_parts)),
    )
    published = _first(
        provenance,
        "published",
        (raw.published, f"{raw.container}: date field"),
        (
            text_parts.header.fields.get("published") if text_parts else None,
            text_parts.header.how.get("published", "text: date header line") if text_parts else "",
        ),
        (html.published if html else None, (html.published_how if html else None) or "html"),
    )
    language = detect_language(text)
    if language:
        provenance["language"] = "detected from the text"
    else:
        language = _first(
            provenance,
            "language",
            (raw.language, f"{raw.container}: language field"),
            (html.html_language if html else None, "html: lang attribute"),
        )
    text_hash = content_hash(text)
    repairs = list(text_parts.repairs if text_parts else html.repairs if html else [])
    article = Article(
        id=article_id(text_hash),
        source=raw.source,
        url=url,
        outlet=outlet,
        title=_tidy(title),
        published=published,
        language=language,
        text=text,
        content_hash=text_hash,
        container=raw.container,
        content_type=raw.content_type,
        raw_hash=raw.raw_hash,
        authors=list(raw.authors)
        or (html.authors if html else [])
        or (text_parts.header.authors if text_parts else []),
        description=_tidy(
            (html.description if html else None)
            or (text_parts.header.fields.get("description") if text_parts else None)
        ),
        dateline=text_parts.dateline.text if text_parts and text_parts.dateline else None,
        via=via,
        fetched=raw.fetched,
        provenance=provenance,
        repairs=repairs,
        warnings=list(raw.warnings),
        removed_lines=(text_parts.removed_lines if text_parts else 0) + (html.removed_lines if html else 0),
    )
    return _storable(article)


def _storable(article: Article) -> Article:
    """Every string field safe to encode as UTF-8 (metadata from JSON may hold lone surrogates)."""
    for name, value in article.to_dict().items():
        if isinstance(value, str):
            setattr(article, name, without_surrogates(value))
        elif isinstance(value, list) and any(isinstance(v, str) for v in value):
            setattr(article, name, [without_surrogates(v) if isinstance(v, str) else v for v in value])
        elif isinstance(value, dict):
            setattr(
                article,
                name,
                {k: without_surrogates(v) if isinstance(v, str) else v for k, v in value.items()},
            )
    return article


def _drop_title_echo(text: str, titles: list[str]) -> str:
    """Remove the headline where the body repeats it in its first paragraphs: the title is a
    field of its own, and the body starts with the article."""
    if not titles:
        return text
    keys = {" ".join(WORD.findall(t.casefold())) for t in titles}
    paragraphs = text.split("\n\n")
    kept = [p for i, p in enumerate(paragraphs) if i >= 3 or " ".join(WORD.findall(p.casefold())) not in keys]
    return "\n\n".join(kept) if kept else text


def _title_how(parts: TextParts | None) -> str:
    if parts and "title" in parts.header.how:
        return parts.header.how["title"]
    return "text: headline line above the body"


def _tidy(value: str | None) -> str | None:
    if value is None:
        return None
    value = re.sub(r"\s+", " ", normalise_text(value)).strip()
    return value or None


def _first(provenance: dict[str, str], name: str, *candidates: tuple[str | None, str]) -> str | None:
    """The first non-empty candidate value; its description goes into ``provenance``."""
    for value, how in candidates:
        if value:
            provenance[name] = how
            return value
    return None


def _settle_url(
    raw: RawDocument, html: HtmlParts | None, text: TextParts | None, provenance: dict[str, str]
) -> str | None:
    for value, how in (
        (raw.url, f"{raw.container}: URL"),
        (text.header.fields.get("url") if text else None, "text: URL header line"),
        (html.url if html else None, "html: canonical URL"),
    ):
        url = canonical_url(value)
        if url:
            provenance["url"] = how
            return url
    return None


def _settle_outlet(
    raw: RawDocument,
    html: HtmlParts | None,
    text: TextParts | None,
    url: str | None,
    outlets: OutletTable,
    provenance: dict[str, str],
) -> tuple[str | None, str | None]:
    """Who published it, and which aggregator carried it (if one did).

    Order of trust: a publisher named by the container (a JSONL field); the URL's host when it is
    a known outlet that is not an aggregator; a credit line ("Read Full Article at RT.com");
    the page's site name; the dateline's agency ("/TASS/", "(Reuters)"); a copyright footer; an
    unknown host, named by its domain; and last, an aggregator's own name.
    """
    host = url_host(url)
    host_outlet = outlets.by_host(host)
    via = host_outlet.name if host_outlet and host_outlet.is_aggregator else None
    if raw.outlet:
        known = outlets.resolve(raw.outlet)
        provenance["outlet"] = f"{raw.container}: outlet field"
        return (known.name if known else raw.outlet.strip()), via
    if host_outlet and not host_outlet.is_aggregator:
        provenance["outlet"] = f"URL host: {host}"
        return host_outlet.name, None
    credits = [(credit, outlets.resolve(credit.name)) for credit in (text.credits if text else [])]
    via = via or next((known.name for _, known in credits if known and known.is_aggregator), None)
    for credit, known in credits:
        if credit.weak or (known and known.is_aggregator):
            continue
        if known or _plausible_name(credit.name):
            provenance["outlet"] = f"credit line: {credit.line}"
            return (known.name if known else credit.name), via
    if html and html.sitename:
        known = outlets.resolve(html.sitename)
        if not (known and known.is_aggregator):
            provenance["outlet"] = "html: site name"
            return (known.name if known else html.sitename), via
    if text and text.dateline and text.dateline.agency:
        known = outlets.resolve(text.dateline.agency)
        provenance["outlet"] = f"dateline: {text.dateline.text}"
        return (known.name if known else text.dateline.agency), via
    for credit, known in credits:
        if credit.weak and not (known and known.is_aggregator) and (known or _plausible_name(credit.name)):
            provenance["outlet"] = f"copyright line: {credit.line}"
            return (known.name if known else credit.name), via
    if host and not host_outlet:
        provenance["outlet"] = f"URL host: {host}"
        return host, via
    if host_outlet:
        provenance["outlet"] = f"URL host (aggregator): {host}"
        return host_outlet.name, None
    return None, via


def _plausible_name(value: str) -> bool:
    """A credit naming an outlet we do not know: accept short names and domains, not sentences."""
    return 1 <= len(value.split()) <= 5 and not value.endswith(("?", "!"))
