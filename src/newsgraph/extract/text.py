"""Plain-text news dumps: header lines, datelines, credits, title and body.

Text dumps come from scrapers, copy-paste and aggregators. What they share is a loose shape:
perhaps some metadata lines at the top (``date 2025-04-03``, a URL, ``Title: ...``), perhaps a
headline, a body that may open with a dateline (``MOSCOW, April 3. /TASS/.``), credit lines
(``Read Full Article at RT.com``), and whatever page furniture came along. This module reads that
shape; ``clean.boilerplate`` decides which lines are the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..clean.boilerplate import Kind, Line, classify_line, find_body, normalise_line
from ..clean.mojibake import repair_mojibake
from ..clean.patterns import BREADCRUMB, DATE_ONLY, LIST_ITEM, URL_LINE, WORD
from ..meta.dates import normalise_date, parse_date_text

# --- normalisation ------------------------------------------------------------------------------

# Bidirectional overrides and isolates can make displayed text differ from stored text (a known
# spoofing trick); zero-width characters break search. None of them carries meaning in news.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise_text(text: str) -> str:
    """Unify line breaks and spaces and remove invisible formatting characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", without_surrogates(text)))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def without_surrogates(text: str) -> str:
    """Lone surrogates (from broken JSON escapes) cannot be stored as UTF-8: mark them as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def unwrap_hard_breaks(text: str) -> str:
    """Join lines that a tool wrapped at a fixed width back into paragraphs.

    Wrapped dumps have most lines of similar length (55-90 characters) and blank lines between
    paragraphs; in them, a single line break is not a paragraph break.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 8 or "\n\n" not in text:
        return text
    wrapped = sum(1 for line in lines if 55 <= len(line) <= 90)
    if wrapped / len(lines) < 0.6 or max(len(line) for line in lines) > 100:
        return text
    blocks = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(part.strip() for part in block.split("\n")) for block in blocks)


# --- header lines -------------------------------------------------------------------------------

_DATE_LABEL = (
    r"(?:date|dated|published(?: on)?|publication date|posted(?: on)?|pubdate|release date"
    r"|publié le|publié|date de publication|mis en ligne le"
    r"|дата(?: публикации)?|опубликовано)"
)
_INLINE_ISO_DATE = re.compile(
    rf"^{_DATE_LABEL}\s*[:=]?\s*(?P<date>\d{{4}}-\d{{2}}-\d{{2}})(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\.\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?\s*",
    re.I,
)
_DATE_LINE = re.compile(rf"^{_DATE_LABEL}\s*[:=]?\s*(?P<date>.{{4,60}})$", re.I)
_UPDATED_LINE = re.compile(r"^(updated|last updated|modified|mis à jour|обновлено)\b.{0,80}$", re.I)
_FIELD_LINE = re.compile(
    r"^(?P<key>title|headline|titre|заголовок|url|link|lien|ссылка|author|authors|byline|auteur|автор"
    r"|outlet|publisher|média|media|издание|language|lang|langue|язык|summary|description|résumé|lead)"
    r"\s*:\s*(?P<value>.+)$",
    re.I,
)
_BYLINE = re.compile(
    r"^(?i:by|par|автор:?)\s+(?P<names>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|and|et|и|&)\s*[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w.'’-]+){0,3})*)\s*$"
)
_FIELD_KEYS = {
    "title": "title", "headline": "title", "titre": "title", "заголовок": "title",
    "url": "url", "link": "url", "lien": "url", "ссылка": "url",
    "author": "authors", "authors": "authors", "byline": "authors", "auteur": "authors", "автор": "authors",
    "outlet": "outlet", "publisher": "outlet", "média": "outlet", "media": "outlet", "издание": "outlet",
    "language": "language", "lang": "language", "langue": "language", "язык": "language",
    "summary": "description", "description": "description", "résumé": "description", "lead": "description",
}  # fmt: skip
MAX_HEADER_LINES = 12


@dataclass(slots=True)
class Header:
    """Metadata stated by leading lines of a dump, and the text that follows them."""

    fields: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)


def read_header(text: str) -> tuple[Header, str]:
    """Consume metadata lines at the top of ``text``; return them and the rest of the text.

    A line counts as metadata only at the top, before the first line of anything else: a date in
    the middle of a page is page furniture, not the publication date. Among the metadata lines a
    headline may sit (URL, breadcrumb, headline, byline, timestamp): a headline-like line directly
    followed by a byline or a date line is the title.
    """
    header = Header()
    lines = text.split("\n")
    i = 0
    consumed = 0
    while i < len(lines) and consumed < MAX_HEADER_LINES:
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if m := _INLINE_ISO_DATE.match(line):
            date = normalise_date(m.group("date"))
            if date:
                header.fields.setdefault("published", date)
                header.how.setdefault("published", "text: date header line")
            rest = line[m.end() :].strip()
            if rest:  # the body starts on the same line as the date
                lines[i] = rest
                break
        elif not _read_header_line(line, header):
            following = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
            if "title" in header.fields or not _headline_shaped(line) or not _is_byline_or_date(following):
                break
            header.fields["title"] = line
            header.how["title"] = "text: headline above the byline"
        consumed += 1
        i += 1
    return header, "\n".join(lines[i:])


def _read_header_line(line: str, header: Header) -> bool:
    """Take what a metadata line states into ``header``; False if the line is not metadata."""
    if (m := _DATE_LINE.match(line)) and (date := _date_in(m.group("date"))):
        header.fields.setdefault("published", date)
        header.how.setdefault("published", "text: date header line")
    elif DATE_ONLY.match(line) and (date := _date_in(line.strip(" |·-–—"))):
        header.fields.setdefault("published", date)
        header.how.setdefault("published", "text: date line in the header")
    elif _UPDATED_LINE.match(line) or BREADCRUMB.match(line):
        pass  # an update time is not the publication date, a breadcrumb is navigation
    elif m := URL_LINE.match(line):
        header.fields.setdefault("url", m.group(1))
        header.how.setdefault("url", "text: URL header line")
    elif (m := _FIELD_LINE.match(line)) and _field_fits(m):
        key = _FIELD_KEYS[m.group("key").lower()]
        value = m.group("value").strip()
        if key == "authors":
            header.authors.extend(_split_names(value))
        else:
            header.fields.setdefault(key, value)
            header.how.setdefault(key, f"text: {m.group('key')} header line")
    elif m := _BYLINE.match(line):
        header.authors.extend(_split_names(m.group("names")))
    else:
        return False
    return True


def _is_byline_or_date(line: str) -> bool:
    return bool(
        _BYLINE.match(line) or _DATE_LINE.match(line) or DATE_ONLY.match(line) or _UPDATED_LINE.match(line)
    )


def _headline_shaped(line: str) -> bool:
    words = len(WORD.findall(line))
    return 3 <= words <= 30 and not LIST_ITEM.match(line) and not re.search(r"[.,;:]$", line.rstrip('”"’»)'))


def _field_fits(match: re.Match[str]) -> bool:
    """A ``url:`` line must hold a URL; other fields take any value."""
    key = _FIELD_KEYS[match.group("key").lower()]
    return key != "url" or URL_LINE.match(match.group("value")) is not None


def _date_in(text: str) -> str | None:
    text = re.split(r"\s+(?:at|à|в)\s+\d|,?\s+\d{1,2}[:h]\d{2}", text)[0]
    return normalise_date(text) if re.match(r"\d{4}-\d{2}-\d{2}", text) else parse_date_text(text)


def _split_names(value: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\band\b|\bet\b|\bи\b|&)\s*", value)
    return [p.strip() for p in parts if p.strip() and len(p) <= 60]


# --- datelines ----------------------------------------------------------------------------------

_CAPS = "A-ZÀ-ÖØ-ÞА-ЯЁ"
_DATELINE = re.compile(
    rf"^(?P<place>[{_CAPS}][{_CAPS}'’. -]{{1,38}}[{_CAPS}.])"
    r"(?:\s*,\s*(?:le\s+)?(?P<date>(?:[^\W\d_]+\.?\s+)?\d{1,2}(?:er|st|nd|rd|th)?(?:\s+[^\W\d_]+\.?)?(?:,?\s+\d{4})?))?"
    r"\s*[.,]?\s*"
    r"(?:(?:/(?P<agency>[^/\n]{2,25})/|\((?P<agency_paren>[^)\n]{2,25})\))\s*\.?)?"
    r"\s*(?P<sep>[-–—:]+|\.)?\s+"
    r"(?=[\w«“\"‘'])"
)


@dataclass(slots=True, frozen=True)
class Dateline:
    text: str
    place: str
    date: str | None
    agency: str | None


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """Split ``MOSCOW, April 3. /TASS/. Russia has...`` into the dateline and the sentence."""
    m = _DATELINE.match(paragraph)
    if not m:
        return None, paragraph
    place = m.group("place").strip(" .")
    agency = m.group("agency") or m.group("agency_paren")
    sep = m.group("sep")
    letters = [ch for ch in place if ch.isalpha()]
    if len(letters) < 3 or not all(ch.isupper() for ch in letters):
        return None, paragraph
    date = m.group("date")
    if not (date or agency or (sep and sep != ".")):
        return None, paragraph  # "NATO said ..." is a sentence, not a dateline
    rest = paragraph[m.end() :]
    if len(WORD.findall(rest)) < 3:
        return None, paragraph
    dateline = Dateline(
        paragraph[: m.end()].strip(), place.title(), m.group("date"), agency and agency.strip()
    )
    return dateline, rest


# --- title --------------------------------------------------------------------------------------


def _headline_like(line: Line, script: str | None) -> bool:
    if line.kind not in (Kind.PROSE, Kind.MEDIUM, Kind.SHORT):
        return False
    if not 3 <= line.words <= 30 or LIST_ITEM.match(line.text):
        return False
    if script and line.script and line.script != script:
        return False
    return not re.search(r"[.,;:]$", line.text.rstrip('”"’»)'))


def find_title(before: list[Line], body: list[Line], script: str | None) -> tuple[str | None, bool]:
    """The headline: the nearest headline-like line above the body, skipping credit lines,
    previews and highlights that repeat the body; else a headline-like first body line.

    Returns the title and whether it was taken from the body (so the caller removes it there).
    """
    body_keys = [normalise_line(line.text) for line in body]
    checked = 0
    for line in reversed(before):
        if checked >= 6:
            break
        if line.kind in (Kind.CREDIT, Kind.FURNITURE, Kind.CAPTION, Kind.RELATED):
            continue
        key = normalise_line(LIST_ITEM.sub("", line.text))
        if LIST_ITEM.match(line.text) or any(key in b or b in key for b in body_keys if len(b) > 20):
            continue  # a highlight or a preview of the body
        checked += 1
        if _headline_like(line, script):
            return line.text, False
        if line.kind is Kind.PROSE:
            break  # a paragraph of something else: whatever is above it is not this article's
    if len(body) >= 2 and _headline_like(body[0], script) and body[1].kind is Kind.PROSE:
        return body[0].text, True
    return None, False


# --- the whole dump -----------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Credit:
    """An outlet named by a line of the dump; ``weak`` for a copyright footer."""

    name: str
    line: str
    weak: bool = False


@dataclass(slots=True)
class TextParts:
    """What a text dump yields before outlet resolution and language detection."""

    text: str
    title: str | None
    header: Header
    dateline: Dateline | None
    credits: list[Credit]
    """Outlets named by credit lines, nearest to the body first, copyright footers last."""
    language: str | None
    repairs: list[str]
    removed_lines: int


def prepare_text(content: str) -> tuple[str, list[str]]:
    """Repair encoding damage and normalise spaces; the first step for any text."""
    repaired = repair_mojibake(content)
    return unwrap_hard_breaks(normalise_text(repaired.text)), list(repaired.repairs)


def parse_text_dump(content: str, *, repeated: Callable[[str], bool] | None = None) -> TextParts:
    """Split a plain-text dump into metadata, title and clean body paragraphs."""
    text, repairs = prepare_text(content)
    header, rest = read_header(text)
    raw_lines = [line.strip() for line in rest.split("\n")]
    lines = [classify_line(i, line) for i, line in enumerate(raw_lines) if line]
    body = find_body(lines, repeated=repeated)
    kept = list(body.lines)
    title = header.fields.get("title")
    if title is None:
        title, from_body = find_title(body.before, kept, body.script)
        if from_body:
            kept = kept[1:]
    dateline = None
    if kept:
        dateline, first = split_dateline(kept[0].text)
        if dateline:
            kept[0] = Line(kept[0].index, first, kept[0].words, kept[0].kind, kept[0].script)
    credits = _credits(body.before[-8:], body.dropped, body.after[:5])
    title_was_a_line = title is not None and "title" not in header.fields
    removed = len(lines) - len(kept) - (1 if title_was_a_line else 0)
    return TextParts(
        text="\n\n".join(line.text for line in kept),
        title=title,
        header=header,
        dateline=dateline,
        credits=credits,
        language=body.language,
        repairs=repairs,
        removed_lines=max(removed, 0),
    )


def _credits(before: list[Line], dropped: list[Line], after: list[Line]) -> list[Credit]:
    """Credit lines ordered by closeness to the body: inside it, just above it, just below it;
    copyright lines last, and only from the footer (inside a body, "© AFP" credits a photo)."""
    found: list[Credit] = []
    for line in [*dropped, *reversed(before), *after]:
        if line.kind is Kind.CREDIT and line.credit and not line.weak:
            found.append(Credit(line.credit.strip().rstrip("."), line.text))
    for line in after:
        if line.kind is Kind.CREDIT and line.credit and line.weak:
            found.append(Credit(line.credit.strip().rstrip("."), line.text, weak=True))
    return found
