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

__all__ = ["DateMention", "find_dates", "future_context", "parse_published", "resolve_date"]


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

NUMBERS_EN = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
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


def _ago(match: re.Match[str], context: Context) -> str | None:
    """So many units before publication ("three years ago", "il y a deux jours", "два года назад"),
    at the precision of the unit."""
    if context.base is None:
        return None
    unit = UNIT_WORDS.get(match["unit"].lower())
    count = _count(match["count"])
    if unit is None or count is None or count > 5000:
        return None
    if unit == "week":
        return _shifted_unit(context.base, "week", -count)
    return _shifted_unit(context.base, unit, -count)


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
            rf"{_B}(?:{EDGE_EN}|{EDGE_FR})?{NOT_NUMBER_BEFORE}(?P<year>{YEAR}){NOT_NUMBER_AFTER}"
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
    context = Context(base, future)
    best: tuple[int, str] | None = None
    for match, rule in _candidates(expression, _languages(language), known_date=True):
        value = rule.resolve(match, context)
        if value is not None and (best is None or match.end() - match.start() > best[0]):
            best = (match.end() - match.start(), value)
    if best is not None:
        return best[1]
    return _dateparser_value(expression, base, language, future)


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
