"""Publication dates from metadata strings, header lines and datelines.

The rule that matters: a wrong date is worse than none. A date is only taken from a place that
states the publication date (a header line, a metadata field, a dateline), never from the page
around the article, and only when it is a plausible calendar date.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
EARLIEST_YEAR = 1980


def _plausible(year: int, month: int = 1, day: int = 1, *, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return False
    return year >= EARLIEST_YEAR and value <= today + dt.timedelta(days=2)


def iso_day(value: dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def normalise_date(value: object, *, languages: list[str] | None = None) -> str | None:
    """Turn a metadata value (ISO string, RFC 822 feed date, epoch seconds, free text in a known
    language) into ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None when it is not a plausible date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return iso_day(value.date()) if _plausible(value.year, value.month, value.day) else None
    if isinstance(value, dt.date):
        return iso_day(value) if _plausible(value.year, value.month, value.day) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds are common in JSON
        try:
            stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return normalise_date(stamp)
    text = str(value).strip()[:100]
    if m := _ISO.match(text) or _COMPACT.match(text):
        y, mo, d = (int(g) for g in m.groups()[:3])
        return f"{y:04d}-{mo:02d}-{d:02d}" if _plausible(y, mo, d) else None
    if m := _ISO_MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        return f"{y:04d}-{mo:02d}" if _plausible(y, mo) else None
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return f"{y:04d}" if _plausible(y) else None
    try:
        return normalise_date(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    return parse_date_text(text, languages=languages)


def parse_date_text(text: str, *, languages: list[str] | None = None) -> str | None:
    """A full calendar date written in words ("3 April 2025", "April 3, 2025", "3 avril 2025",
    "3 апреля 2025 г.") as ``YYYY-MM-DD``; None unless day, month and year are all stated."""
    if not re.search(r"\d{4}", text) or len(text) > 80:
        return None
    import dateparser  # slow to import; only text dates need it

    settings = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["absolute-time", "custom-formats"],
    }
    try:
        parsed = dateparser.parse(text, languages=languages, settings=settings)
    except (ValueError, TypeError, OverflowError, AttributeError):
        return None
    if parsed is None or not _plausible(parsed.year, parsed.month, parsed.day):
        return None
    return iso_day(parsed.date())
