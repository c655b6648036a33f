"""Calendar dates in news text, resolved against the article's publication date.

An event coder needs *when* an event happened as a calendar value, at the precision the text gives:
"2019" is a year, "in March 2023" a month, "last Thursday" a day. News writes most dates relative to
the day of publication ("yesterday", "on Thursday", "last year"), so every expression is resolved
against ``published``; without it only expressions that carry their own year resolve.

How (details and measured accuracy in docs/dates.md):

* Candidate spans come from small language-aware regular expressions (English, French, Russian;
  digits-only forms for any language). Each rule runs once over the text and the longest
  non-overlapping candidates win, so the cost is linear in the text and no pattern can backtrack
  catastrophically (no nested quantifiers).
* Each rule knows its precision and resolves with our own calendar arithmetic, because that is
  where the news conventions live: a bare weekday or month is the closest one *on or before*
  publication, unless the sentence is in the future tense (then the closest one on or after).
* ``dateparser`` is the fallback in :func:`resolve_date` for expressions no rule covers; its
  ``period`` gives the precision, so it never reports a day when the text gives a month.
* Expressions that are not calendar dates are skipped: "now", seasons, durations, clock times,
  weeks that straddle two months (a week inside one month is reported as that month).
* :func:`timex_value` is the separate, full TimeML normaliser: the same calendar values plus
  PRESENT_REF/PAST_REF/FUTURE_REF, ISO weeks and weekends, seasons, quarters, halves, decades and
  centuries. Event records never hold those values.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

Precision = Literal["year", "month", "day"]

__all__ = ["DateMention", "find_dates", "future_context", "parse_published", "resolve_date", "timex_value"]


@dataclass(slots=True, frozen=True)
class DateMention:
    """A date expression found in a text and its calendar value."""

    text: str
    """The words exactly as in the text, e.g. "last Thursday" (prepositions such as "on" excluded)."""
    start: int
    end: int
    value: str
    """ISO 8601 at the precision the text supports: "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""


# --- calendar helpers -------------------------------------------------------------------------------

MIN_YEAR, MAX_YEAR = 1000, 2199


def parse_published(published: str | None) -> date | None:
    """The publication day from an ISO date or datetime string; None when absent or unreadable."""
    if not isinstance(published, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published[:40])
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _day(value: date) -> str:
    return value.isoformat()


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _year(year: int) -> str | None:
    return f"{year:04d}" if MIN_YEAR <= year <= MAX_YEAR else None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _shift_days(base: date, days: int) -> str | None:
    try:
        return _day(base + timedelta(days=days))
    except OverflowError:
        return None


def _week_as_month(day_in_week: date) -> str | None:
    """A Monday-to-Sunday week as a month when it lies inside one month, else None (not a calendar
    value at month precision, and reporting a day would claim precision the text does not give)."""
    monday = day_in_week - timedelta(days=day_in_week.weekday())
    sunday = monday + timedelta(days=6)
    if (monday.year, monday.month) != (sunday.year, sunday.month):
        return None
    return _month(monday.year, monday.month)


def _weekday(base: date, weekday: int, direction: str) -> str:
    """The given weekday relative to ``base``.

    ``past``: closest on or before base; ``future``: closest on or after; ``last``: strictly before;
    ``next``: strictly after.
    """
    back = (base.weekday() - weekday) % 7
    ahead = (weekday - base.weekday()) % 7
    if direction == "past":
        return _day(base - timedelta(days=back))
    if direction == "last":
        return _day(base - timedelta(days=back or 7))
    if direction == "next":
        return _day(base + timedelta(days=ahead or 7))
    return _day(base + timedelta(days=ahead))


def _month_year(base: date, month: int, direction: str) -> int:
    """The year of a month named without one: the closest such month on or before publication
    (``past``), on or after (``future``), strictly before (``last``), strictly after (``next``) or in
    the publication year (``this``)."""
    if direction == "this":
        return base.year
    if direction == "past":
        return base.year if month <= base.month else base.year - 1
    if direction == "last":
        return base.year if month < base.month else base.year - 1
    if direction == "next":
        return base.year if month > base.month else base.year + 1
    return base.year if month >= base.month else base.year + 1


def _month_day_year(base: date, month: int, day: int, future: bool) -> int:
    """The year of a day named without one: the closest such day on or before publication (on or
    after if ``future``), unless that is more than half a year away; then simply the closest one
    ("Jan. 14" in a report of January 6 is next week whatever the tense cue says)."""
    if future:
        year = base.year if (month, day) >= (base.month, base.day) else base.year + 1
    else:
        year = base.year if (month, day) <= (base.month, base.day) else base.year - 1
    chosen = _safe_date(year, month, min(day, 28))
    if chosen is not None and abs((chosen - base).days) > 183:
        return year - 1 if future else year + 1
    return year


# --- vocabularies -----------------------------------------------------------------------------------

MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTHS_FR = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}  # fmt: skip
MONTHS_RU = {
    form: number
    for number, forms in enumerate(
        (
            ("январь", "января", "январе"), ("февраль", "февраля", "феврале"), ("март", "марта", "марте"),
            ("апрель", "апреля", "апреле"), ("май", "мая", "мае"), ("июнь", "июня", "июне"),
            ("июль", "июля", "июле"), ("август", "августа", "августе"), ("сентябрь", "сентября", "сентябре"),
            ("октябрь", "октября", "октябре"), ("ноябрь", "ноября", "ноябре"), ("декабрь", "декабря", "декабре"),
        ),
        start=1,
    )
    for form in forms
}  # fmt: skip

WEEKDAYS_EN = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
WEEKDAYS_FR = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
WEEKDAYS_RU = {
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4,
    "субботу": 5, "суббота": 5, "воскресенье": 6,
}  # fmt: skip

SPELLED_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
SPELLED_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
NUMBERS_EN = {"a": 1, "an": 1, **SPELLED_UNITS, **SPELLED_TENS, "hundred": 100}
NUMBERS_FR = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "cent": 100,
}  # fmt: skip
NUMBERS_RU = {
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "пятнадцать": 15, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "пятьдесят": 50, "сто": 100,
}  # fmt: skip

# English month and weekday names are always capitalised; lowercase "may", "march" or "august" are
# other words. Some capitalised ones are still common words ("May" the name, "March" the noun, "Mars"
# the planet): bare, they count only after a cue word ("in May", "fin mars") or with a modifier.
AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "oct", "nov", "dec", "sept", "mars"}
MONTH_CUES = re.compile(
    r"(?:(?<!\w)(?:in|since|until|till|by|from|through|to|of|during|before|after|early|late|mid|last|next|"
    r"this|en|depuis|jusqu'en|jusqu’en|début|fin|mi|de|d'|d’|au|dès|в|с|до|к)[\s-]*)$",
    re.IGNORECASE,
)


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so "sept" never wins over "september"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


def _month_number(token: str) -> int | None:
    key = token.lower().rstrip(".")
    return MONTHS_EN.get(key) or MONTHS_FR.get(key) or MONTHS_RU.get(key)


def _weekday_number(token: str) -> int | None:
    key = token.lower().rstrip(".")
    for table in (WEEKDAYS_EN, WEEKDAYS_FR, WEEKDAYS_RU):
        if key in table:
            return table[key]
    return None


def _count(token: str) -> int | None:
    key = token.lower()
    if key.isdigit():
        return int(key) if len(key) <= 4 else None
    return NUMBERS_EN.get(key) or NUMBERS_FR.get(key) or NUMBERS_RU.get(key)


# --- rules ------------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Context:
    """What a rule resolves against: the publication day (if known) and the tense of the sentence."""

    base: date | None
    future: bool


Resolver = Callable[[re.Match[str], Context], str | None]


@dataclass(slots=True, frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    languages: frozenset[str]


_B = r"(?<![\w])"  # word start (also before non-ASCII letters)
_E = r"(?![\w])"  # word end
DAY = r"(?:3[01]|[12]\d|0?[1-9])"
YEAR = r"(?:1[0-9]\d\d|2[01]\d\d)"
NOT_NUMBER_BEFORE = r"(?<![\d$€£¥])(?<!\d[.,/:])"
NOT_NUMBER_AFTER = r"(?![\d%]|[.,:/]\d)"

M_EN = rf"(?:{_alternation(k for k in MONTHS_EN if len(k) > 4 or k == 'may' or k == 'june' or k == 'july')}"
M_EN += rf"|(?:{_alternation(k for k in MONTHS_EN if len(k) <= 4 and k not in ('may', 'june', 'july'))})\.?)"
M_FR = rf"(?:{_alternation(k for k in MONTHS_FR if len(k) > 4 or k in ('mars', 'mai', 'juin'))}"
M_FR += rf"|(?:{_alternation(k for k in MONTHS_FR if len(k) <= 4 and k not in ('mars', 'mai', 'juin'))})\.)"
M_RU = rf"(?:{_alternation(MONTHS_RU)})"
W_EN = rf"(?:{_alternation(k for k in WEEKDAYS_EN if len(k) > 5)}|(?:{_alternation(k for k in WEEKDAYS_EN if len(k) <= 5)})\.)"
W_FR = rf"(?:{_alternation(WEEKDAYS_FR)})"
W_RU = rf"(?:{_alternation(WEEKDAYS_RU)})"
N_EN = rf"(?:\d{{1,3}}|{_alternation(NUMBERS_EN)})"
N_FR = rf"(?:\d{{1,3}}|{_alternation(NUMBERS_FR)})"
N_RU = rf"(?:\d{{1,3}}|{_alternation(NUMBERS_RU)})"
APOS = "['’]"
EDGE_EN = r"(?:(?:early|late|mid|the\s+(?:end|beginning|start|middle)\s+of|end\s+of|(?:the\s+)?(?:first|second)\s+half\s+of)[\s-]+)"
EDGE_FR = r"(?:(?:début|fin|mi|courant|mi-|à\s+la\s+fin\s+de|au\s+début\s+de)[\s-]*)"


def _date_from(match: re.Match[str], context: Context) -> str | None:
    """A day from named groups ``month``/``day`` (and ``year`` if given)."""
    month = _month_number(match["month"])
    if month is None:
        return None
    day = int(re.sub(r"\D", "", match["day"]) or 0) if match["day"] else 1
    if match["year"]:
        year = int(match["year"])
    elif context.base is not None:
        year = _month_day_year(context.base, month, day, context.future)
    else:
        return None
    found = _safe_date(year, month, day)
    return _day(found) if found else None


def _numeric_date(match: re.Match[str], context: Context) -> str | None:
    first, second, year_text = int(match["a"]), int(match["b"]), match["y"]
    year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
    if len(year_text) == 2 and context.base is not None and year > context.base.year + 1:
        year -= 100
    # Day first unless that is impossible; month-first only when the day-first reading is invalid.
    day, month = (first, second) if second <= 12 else (second, first)
    found = _safe_date(year, month, day)
    return _day(found) if found else None


def _iso_date(match: re.Match[str], context: Context) -> str | None:
    found = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return _day(found) if found else None


def _month_with_year(match: re.Match[str], context: Context) -> str | None:
    month = _month_number(match["month"])
    return _month(int(match["year"]), month) if month else None


MODIFIER_DIRECTION = {
    "last": "last", "past": "last", "previous": "last", "dernier": "last", "passé": "last",
    "prochain": "next", "next": "next", "coming": "future", "this": "this", "ce": "this",
    "прошлый": "last", "прошлую": "last", "прошлое": "last", "следующий": "next", "следующую": "next",
    "этот": "this", "эту": "this", "это": "this", "dernière": "last", "prochaine": "next",
}  # fmt: skip


def _month_of_relative_year(match: re.Match[str], context: Context) -> str | None:
    """ "January this year", "June last year": the month in the year shifted from publication."""
    month = _month_number(match["month"])
    if month is None or context.base is None:
        return None
    word = (match["rel"] or match["relfr"] or match["relru"] or "this").lower()
    step = RELATIVE_STEP.get(word, 0)
    return _month(context.base.year + step, month)


def _bare_month(match: re.Match[str], context: Context) -> str | None:
    month = _month_number(match["month"])
    if month is None or context.base is None:
        return None
    modifier = (match["mod"] or match["post"] or "").lower()
    direction = MODIFIER_DIRECTION.get(modifier, "future" if context.future else "past")
    return _month(_month_year(context.base, month, direction), month)


def _bare_weekday(match: re.Match[str], context: Context) -> str | None:
    weekday = _weekday_number(match["weekday"])
    if weekday is None or context.base is None:
        return None
    modifier = (match["mod"] or match["post"] or "").lower()
    direction = MODIFIER_DIRECTION.get(modifier, "future" if context.future else "past")
    if direction == "this":
        direction = "future" if context.future else "past"
    return _weekday(context.base, weekday, direction)


def _year_only(match: re.Match[str], context: Context) -> str | None:
    return _year(int(match["year"]))


RELATIVE_DAYS = {
    "yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "last night": -1, "the day before yesterday": -2, "the day after tomorrow": 2,
    "the day before": -1, "the previous day": -1, "a day earlier": -1, "a day before": -1,
    "the day after": 1, "a day after": 1, "the next day": 1, "the following day": 1, "a day later": 1,
    "hier": -1, "aujourd'hui": 0, "demain": 1, "avant-hier": -2, "après-demain": 2, "apres-demain": 2,
    "la veille": -1, "le lendemain": 1, "ce matin": 0, "ce soir": 0, "cet après-midi": 0,
    "hier soir": -1, "cette nuit": 0,
    "вчера": -1, "сегодня": 0, "завтра": 1, "позавчера": -2, "послезавтра": 2, "накануне": -1,
}  # fmt: skip


def _relative_day(match: re.Match[str], context: Context) -> str | None:
    key = re.sub(r"\s+", " ", match[0].lower()).replace("’", "'")
    offset = RELATIVE_DAYS.get(key)
    if offset is None or context.base is None:
        return None
    return _shift_days(context.base, offset)


UNIT_WORDS = {
    "year": "year", "years": "year", "an": "year", "ans": "year", "année": "year", "années": "year",
    "annee": "year", "annees": "year", "году": "year", "года": "year", "год": "year", "лет": "year",
    "month": "month", "months": "month", "mois": "month", "месяце": "month", "месяца": "month",
    "месяц": "month", "месяцев": "month",
    "week": "week", "weeks": "week", "semaine": "week", "semaines": "week", "неделе": "week",
    "недели": "week", "неделю": "week", "недель": "week",
    "day": "day", "days": "day", "jour": "day", "jours": "day", "день": "day", "дня": "day", "дней": "day",
}  # fmt: skip

RELATIVE_STEP = {
    "last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "following": 1, "coming": 1,
    "dernier": -1, "dernière": -1, "derniere": -1, "passé": -1, "passée": -1, "passe": -1,
    "passee": -1, "précédente": -1, "précédent": -1, "prochain": 1, "prochaine": 1, "suivante": 1,
    "suivant": 1, "cette": 0, "ce": 0, "cet": 0,
    "прошлом": -1, "прошлого": -1, "прошлой": -1, "прошлый": -1, "этом": 0, "этого": 0, "этой": 0,
    "текущем": 0, "текущего": 0, "следующем": 1, "следующего": 1, "следующей": 1, "будущем": 1,
    "будущего": 1,
}  # fmt: skip


def _shifted_unit(base: date, unit: str, step: int) -> str | None:
    if unit == "year":
        return _year(base.year + step)
    if unit == "month":
        return _month(*_add_months(base.year, base.month, step))
    if unit == "week":
        try:
            return _week_as_month(base + timedelta(weeks=step))
        except OverflowError:
            return None
    return _shift_days(base, step)


def _relative_unit(match: re.Match[str], context: Context) -> str | None:
    """The unit shifted by one from publication: "last year", "le mois prochain", "в прошлом году".

    "year-end" and "the end of the year" are the publication year itself."""
    if context.base is None:
        return None
    groups = match.groupdict()
    unit_word = groups.get("unit") or groups.get("unit2") or groups.get("unit3") or groups.get("unit4") or ""
    unit = UNIT_WORDS.get(unit_word.lower())
    step = RELATIVE_STEP.get((groups.get("rel") or "this").lower().replace("’", "'"))
    if unit is None or step is None:
        return None
    return _shifted_unit(context.base, unit, step)


def _unit_and_count(match: re.Match[str], context: Context) -> tuple[date, str, int] | None:
    """(publication date, unit, count) of "three years ago" / "two weeks from now", or None when
    there is no publication date or the count is absurd."""
    unit = UNIT_WORDS.get(match["unit"].lower())
    count = _count(match["count"])
    if context.base is None or unit is None or count is None or count > 5000:
        return None
    return context.base, unit, count


def _ago(match: re.Match[str], context: Context) -> str | None:
    """So many units before publication ("three years ago", "il y a deux jours", "два года назад"),
    at the precision of the unit."""
    found = _unit_and_count(match, context)
    if found is None:
        return None
    base, unit, count = found
    return _shifted_unit(base, unit, -count)


def _compile(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


ALL = frozenset({"en", "fr", "ru"})
EN, FR, RU = frozenset({"en"}), frozenset({"fr"}), frozenset({"ru"})
DIGITS = frozenset({"*"})  # rules that work for any language

RULES: tuple[Rule, ...] = (
    # 2024-01-28 / 28.01.2024 / 28/01/2024
    Rule(
        "iso",
        _compile(rf"{NOT_NUMBER_BEFORE}(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])"),
        _iso_date,
        DIGITS,
    ),
    Rule(
        "numeric",
        _compile(rf"{NOT_NUMBER_BEFORE}(?P<a>[0-3]?\d)[./](?P<b>[01]?\d)[./](?P<y>{YEAR}|\d\d)(?![\d.,/])"),
        _numeric_date,
        DIGITS,
    ),
    # (Thursday,) January 28(th)(, 2024)
    Rule(
        "en_month_day",
        _compile(
            rf"{_B}(?:{W_EN},?\s+)?(?P<month>{M_EN})\s+(?P<day>{DAY})(?:st|nd|rd|th)?{_E}(?!:)"
            rf"(?:,?\s+(?P<year>{YEAR}){_E})?"
        ),
        _date_from,
        EN,
    ),
    # (Thursday,) (the) 28(th) (of) January( 2024)
    Rule(
        "en_day_month",
        _compile(
            rf"{_B}(?:{W_EN},?\s+)?(?:the\s+)?(?P<day>{DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<month>{M_EN})(?!\w)(?:,?\s+(?P<year>{YEAR}){_E})?"
        ),
        _date_from,
        EN,
    ),
    # (jeudi) (le) 28 janvier (2024), 1er mars
    Rule(
        "fr_day_month",
        _compile(
            rf"{_B}(?:{W_FR}\s+)?(?P<day>{DAY}(?:er)?)\s+(?P<month>{M_FR})(?!\w)(?:\s+(?P<year>{YEAR}){_E})?"
        ),
        _date_from,
        FR,
    ),
    # 28 января 2024 (года)
    Rule(
        "ru_day_month",
        _compile(rf"{_B}(?P<day>{DAY})\s+(?P<month>{M_RU}){_E}(?:\s+(?P<year>{YEAR})(?:\s*(?:года|г\.))?)?"),
        _date_from,
        RU,
    ),
    # March 2023, March of 2023, mars 2023, марте 2023 года
    Rule(
        "month_year",
        _compile(
            rf"{_B}(?:{EDGE_EN}|{EDGE_FR})?(?P<month>{M_EN}|{M_FR}|{M_RU})(?!\w),?\s+(?:of\s+)?"
            rf"(?P<year>{YEAR}){NOT_NUMBER_AFTER}(?:\s*(?:года|г\.))?"
        ),
        _month_with_year,
        ALL,
    ),
    # January this year, June last year, juin l'an dernier, в марте прошлого года
    Rule(
        "month_relative_year",
        _compile(
            rf"{_B}(?:{EDGE_EN}|{EDGE_FR})?(?P<month>{M_EN}|{M_FR}|{M_RU})(?!\w),?\s+(?:of\s+)?"
            r"(?:(?P<rel>last|this|next|previous|prochain|dernier|passé|прошлого|этого|следующего|текущего)\s+year"
            rf"|(?:de\s+)?(?:l{APOS}(?:année|annee|an)|cette\s+année)\s*(?P<relfr>dernière|derniere|dernier|passée|passé|prochaine|prochain)?"
            r"|(?P<relru>прошлого|этого|следующего|текущего)\s+года)(?!\w)"
        ),
        _month_of_relative_year,
        ALL,
    ),
    # early December, late last July, last May, July
    Rule(
        "en_month",
        _compile(
            rf"{_B}{EDGE_EN}?(?:(?P<mod>last|next|this|past|coming)\s+)?(?P<month>{M_EN})(?!\w)(?P<post>)"
        ),
        _bare_month,
        EN,
    ),
    # fin juillet, juillet dernier, en mai
    Rule(
        "fr_month",
        _compile(rf"{_B}{EDGE_FR}?(?P<mod>)(?P<month>{M_FR})(?!\w)(?:\s+(?P<post>dernier|prochain){_E})?"),
        _bare_month,
        FR,
    ),
    Rule(
        "ru_month",
        _compile(rf"{_B}(?P<mod>)(?P<month>{M_RU}){_E}(?P<post>)"),
        _bare_month,
        RU,
    ),
    # (last|this|next) Thursday, Thursday
    Rule(
        "en_weekday",
        _compile(rf"{_B}(?:(?P<mod>last|next|this|past|coming)\s+)?(?P<weekday>{W_EN})(?!\w)(?P<post>)"),
        _bare_weekday,
        EN,
    ),
    Rule(
        "fr_weekday",
        _compile(rf"{_B}(?:(?P<mod>ce)\s+)?(?P<weekday>{W_FR}){_E}(?:\s+(?P<post>dernier|prochain){_E})?"),
        _bare_weekday,
        FR,
    ),
    Rule(
        "ru_weekday",
        _compile(
            rf"{_B}(?:(?P<mod>прошлый|прошлую|следующий|следующую|этот|эту)\s+)?(?P<weekday>{W_RU}){_E}(?P<post>)"
        ),
        _bare_weekday,
        RU,
    ),
    # yesterday, aujourd'hui, вчера, the day before, le lendemain
    Rule(
        "relative_day",
        _compile(
            rf"{_B}(?:the\s+day\s+(?:before|after)\s+(?:yesterday|tomorrow)|the\s+day\s+(?:before|after)"
            r"|the\s+(?:previous|next|following)\s+day|a\s+day\s+(?:earlier|before|after|later)"
            r"|yesterday|today|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night"
            rf"|aujourd{APOS}hui|avant-hier|apr[eè]s-demain|hier(?:\s+soir)?|demain|la\s+veille"
            r"|le\s+lendemain|ce\s+matin|ce\s+soir|cet\s+après-midi|cette\s+nuit"
            rf"|вчера|сегодня|завтра|позавчера|послезавтра|накануне){_E}"
        ),
        _relative_day,
        ALL,
    ),
    # last year, this (fiscal) year, next month, earlier this year
    Rule(
        "en_relative_unit",
        _compile(
            rf"{_B}(?:(?:earlier|later|early|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of)\s+)?"
            r"(?:(?:the\s+)?(?P<rel>last|this|next|previous|following|coming|current)\s+(?:fiscal\s+|calendar\s+)?"
            r"(?P<unit>year|month|week)|(?P<unit2>year)[-\s]end|(?:the\s+)?end\s+of\s+the\s+(?P<unit3>year|month)"
            rf"|(?P<unit4>year)['’]s\s+end){_E}"
        ),
        _relative_unit,
        EN,
    ),
    # l'année dernière, l'an prochain, cette année, le mois dernier, ce mois-ci, la semaine prochaine
    Rule(
        "fr_relative_unit",
        _compile(
            rf"{_B}(?:(?:l{APOS}|la\s+|le\s+)(?P<unit>année|annee|an|mois|semaine)\s+"
            r"(?P<rel>dernière|derniere|dernier|passée|passee|passé|passe|prochaine|prochain|"
            r"précédente|précédent|suivante|suivant)"
            r"|(?P<rel2>cette|ce|cet)\s+(?P<unit2>année|annee|mois|semaine)(?:-ci)?)"
            rf"{_E}"
        ),
        lambda match, context: _relative_unit_fr(match, context),
        FR,
    ),
    # в прошлом году, в этом месяце, на следующей неделе, прошлого года
    Rule(
        "ru_relative_unit",
        _compile(
            r"(?<![\w])(?:(?:в|на)\s+)?(?P<rel>прошлом|прошлого|прошлой|этом|этого|этой|текущем|текущего|"
            r"следующем|следующего|следующей|будущем|будущего)\s+(?P<unit>году|года|месяце|месяца|неделе|недели)(?![\w])"
        ),
        _relative_unit,
        RU,
    ),
    # three years ago, il y a deux jours, два года назад
    Rule(
        "en_ago",
        _compile(rf"{_B}(?P<count>{N_EN})\s+(?P<unit>years?|months?|weeks?|days?)\s+ago{_E}"),
        _ago,
        EN,
    ),
    Rule(
        "fr_ago",
        _compile(rf"{_B}il\s+y\s+a\s+(?P<count>{N_FR})\s+(?P<unit>ans?|années?|mois|semaines?|jours?){_E}"),
        _ago,
        FR,
    ),
    Rule(
        "ru_ago",
        _compile(
            rf"{_B}(?P<count>{N_RU})\s+(?P<unit>год|года|лет|месяц|месяца|месяцев|недел[юиь]|недель|день|дня|дней)"
            rf"\s+назад{_E}"
        ),
        _ago,
        RU,
    ),
    # 2019, mid-2022, early 2011, en 2019, в 2019 году
    Rule(
        "year",
        _compile(
            rf"{_B}(?:{EDGE_EN}|{EDGE_FR})?{NOT_NUMBER_BEFORE}(?P<year>{YEAR}){NOT_NUMBER_AFTER}(?![sS]{_E})"
            r"(?:\s*(?:году|года|г\.))?"
        ),
        _year_only,
        DIGITS,
    ),
)


def _relative_unit_fr(match: re.Match[str], context: Context) -> str | None:
    if context.base is None:
        return None
    unit = UNIT_WORDS.get((match["unit"] or match["unit2"]).lower())
    step = RELATIVE_STEP.get((match["rel"] or match["rel2"]).lower())
    if unit is None or step is None:
        return None
    return _shifted_unit(context.base, unit, step)


# --- tense ------------------------------------------------------------------------------------------

# Tense cues. "would" counts as future: in news it is mostly reported future ("said it would
# leave on Monday"). Deadline words ("payable", "effective", "expires", "record date") announce dates
# that are ahead of the report in business news.
FUTURE_CUES = {
    "en": r"will|won't|shall|'ll|would|going\s+to|plans?\s+to|planning\s+to|scheduled|expected\s+(?:to|in|on|by)|"
    r"due|set\s+to|upcoming|intends?\s+to|aims?\s+to|payable|effective|expires?|expiring|deadline|"
    r"takes\s+effect|record",
    # French simple future and conditional ("aura", "se rendra", "devrait"), lowercase only so that
    # "Ankara" is not a verb
    "fr": r"va|vont|allons|doit|doivent|devait|devaient|prévu|prévue|prévus|prévues|ira|iront|"
    r"(?-i:[a-zàâçéèêëîïôûù]{2,}(?:ra|ront|rons|rez|rait|raient))",
    "ru": r"будет|будут|буду|состоится|пройдет|пройдёт|планирует|планируется|намерен\w*",
}
PAST_CUES = {
    "en": r"was|were|had|did|said|told|\w{2,}ed",
    "fr": r"a|ont|avait|avaient|était|étaient|\w{2,}(?:é|ée|és|ées)",
    "ru": r"был|была|было|были|\w{2,}(?:ал|ала|али|ил|ила|или|ел|ела|ели)",
}
# A deadline preposition right before the date: "by Dec. 15", "through January", "jusqu'au 3 mai".
DEADLINE_BEFORE = re.compile(
    r"(?<!\w)(?:by|until|till|through|before|jusqu['’]au|jusqu['’]en|avant\s+le|d['’]ici|до|к)\s+(?:on\s+|the\s+)?$",
    re.IGNORECASE,
)
# A participle after "be" is passive voice, not past tense ("will be named").
PASSIVE_BEFORE = re.compile(r"(?<!\w)(?:be|been|being|être|été)\s+$", re.IGNORECASE)


@functools.cache
def _cue_pattern(table_name: str, languages: frozenset[str]) -> re.Pattern[str]:
    table = FUTURE_CUES if table_name == "future" else PAST_CUES
    return re.compile(
        rf"(?<!\w)(?:{'|'.join(table[code] for code in sorted(languages))})(?!\w)", re.IGNORECASE
    )


SENTENCE_END = re.compile(r"[.!?;\n]\s")
WINDOW = 160


def future_context(text: str, start: int, end: int, language: str | None = None) -> bool:
    """Whether the clause around ``text[start:end]`` speaks of the future.

    News reports the past, so the answer is False unless the nearest tense cue before the expression
    in its sentence (or, failing that, the first after it) is a future one ("will", "is expected to",
    French future endings, "будет"). Looks at most ``WINDOW`` characters each way.
    """
    left = text[max(0, start - WINDOW) : start]
    boundaries = [m.end() for m in SENTENCE_END.finditer(left)]
    if boundaries:
        left = left[boundaries[-1] :]
    right = text[end : end + WINDOW]
    stop = SENTENCE_END.search(right)
    if stop is not None:
        right = right[: stop.start()]
    if DEADLINE_BEFORE.search(left[-40:]):
        return True
    languages = _languages(language)
    future_cues = _cue_pattern("future", languages)
    past_cues = _cue_pattern("past", languages - {"fr"} if language is None else languages)

    def past_positions(segment: str) -> list[re.Match[str]]:
        return [
            m
            for m in past_cues.finditer(segment)
            if not future_cues.fullmatch(m[0])
            and not PASSIVE_BEFORE.search(segment[max(0, m.start() - 8) : m.start()])
        ]

    last_future = max((m.end() for m in future_cues.finditer(left)), default=-1)
    last_past = max((m.end() for m in past_positions(left)), default=-1)
    if last_future >= 0 or last_past >= 0:
        return last_future > last_past
    first_future = next((m.start() for m in future_cues.finditer(right)), None)
    first_past = next((m.start() for m in past_positions(right)), None)
    if first_future is None:
        return False
    return first_past is None or first_future < first_past


# --- scanning ---------------------------------------------------------------------------------------


def _languages(language: str | None) -> frozenset[str]:
    code = (language or "").strip().lower()[:2]
    return frozenset({code}) if code in ALL else ALL


def _acceptable(match: re.Match[str], rule: Rule, text: str, known_date: bool = False) -> bool:
    """Reject the readings of common words: "may", "march", "Mars", "sun." and friends."""
    groups = match.groupdict()
    month = groups.get("month")
    if month is not None:
        key = month.lower().rstrip(".")
        english = key in MONTHS_EN and key not in MONTHS_FR and key not in MONTHS_RU
        if (rule.name.startswith("en_") or english) and not month[0].isupper():
            return False
        bare = groups.get("day") is None and groups.get("year") is None
        cued = known_date or groups.get("mod") or groups.get("post")
        if bare and key in AMBIGUOUS_MONTHS and not cued:
            before = (
                text[max(0, match.start() - 24) : match.start()]
                + match[0][: match.start("month") - match.start()]
            )
            if not MONTH_CUES.search(before):
                return False
    weekday = groups.get("weekday")
    return weekday is None or not rule.name.startswith("en_") or weekday[0].isupper()


ANCHOR_WORDS = frozenset(
    {
        word.rstrip(".")
        for table in (MONTHS_EN, MONTHS_FR, MONTHS_RU, WEEKDAYS_EN, WEEKDAYS_FR, WEEKDAYS_RU)
        for word in table
    }
    | set(UNIT_WORDS)
    | {part for phrase in RELATIVE_DAYS for part in re.split(r"[\s'’-]+", phrase)[-1:]}
    | {"aujourd", "demain", "weekend", "end"}
)
WORD = re.compile(r"\w+")
MARGIN = 80  # longer than any match, so every match lies inside the window around its anchor


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` around anchor words (month, weekday, unit, digits); every rule match
    contains one, so the rules need only run there. Keeps long texts without dates fast."""
    windows: list[tuple[int, int]] = []
    for word in WORD.finditer(text):
        token = word[0]
        if not (token.lower() in ANCHOR_WORDS or any(char.isdigit() for char in token)):
            continue
        start, end = max(0, word.start() - MARGIN), min(len(text), word.end() + MARGIN)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _candidates(
    text: str, languages: frozenset[str], *, known_date: bool = False
) -> list[tuple[re.Match[str], Rule]]:
    """The longest non-overlapping matches of the rules for ``languages``, left to right.

    ``known_date``: the caller already knows the text is a date expression, so a bare "May" or
    "mars" needs no cue word to be read as a month.
    """
    found: list[tuple[int, int, int, re.Match[str], Rule]] = []
    windows = _windows(text)
    for order, rule in enumerate(RULES):
        if not (rule.languages is DIGITS or rule.languages & languages):
            continue
        for window_start, window_end in windows:
            for match in rule.pattern.finditer(text, window_start, window_end):
                if match.end() > match.start() and _acceptable(match, rule, text, known_date):
                    found.append((match.start(), match.start() - match.end(), order, match, rule))
    found.sort(key=lambda item: item[:3])
    kept: list[tuple[re.Match[str], Rule]] = []
    reach = -1
    for start, _, _, match, rule in found:
        if start >= reach:
            kept.append((match, rule))
            reach = match.end()
    return kept


def find_dates(
    text: str, published: str | None, language: str | None, *, future: bool | None = None
) -> list[DateMention]:
    """Every calendar date expression in ``text``, resolved against ``published``.

    ``future``: force the tense of every expression; by default each is judged from its own clause
    (see :func:`future_context`). Expressions that do not resolve (relative ones without a
    publication date, non-calendar ones) are left out. Never raises on bad input.
    """
    if not isinstance(text, str) or not text:
        return []
    base = parse_published(published)
    mentions = []
    for match, rule in _candidates(text, _languages(language)):
        tense = future if future is not None else future_context(text, match.start(), match.end(), language)
        value = rule.resolve(match, Context(base, tense))
        if value is not None:
            mentions.append(DateMention(match[0], match.start(), match.end(), value))
    return mentions


def resolve_date(
    expression: str, published: str | None, language: str | None, *, future: bool = False
) -> str | None:
    """One expression ("on Thursday", "le 28 janvier 2024", "mid-2022") as an ISO value at its
    precision, or None.

    The longest date found by the rules inside the expression gives the value; when no rule finds
    one, dateparser tries (relative to ``published``), and its answer is kept only at the precision
    it reports and only when the expression has a digit, a month or a weekday in it (dateparser
    would otherwise turn "now" or "the day" into a day). ``future``: the sentence speaks of the
    future (a bare weekday or month then means the next one, not the last one).
    """
    if not isinstance(expression, str) or not expression.strip() or len(expression) > 500:
        return None
    base = parse_published(published)
    best = _longest_value(
        expression, _candidates(expression, _languages(language), known_date=True), base, future
    )
    if best is not None:
        return best[1]
    return _dateparser_value(expression, base, language, future)


def _longest_value(
    expression: str, candidates: Iterable[tuple[re.Match[str], Rule]], base: date | None, future: bool
) -> tuple[int, str] | None:
    """The value of the longest candidate that resolves, with its length (the first one on ties)."""
    context = Context(base, future)
    best: tuple[int, str] | None = None
    for match, rule in candidates:
        value = rule.resolve(match, context)
        if value is not None and (best is None or match.end() - match.start() > best[0]):
            best = (match.end() - match.start(), value)
    return best


def _dateparser_value(expression: str, base: date | None, language: str | None, future: bool) -> str | None:
    if not re.search(r"\d", expression):
        return None
    try:
        from dateparser.date import DateDataParser

        settings = {
            "PREFER_DATES_FROM": "future" if future else "past",
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
        }
        if base is not None:
            settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)  # type: ignore[assignment]
        code = (language or "").strip().lower()[:2]
        parser = DateDataParser(languages=[code] if code in ALL else None, settings=settings)
        data = parser.get_date_data(expression)
    except Exception:  # dateparser raises assorted errors on odd input; a date is optional
        return None
    found, period = data.date_obj, data.period
    if found is None:
        return None
    if period == "year":
        return _year(found.year)
    if period == "month":
        return _month(found.year, found.month)
    if (
        period == "day"
        and re.search(r"\d{1,2}", expression)
        and (base is not None or re.search(YEAR, expression))
    ):
        return _day(found.date())
    return None


# --- TimeML values beyond the calendar ------------------------------------------------------------
#
# TimeML (TIMEX3 type DATE) also writes points of time that are not calendar dates: PRESENT_REF,
# PAST_REF, FUTURE_REF, ISO weeks ("1998-W08"), weekends ("1990-W32-WE"), seasons ("1998-SU"),
# quarters ("1989-Q3"), halves ("1990-H1"), decades ("199") and centuries ("19"). Events store only
# calendar values, so these live apart, in :func:`timex_value`. The conventions follow the gold of
# TimeBank (TBAQ-cleaned); see docs/dates.md.

SEASONS = {
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI",
    "printemps": "SP", "été": "SU", "ete": "SU", "automne": "FA", "hiver": "WI",
}  # fmt: skip
SEASON_ORDER = ("SP", "SU", "FA", "WI")
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "final": 4, "last": 4, "latter": 2, "premier": 1, "1er": 1, "deuxième": 2, "deuxieme": 2, "2e": 2,
    "troisième": 3, "troisieme": 3, "3e": 3, "quatrième": 4, "quatrieme": 4, "4e": 4,
    "dernier": 4,
}  # fmt: skip
ORDINAL_WORDS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21, "twenty-second": 22,
}  # fmt: skip
DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
TIMEX_DIRECTION = {
    "this past": "last", "last": "last", "past": "last", "previous": "last", "prior": "last",
    "dernier": "last", "dernière": "last", "derniere": "last", "passé": "last", "passée": "last",
    "this coming": "next", "next": "next", "coming": "next", "following": "next", "prochain": "next",
    "prochaine": "next", "this": "this", "current": "this", "ce": "this", "cet": "this",
    "cette": "this",
}  # fmt: skip

# Whole expressions that are TimeML's fuzzy references to the present, the past and the future.
# "today" is not among them: in news it is the day of publication (TimeBank: 30 of 31).
REF_PHRASES: dict[str, tuple[str, frozenset[str]]] = {
    "PRESENT_REF": (
        r"now|right\s+now|currently|current|presently|at\s+present|the\s+present(?:\s+day)?|present|"
        r"nowadays|these\s+days|at\s+the\s+moment|at\s+this\s+(?:moment|time|point)|"
        r"maintenant|actuellement|à\s+présent|a\s+present|en\s+ce\s+moment|de\s+nos\s+jours|présentement|"
        r"сейчас|теперь|в\s+настоящее\s+время|ныне",
        ALL,
    ),
    "PAST_REF": (
        r"(?:more\s+|most\s+|very\s+|only\s+|until\s+)?recently|recent|previously|formerly|earlier|once|lately|"
        r"(?:in\s+)?the\s+past|past|(?:in\s+)?(?:recent|past)\s+(?:years|months|weeks|days|decades|times)|"
        r"in\s+years\s+past|(?:(?:several|a\s+few|some|many|a\s+couple\s+of)\s+)?(?:years|decades)\s+ago|"
        r"(?:several|a\s+few|some|many|a\s+couple\s+of)\s+(?:months|weeks|days)\s+ago|"
        r"(?:a\s+)?long\s+(?:time\s+)?ago|"
        r"récemment|recemment|dernièrement|autrefois|auparavant|jadis|(?:par|dans)\s+le\s+passé|le\s+passé|"
        r"ces\s+(?:dernières|derniers)\s+(?:années|mois|semaines|jours)|"
        r"недавно|ранее|в\s+прошлом|прежде",
        ALL,
    ),
    "FUTURE_REF": (
        r"(?:in\s+)?(?:the\s+)?(?:(?:near|distant|foreseeable)\s+)?future|soon|someday|some\s+day|"
        r"as\s+soon\s+as\s+possible|(?:at\s+)?a\s+later\s+date|(?:in\s+|over\s+)?the\s+(?:near|short|long|medium)\s+term|"
        r"(?:in\s+|over\s+)?(?:the\s+)?coming\s+(?:years|months|weeks|days|decades|quarters)|"
        r"(?:in\s+|over\s+)?the\s+(?:years|months|weeks|days|decades)\s+(?:ahead|to\s+come)|"
        r"future\s+(?:years|quarters|months|generations)|"
        r"(?:à\s+l['’]|l['’])avenir|(?:dans\s+)?le\s+futur|bientôt|prochainement|"
        r"dans\s+les\s+(?:prochains|prochaines)\s+(?:années|mois|semaines|jours)|"
        r"в\s+будущем|скоро|вскоре",
        ALL,
    ),
}
REF_PATTERNS = tuple(
    (value, re.compile(rf"(?:{pattern})", re.IGNORECASE), languages)
    for value, (pattern, languages) in REF_PHRASES.items()
)
REF_LEAD = re.compile(
    r"^(?:(?:up\s+)?(?:until|till|to)|by|for|from|as\s+of|since|at|in|during|over|of|even|only|just|"
    r"jusqu['’]à|depuis|pour|dès|до|с|к)\s+",
    re.IGNORECASE,
)


def _ref_value(expression: str, languages: frozenset[str]) -> str | None:
    """PRESENT_REF, PAST_REF or FUTURE_REF when the whole expression is one of those phrases."""
    text = re.sub(r"\s+", " ", expression.strip().strip(".,;:!?\"'()")).replace("’", "'")
    for candidate in (text, REF_LEAD.sub("", text)):
        for value, pattern, pattern_languages in REF_PATTERNS:
            if pattern_languages & languages and pattern.fullmatch(candidate):
                return value
    return None


def _iso_week(day: date) -> str | None:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}" if MIN_YEAR <= year <= MAX_YEAR else None


def _week_shift(base: date, weeks: int) -> str | None:
    try:
        return _iso_week(base + timedelta(weeks=weeks))
    except OverflowError:
        return None


def _part_of_year(current: int, slot: int, size: int, direction: str) -> int:
    """The index (year * size + slot) of the named part of a year (quarter, half, season) nearest
    the current one: ``past`` on or before, ``future`` on or after, ``last`` strictly before,
    ``next`` strictly after, ``this`` in the same year."""
    candidate = (current // size) * size + slot
    if direction == "past":
        return candidate if candidate <= current else candidate - size
    if direction == "future":
        return candidate if candidate >= current else candidate + size
    if direction == "last":
        return candidate if candidate < current else candidate - size
    if direction == "next":
        return candidate if candidate > current else candidate + size
    return candidate


def _direction(modifier: str | None, context: Context) -> str:
    word = re.sub(r"\s+", " ", (modifier or "").lower())
    return TIMEX_DIRECTION.get(word, "future" if context.future else "past")


def _explicit_year(match: re.Match[str], context: Context) -> int | None:
    """A year written in the expression ("of 1990", "1989's") or relative to publication ("next
    year's", "of last year", "of the year"); None when there is none."""
    groups = match.groupdict()
    year = groups.get("year") or groups.get("year2")
    if year:
        return int(year)
    relative = groups.get("rel") or groups.get("rel2")
    if relative is not None and context.base is not None:
        return context.base.year + RELATIVE_STEP.get(relative.lower(), 0)
    return None


def _year_part(match: re.Match[str], context: Context, size: int, letter: str) -> str | None:
    """A quarter (``size`` 4, "Q") or half (``size`` 2, "H") of a year."""
    groups = match.groupdict()
    word = (groups.get("ord") or "").lower()
    slot = size if word in ("last", "final", "dernier") else ORDINALS.get(word)
    if groups.get("num"):
        slot = int(groups["num"])
    year = _explicit_year(match, context)
    if slot is None or not 1 <= slot <= size:
        # "the quarter", "last quarter", "the 1988 quarter": relative to the one publication is in
        if context.base is None:
            return None
        current = context.base.year * size + (context.base.month - 1) * size // 12
        modifier = re.sub(r"\s+", " ", (groups.get("mod") or "").lower())
        if modifier in ("", "latest", "most recent", "recent"):  # "the quarter": the one just reported
            index = current if context.future else current - 1
        else:
            index = current + {"last": -1, "next": 1}.get(_direction(modifier, context), 0)
        if year is not None:
            index = year * size + index % size
        year, slot = index // size, index % size + 1
    elif year is None:
        # An ordinal part without a year is in the year of publication (business news reports the
        # third quarter in October and forecasts the fourth)
        if context.base is None:
            return None
        year = context.base.year
    if groups.get("ago"):
        year -= 1
    return f"{year:04d}-{letter}{slot}" if MIN_YEAR <= year <= MAX_YEAR else None


def _quarter(match: re.Match[str], context: Context) -> str | None:
    return _year_part(match, context, 4, "Q")


def _half(match: re.Match[str], context: Context) -> str | None:
    return _year_part(match, context, 2, "H")


def _season(match: re.Match[str], context: Context) -> str | None:
    """Seasons are SP (March-May), SU (June-August), FA (September-November) and WI (December of the
    year to February of the next; January and February belong to the previous year's winter)."""
    season = SEASONS.get(match["season"].lower())
    if season is None:
        return None
    groups = match.groupdict()
    modifier = groups.get("mod") or groups.get("post")
    # "the fall of Rome"; "fall" and "été" are other words when nothing marks them as a season
    other_word = re.match(r"\s+of\b", match.string[match.end() :]) or (
        match["season"].lower() in ("fall", "été", "ete") and not (modifier or groups.get("det"))
    )
    if other_word and not (groups.get("year") or groups.get("rel")):
        return None
    year = _explicit_year(match, context)
    if year is None:
        base = context.base
        if base is None:
            return None
        slot = SEASON_ORDER.index(season)
        direction = _direction(modifier, context)
        if direction == "this":
            year = base.year - (season == "WI" and base.month <= 2)
        else:
            month = base.month
            current = (base.year - (month <= 2)) * 4 + (3 if month in (12, 1, 2) else (month - 3) // 3)
            year = _part_of_year(current, slot, 4, direction) // 4
    return f"{year:04d}-{season}" if MIN_YEAR <= year <= MAX_YEAR else None


def _week(match: re.Match[str], context: Context) -> str | None:
    """An ISO week relative to publication: "this week", "last week", "la semaine prochaine".

    "Two weeks ago" stays with the calendar rules: TimeBank gives it a week as often as a day."""
    base = context.base
    if base is None:
        return None
    groups = match.groupdict()
    direction = _direction(groups.get("mod") or groups.get("post"), context)
    if (groups.get("mod") or "").lower().split()[:2] == ["this", "past"] and base.weekday() >= 5:
        direction = "this"  # "this past week" on a weekend: the week now ending
    return _week_shift(base, {"last": -1, "next": 1}.get(direction, 0))


def _weekend(match: re.Match[str], context: Context) -> str | None:
    """The Saturday and Sunday of an ISO week ("1990-W32-WE"). "The weekend" is the one just past
    (the current week's when published on a weekend), or the coming one in a future sentence."""
    base = context.base
    if base is None:
        return None
    groups = match.groupdict()
    modifier = re.sub(r"\s+", " ", (groups.get("mod") or groups.get("post") or "").lower())
    on_weekend = base.weekday() >= 5
    if modifier in ("this", "ce", "cet", "cette", "this coming"):
        step = 1 if modifier == "this coming" and on_weekend else 0
    elif modifier in ("this past",):
        step = 0 if on_weekend else -1
    elif TIMEX_DIRECTION.get(modifier) == "last":
        step = -1
    elif TIMEX_DIRECTION.get(modifier) == "next":
        step = 1
    else:
        step = 0 if context.future or on_weekend else -1
    week = _week_shift(base, step)
    return f"{week}-WE" if week else None


def _century_of(base: date | None) -> int:
    return base.year // 100 if base is not None else 19


def _decade(match: re.Match[str], context: Context) -> str | None:
    """A decade as TimeML's three digits: "the 1990s" and "the nineties" are "199"."""
    groups = match.groupdict()
    if groups.get("full"):
        return groups["full"][:3]
    if groups.get("mod"):
        if context.base is None:
            return None
        step = {"last": -1, "next": 1}.get(_direction(groups["mod"], context), 0)
        return f"{context.base.year // 10 + step:03d}"
    digit = (
        int(groups["short"][0])
        if groups.get("short")
        else DECADE_WORDS.get((groups.get("word") or "").lower())
    )
    if digit is None:
        return None
    decade = _century_of(context.base) * 10 + digit
    if context.base is not None and decade > context.base.year // 10 and not context.future:
        decade -= 10
    return f"{decade:03d}"


def _roman(text: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = ROMAN.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    return total or None


def _century(match: re.Match[str], context: Context) -> str | None:
    """A century as TimeML's two digits: "the 20th century" and "le XXe siècle" are "19"."""
    groups = match.groupdict()
    if groups.get("mod"):
        if context.base is None:
            return None
        step = {"last": -1, "next": 1}.get(_direction(groups["mod"], context), 0)
        number = context.base.year // 100 + step
        return f"{number:02d}"
    if groups.get("num"):
        ordinal: int | None = int(groups["num"])
    elif groups.get("roman"):
        ordinal = _roman(groups["roman"])
    else:
        ordinal = ORDINAL_WORDS_EN.get(re.sub(r"\s+", " ", (groups.get("word") or "").lower()))
    if ordinal is None or not 1 <= ordinal <= 22:
        return None
    return f"{ordinal - 1:02d}"


def _from_now(match: re.Match[str], context: Context) -> str | None:
    """ "two years from now": publication plus so many units, at the unit's precision."""
    found = _unit_and_count(match, context)
    if found is None:
        return None
    base, unit, count = found
    return _week_shift(base, count) if unit == "week" else _shifted_unit(base, unit, count)


TWO_DIGITS = (
    rf"(?:(?:{_alternation(SPELLED_TENS)})(?:[\s-]+(?:{_alternation(k for k in SPELLED_UNITS if SPELLED_UNITS[k] < 10)}))?"
    rf"|(?:{_alternation(SPELLED_UNITS)}))"
)


def _spelled_number(words: str) -> int:
    """ "ninety-six" is 96 (words known to the patterns only)."""
    total = 0
    for word in re.split(r"[\s-]+", words.lower()):
        total += SPELLED_TENS.get(word, 0) + SPELLED_UNITS.get(word, 0)
    return total


def _spelled_year(match: re.Match[str], context: Context) -> str | None:
    """ "nineteen ninety-six", "the year two thousand", "two thousand and one"."""
    if match["century"]:
        tail = match["tail"] or ""
        return _year(
            _spelled_number(match["century"]) * 100 + (0 if "hundred" in tail else _spelled_number(tail))
        )
    return _year(2000 + _spelled_number(match["after"] or ""))


def _the_year(match: re.Match[str], context: Context) -> str | None:
    """ "the year", "the full year", "the current fiscal year", "earlier in the year": in news, the
    year of publication (TimeBank: all nine such DATE spans)."""
    return _year(context.base.year) if context.base is not None else None


ORD_EN = r"(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)"
HALF_ORD_EN = r"(?P<ord>first|second|last|latter|1st|2nd)"
YEAR_BEFORE = rf"(?:(?P<year>{YEAR})(?:['’]s)?\s+|(?P<rel>this|last|next)\s+year['’]s\s+)"
YEAR_AFTER = (
    rf"(?:,?\s+(?:of\s+)?(?:(?:fiscal|calendar)\s+)?(?P<year2>{YEAR}){_E}"
    r"|\s+of\s+(?:(?P<rel2>this|last|next)\s+year|the\s+(?:current\s+)?year))"
)
SEASON_EN = r"(?P<season>spring|summer|fall|autumn|winter)"
SEASON_FR = r"(?P<season>printemps|été|ete|automne|hiver)"
EDGE_ANY = r"(?:(?:early|late|mid|the\s+(?:end|beginning|start|middle)\s+of|end\s+of)[\s-]+)?"
NOT_OF_OTHER = r"(?!\s+of\s)"  # "the first half of March" is not a half year

TIMEX_RULES: tuple[Rule, ...] = (
    Rule(
        "en_quarter",
        _compile(
            rf"{_B}(?:the\s+)?(?:(?P<ago>year[-\s](?:ago|earlier))\s+)?{YEAR_BEFORE}?(?:(?:fiscal|calendar)\s+)?"
            rf"{ORD_EN}[\s-]+(?:(?:fiscal|calendar)\s+)?quarter{_E}(?:{YEAR_AFTER}|{NOT_OF_OTHER})"
        ),
        _quarter,
        EN,
    ),
    Rule(
        "en_quarter_short",
        _compile(rf"{_B}(?:(?P<year>{YEAR})\s+)?Q(?P<num>[1-4]){_E}(?:,?\s+(?P<year2>{YEAR}){_E})?"),
        _quarter,
        ALL,
    ),
    Rule(
        "en_relative_quarter",
        _compile(
            r"(?<![\w-])(?:the\s+)?(?:(?P<ago>year[-\s](?:ago|earlier))\s+|(?:comparable|same)\s+)*"
            r"(?:(?P<mod>this|last|next|previous|prior|past|current|coming|latest|most\s+recent|recent)\s+)?"
            rf"(?:(?P<year>{YEAR})\s+)?quarter(?:\s+(?P<ago2>a\s+year\s+(?:ago|earlier)|(?:of\s+)?last\s+year))?(?![\w-])"
        ),
        lambda match, context: _quarter_with_ago(match, context),
        EN,
    ),
    Rule(
        "en_half",
        _compile(rf"{_B}(?:the\s+)?{YEAR_BEFORE}?{HALF_ORD_EN}[\s-]+half{_E}(?:{YEAR_AFTER}|{NOT_OF_OTHER})"),
        _half,
        EN,
    ),
    Rule(
        "en_two_quarters",
        _compile(
            rf"{_B}(?:the\s+)?{YEAR_BEFORE}?(?P<ord>first|last)\s+two\s+quarters{_E}(?:{YEAR_AFTER}|{NOT_OF_OTHER})"
        ),
        lambda match, context: _half_from_quarters(match, context),
        EN,
    ),
    Rule(
        "half_short",
        _compile(rf"{_B}(?:(?P<year>{YEAR})\s+)?H(?P<num>[12]){_E}(?:,?\s+(?P<year2>{YEAR}){_E})?", 0),
        _half,
        ALL,
    ),
    Rule(
        "en_season",
        _compile(
            rf"{_B}(?:(?P<mod>this\s+past|this\s+coming|last|next|this|past|coming)\s+|(?P<det>the)\s+)?"
            rf"{EDGE_ANY}{SEASON_EN}(?:time)?{_E}(?:,?\s+(?:of\s+)?(?P<year>{YEAR}){_E}"
            r"|\s+of\s+(?P<rel>this|last|next)\s+year)?"
        ),
        _season,
        EN,
    ),
    Rule(
        "en_year_season",
        _compile(rf"{_B}(?P<year>{YEAR})(?:['’]s)?\s+{SEASON_EN}{_E}"),
        _season,
        EN,
    ),
    Rule(
        "en_week",
        _compile(
            rf"{_B}{EDGE_ANY}(?:the\s+)?(?P<mod>this\s+past|this\s+coming|this|last|next|previous|following|"
            r"coming|current)\s+week(?![\w-])"
        ),
        _week,
        EN,
    ),
    Rule(
        "en_weekend",
        _compile(
            rf"{_B}(?:(?:over|during|on|at)\s+)?(?:the\s+)?(?:(?P<mod>this\s+past|this\s+coming|this|last|next|"
            r"past|previous|coming|following)\s+)?week[-\s]?end(?![\w-])"
        ),
        _weekend,
        EN,
    ),
    Rule(
        "en_decade",
        _compile(
            rf"{_B}(?:the\s+)?{EDGE_ANY}(?:(?P<full>1\d\d0|20\d0)['’]?s|['’](?P<short>\d0)['’]?s"
            r"|(?<=the\s)(?P<short2>\d0)['’]?s|(?<=the\s)(?:(?:early|late|mid)[\s-]+)?(?P<word>"
            rf"{_alternation(DECADE_WORDS)}))(?![\w-])"
        ),
        lambda match, context: _decade_any(match, context),
        EN,
    ),
    Rule(
        "en_relative_decade",
        _compile(r"(?<![\w-])(?:the\s+)?(?P<mod>this|last|next|previous|coming|current)\s+decade(?![\w-])"),
        _decade,
        EN,
    ),
    Rule(
        "en_century",
        _compile(
            rf"{_B}(?:the\s+)?{EDGE_ANY}(?:(?P<num>\d{{1,2}})(?:st|nd|rd|th)|(?P<word>"
            rf"{_alternation(ORDINAL_WORDS_EN)}))[\s-]+century{_E}"
        ),
        _century,
        EN,
    ),
    Rule(
        "en_relative_century",
        _compile(r"(?<![\w-])(?:the\s+)?(?P<mod>this|last|next|previous|coming|current)\s+century(?![\w-])"),
        _century,
        EN,
    ),
    Rule(
        "en_from_now",
        _compile(
            rf"{_B}(?P<count>{N_EN})\s+(?P<unit>years?|months?|weeks?|days?)\s+from\s+(?:now|today){_E}"
        ),
        _from_now,
        EN,
    ),
    Rule(
        "en_spelled_year",
        _compile(
            r"(?<![\w-])(?:the\s+year\s+)?(?:(?P<century>eighteen|nineteen|twenty)[\s-]+(?P<tail>hundred|"
            rf"{TWO_DIGITS})|two\s+thousand(?:\s+(?:and\s+)?(?P<after>{TWO_DIGITS}))?)(?![\w-])"
        ),
        _spelled_year,
        EN,
    ),
    Rule(
        "en_the_year",
        _compile(
            r"(?<![\w-])(?:(?:earlier|later|early|late)\s+in\s+)?the\s+(?:(?:full|whole|entire|current)\s+)?"
            r"(?:(?:fiscal|calendar)\s+)?year(?![\w-])(?!['’]s|\s+(?:before|after|earlier|later|ago))"
        ),
        _the_year,
        EN,
    ),
    # French: le troisième trimestre 2012, le premier semestre, cet été, l'hiver dernier, la semaine
    # prochaine, ce week-end, les années 1990, le XXe siècle
    Rule(
        "fr_quarter",
        _compile(
            r"(?<![\w])(?:(?:le|au|du)\s+)?(?P<ord>premier|1er|deuxième|deuxieme|2e|second|troisième|troisieme|3e|"
            rf"quatrième|quatrieme|4e|dernier)\s+trimestre{_E}(?:\s+(?:de\s+)?(?P<year2>{YEAR}){_E})?"
        ),
        _quarter,
        FR,
    ),
    Rule(
        "fr_relative_quarter",
        _compile(
            r"(?<![\w])(?:(?:ce|le)\s+)?(?:(?P<mod>ce)\s+)?trimestre(?:\s+(?P<post>dernier|prochain|précédent))?(?![\w])"
        ),
        lambda match, context: _quarter_fr(match, context),
        FR,
    ),
    Rule(
        "fr_half",
        _compile(
            r"(?<![\w])(?:(?:le|au|du)\s+)?(?P<ord>premier|1er|deuxième|deuxieme|2e|second)\s+semestre"
            rf"{_E}(?:\s+(?:de\s+)?(?P<year2>{YEAR}){_E})?"
        ),
        _half,
        FR,
    ),
    Rule(
        "fr_season",
        _compile(
            rf"(?<![\w])(?:(?P<mod>cet|ce|cette)\s+|(?P<det>l['’]|le\s+|au\s+|en\s+))?{SEASON_FR}{_E}"
            rf"(?:\s+(?P<post>dernier|prochain|passé){_E})?(?:\s+(?P<year>{YEAR}){_E})?"
        ),
        _season,
        FR,
    ),
    Rule(
        "fr_week",
        _compile(
            r"(?<![\w])(?:(?P<mod>cette)\s+semaine(?:-ci)?|la\s+semaine\s+(?P<post>dernière|derniere|passée|"
            r"passee|prochaine))(?![\w])"
        ),
        _week,
        FR,
    ),
    Rule(
        "fr_weekend",
        _compile(
            r"(?<![\w])(?:(?P<mod>ce)\s+|le\s+)?week-?end(?:\s+(?P<post>dernier|prochain|passé))?(?![\w])"
        ),
        _weekend,
        FR,
    ),
    Rule(
        "fr_decade",
        _compile(
            rf"{_B}(?:les\s+|des\s+|dans\s+les\s+)?années\s+(?:(?P<full>1\d\d0|20\d0)|(?P<short>\d0)){_E}"
        ),
        _decade,
        FR,
    ),
    Rule(
        "fr_century",
        _compile(
            r"(?<![\w])(?:(?:le|au|du)\s+)?(?:(?P<roman>[IVXL]{1,6})|(?P<num>\d{1,2}))(?:e|ème|eme|er)\s+siècle(?![\w])"
        ),
        _century,
        FR,
    ),
    Rule(
        "fr_relative_century",
        _compile(r"(?<![\w])(?:(?P<mod>ce)\s+siècle|le\s+siècle\s+(?P<post>dernier|prochain))(?![\w])"),
        lambda match, context: _century_fr(match, context),
        FR,
    ),
)


def _quarter_with_ago(match: re.Match[str], context: Context) -> str | None:
    """ "the quarter", "last quarter", "the year-ago quarter", "the same quarter a year ago"."""
    value = _year_part(match, context, 4, "Q")
    if value is None or not match["ago2"] or match["ago"]:
        return value
    year, quarter = value.split("-")
    return f"{int(year) - 1:04d}-{quarter}"


def _half_from_quarters(match: re.Match[str], context: Context) -> str | None:
    """ "the first two quarters of 1990" is the first half, "the last two quarters" the second."""
    year = _explicit_year(match, context)
    if year is None:
        if context.base is None:
            return None
        year = context.base.year
    half = 1 if match["ord"].lower() == "first" else 2
    return f"{year:04d}-H{half}" if MIN_YEAR <= year <= MAX_YEAR else None


def _quarter_fr(match: re.Match[str], context: Context) -> str | None:
    if not (match["mod"] or match["post"]) or context.base is None:
        return None
    current = context.base.year * 4 + (context.base.month - 1) // 3
    index = current + {"last": -1, "next": 1}.get(_direction(match["mod"] or match["post"], context), 0)
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def _century_fr(match: re.Match[str], context: Context) -> str | None:
    if context.base is None:
        return None
    step = {"last": -1, "next": 1}.get(_direction(match["mod"] or match["post"], context), 0)
    return f"{context.base.year // 100 + step:02d}"


def _decade_any(match: re.Match[str], context: Context) -> str | None:
    groups = match.groupdict()
    if groups.get("short2"):
        digit = int(groups["short2"][0])
        decade = _century_of(context.base) * 10 + digit
        if context.base is not None and decade > context.base.year // 10 and not context.future:
            decade -= 10
        return f"{decade:03d}"
    return _decade(match, context)


def timex_value(
    expression: str, published: str | None, language: str | None, *, future: bool = False
) -> str | None:
    """One date expression as a full TimeML TIMEX3 DATE value, or None.

    Calendar expressions get the value :func:`resolve_date` gives them ("YYYY", "YYYY-MM",
    "YYYY-MM-DD"); the others get TimeML's own values: "PRESENT_REF" ("now", "currently"),
    "PAST_REF" ("recently", "in the past"), "FUTURE_REF" ("in the future", "soon"), ISO weeks
    ("last week" → "2013-W11"), weekends ("2013-W11-WE"), seasons ("2012-SU"), quarters
    ("1998-Q3"), halves ("1990-H1"), decades ("199") and centuries ("19"). The longest expression
    found inside ``expression`` wins; on a tie the TimeML reading beats the calendar one ("last
    week" is a week, not the month it lies in). Durations ("the past five years") are not dates and
    give None, as do anaphoric expressions ("the week", "that year"). Event records keep using
    :func:`resolve_date`: these values are not in their export contract.
    """
    if not isinstance(expression, str) or not expression.strip() or len(expression) > 500:
        return None
    languages = _languages(language)
    reference = _ref_value(expression, languages)
    if reference is not None:
        return reference
    base = parse_published(published)
    timex_candidates = [
        (match, rule)
        for rule in TIMEX_RULES
        if rule.languages & languages
        for match in rule.pattern.finditer(expression)
        if match.end() > match.start()
    ]
    special = _longest_value(expression, timex_candidates, base, future)
    calendar = _longest_value(expression, _candidates(expression, languages, known_date=True), base, future)
    if special is not None and (calendar is None or special[0] >= calendar[0]):
        return special[1]
    if calendar is not None:
        return calendar[1]
    return _dateparser_value(expression, base, language, future)
