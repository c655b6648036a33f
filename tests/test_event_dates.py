"""Event dates: temporal expressions resolved against the publication date, and TempEval-3 floors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsgraph.events.dates import DateMention, find_dates, resolve_date, timex_value

PUBLISHED = "2024-03-14T09:30:00+01:00"  # a Thursday


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        ("on Thursday", "en", "2024-03-14"),
        ("Tuesday", "en", "2024-03-12"),
        ("last Thursday", "en", "2024-03-07"),
        ("next Monday", "en", "2024-03-18"),
        ("last year", "en", "2023"),
        ("this year", "en", "2024"),
        ("next month", "en", "2024-04"),
        ("in July", "en", "2023-07"),
        ("the day before", "en", "2024-03-13"),
        ("a day after", "en", "2024-03-15"),
        ("yesterday", "en", "2024-03-13"),
        ("today", "en", "2024-03-14"),
        ("tomorrow", "en", "2024-03-15"),
        ("on January 28, 2024", "en", "2024-01-28"),
        ("28 January 2024", "en", "2024-01-28"),
        ("Jan. 28", "en", "2024-01-28"),
        ("2019", "en", "2019"),
        ("in March 2023", "en", "2023-03"),
        ("mid-2022", "en", "2022"),
        ("last week", "en", "2024-03"),
        ("three years ago", "en", "2021"),
        ("January this year", "en", "2024-01"),
        ("jeudi", "fr", "2024-03-14"),
        ("le 28 janvier 2024", "fr", "2024-01-28"),
        ("l'année dernière", "fr", "2023"),
        ("en juillet", "fr", "2023-07"),
        ("hier", "fr", "2024-03-13"),
        ("aujourd'hui", "fr", "2024-03-14"),
        ("mardi dernier", "fr", "2024-03-12"),
        ("le mois prochain", "fr", "2024-04"),
        ("le 1er mars", "fr", "2024-03-01"),
        ("вчера", "ru", "2024-03-13"),
        ("28 января 2024 года", "ru", "2024-01-28"),
        ("в прошлом году", "ru", "2023"),
        ("два года назад", "ru", "2022"),
    ],
)
def test_resolves_news_expressions(expression: str, language: str, expected: str) -> None:
    assert resolve_date(expression, PUBLISHED, language) == expected


def test_future_tense_turns_weekdays_and_months_forward() -> None:
    assert resolve_date("Tuesday", PUBLISHED, "en", future=True) == "2024-03-19"
    assert resolve_date("July", PUBLISHED, "en", future=True) == "2024-07"


def test_a_day_without_year_is_the_closest_one_when_the_tense_reading_is_far() -> None:
    assert resolve_date("March 20", PUBLISHED, "en") == "2024-03-20"
    assert resolve_date("Jan. 14", "2000-01-06", "en") == "2000-01-14"


def test_precision_is_never_finer_than_the_text() -> None:
    assert resolve_date("early December", PUBLISHED, "en") == "2023-12"
    assert resolve_date("March 2023", PUBLISHED, "en") == "2023-03"
    assert resolve_date("two weeks ago", PUBLISHED, "en") is None  # that week straddles two months


def test_non_calendar_expressions_are_skipped() -> None:
    for expression in ("now", "currently", "the day", "last summer", "for five years"):
        assert resolve_date(expression, PUBLISHED, "en") is None, expression


def test_without_publication_only_absolute_dates_resolve() -> None:
    assert resolve_date("yesterday", None, "en") is None
    assert resolve_date("Jan. 28", None, "en") is None
    assert resolve_date("January 28, 2024", None, "en") == "2024-01-28"
    assert resolve_date("2019", "not a date", "en") == "2019"


def test_find_dates_spans_values_and_tense() -> None:
    text = "The minister said on Thursday that talks will resume in May, after a meeting in May 2010."
    mentions = find_dates(text, PUBLISHED, "en")
    assert [(m.text, m.value) for m in mentions] == [
        ("Thursday", "2024-03-14"),
        ("May", "2024-05"),
        ("May 2010", "2010-05"),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_find_dates_french_sentence() -> None:
    text = "Le ministre a déclaré jeudi que la réunion aura lieu en juillet. Hier, il a plu."
    assert [(m.text, m.value) for m in find_dates(text, PUBLISHED, "fr")] == [
        ("jeudi", "2024-03-14"),
        ("juillet", "2024-07"),
        ("Hier", "2024-03-13"),
    ]


def test_common_words_are_not_months() -> None:
    text = "It may rain, and the march was peaceful. Mars is a planet. 1,500 people and $2019 were counted."
    assert find_dates(text, PUBLISHED, "en") == []
    assert find_dates("La sonde a atteint Mars.", PUBLISHED, "fr") == []


def test_weekday_before_a_date_takes_the_date() -> None:
    assert find_dates("Thursday, January 28, 2021", PUBLISHED, "en") == [
        DateMention("Thursday, January 28, 2021", 0, 26, "2021-01-28")
    ]


@pytest.mark.parametrize("published", [None, "", "garbage", "2024-13-45", "\x00\xff", "9999-99-99T99"])
def test_bad_publication_dates_are_treated_as_absent(published: str | None) -> None:
    assert resolve_date("yesterday", published, "en") is None
    assert [m.value for m in find_dates("on 3 May 2021 and yesterday", published, "en")] == ["2021-05-03"]


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01\xff\ufffd" * 1000, "9" * 10000, "99/99/99 00.00.00 31/31/31"]
)
def test_bad_text_raises_nothing(text: str) -> None:
    assert find_dates(text, PUBLISHED, None) == []
    assert resolve_date(text, PUBLISHED, None) is None


def test_unknown_language_and_wrong_types_raise_nothing() -> None:
    assert resolve_date("2019", PUBLISHED, "xx") == "2019"
    assert find_dates(None, PUBLISHED, "en") == []  # type: ignore[arg-type]
    assert resolve_date(None, PUBLISHED, "en") is None  # type: ignore[arg-type]


def test_one_megabyte_of_text_is_handled_in_linear_time() -> None:
    sparse = ("word " * 200_000)[:1_000_000] + " on Thursday"
    started = time.perf_counter()
    assert [m.value for m in find_dates(sparse, PUBLISHED, "en")] == ["2024-03-14"]
    assert time.perf_counter() - started < 5
    dense = ("Yesterday, on 3 May 2021, the minister said he will meet in July. " * 16_000)[:1_000_000]
    started = time.perf_counter()
    assert len(find_dates(dense, PUBLISHED, "en")) > 40_000
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize(
    ("expression", "language", "expected"),
    [
        # references to the present, the past and the future
        ("now", "en", "PRESENT_REF"),
        ("until now", "en", "PRESENT_REF"),
        ("currently", "en", "PRESENT_REF"),
        ("these days", "en", "PRESENT_REF"),
        ("recently", "en", "PAST_REF"),
        ("in the past", "en", "PAST_REF"),
        ("formerly", "en", "PAST_REF"),
        ("in recent years", "en", "PAST_REF"),
        ("several years ago", "en", "PAST_REF"),
        ("in the future", "en", "FUTURE_REF"),
        ("soon", "en", "FUTURE_REF"),
        ("the coming months", "en", "FUTURE_REF"),
        ("actuellement", "fr", "PRESENT_REF"),
        ("récemment", "fr", "PAST_REF"),
        ("à l'avenir", "fr", "FUTURE_REF"),
        # ISO weeks and weekends (2024-03-14 is in 2024-W11)
        ("this week", "en", "2024-W11"),
        ("last week", "en", "2024-W10"),
        ("next week", "en", "2024-W12"),
        ("late last week", "en", "2024-W10"),
        ("la semaine prochaine", "fr", "2024-W12"),
        ("this weekend", "en", "2024-W11-WE"),
        ("over the weekend", "en", "2024-W10-WE"),
        ("last weekend", "en", "2024-W10-WE"),
        ("ce week-end", "fr", "2024-W11-WE"),
        # seasons
        ("this summer", "en", "2024-SU"),
        ("last winter", "en", "2023-WI"),
        ("last fall", "en", "2023-FA"),
        ("the autumn of 2019", "en", "2019-FA"),
        ("next spring", "en", "2025-SP"),
        ("l'été dernier", "fr", "2023-SU"),
        ("au printemps 2021", "fr", "2021-SP"),
        # quarters and halves
        ("the third quarter", "en", "2024-Q3"),
        ("third-quarter", "en", "2024-Q3"),
        ("the second quarter of 2022", "en", "2022-Q2"),
        ("last year's fourth quarter", "en", "2023-Q4"),
        ("Q3 2021", "en", "2021-Q3"),
        ("last quarter", "en", "2023-Q4"),
        ("this quarter", "en", "2024-Q1"),
        ("the year-ago quarter", "en", "2022-Q4"),  # a year before the last one reported
        ("le troisième trimestre 2020", "fr", "2020-Q3"),
        ("the first half", "en", "2024-H1"),
        ("the second half of 2019", "en", "2019-H2"),
        ("the last half of next year", "en", "2025-H2"),
        ("le premier semestre", "fr", "2024-H1"),
        # decades and centuries
        ("the 1990s", "en", "199"),
        ("the mid-1970s", "en", "197"),
        ("the '80s", "en", "198"),
        ("the nineties", "en", "199"),
        ("the last decade", "en", "201"),
        ("les années 1960", "fr", "196"),
        ("the 20th century", "en", "19"),
        ("the nineteenth century", "en", "18"),
        ("this century", "en", "20"),
        ("le XIXe siècle", "fr", "18"),
        # calendar values, as resolve_date gives them, plus a few TimeBank conventions
        ("on Thursday", "en", "2024-03-14"),
        ("today", "en", "2024-03-14"),
        ("March 2023", "en", "2023-03"),
        ("last year", "en", "2023"),
        ("the year", "en", "2024"),
        ("the current fiscal year", "en", "2024"),
        ("nineteen ninety-six", "en", "1996"),
        ("the year two thousand", "en", "2000"),
        ("three years from now", "en", "2027"),
    ],
)
def test_timex_value_writes_timeml_date_values(expression: str, language: str, expected: str) -> None:
    assert timex_value(expression, PUBLISHED, language) == expected


def test_timex_value_tense_and_boundaries() -> None:
    assert timex_value("the weekend", PUBLISHED, "en", future=True) == "2024-W11-WE"
    assert timex_value("the weekend", "2024-03-16", "en") == "2024-W11-WE"  # published on a Saturday
    assert timex_value("this winter", "2024-01-20", "en") == "2023-WI"  # January: the winter under way
    assert timex_value("this spring", "2024-01-20", "en") == "2024-SP"
    assert timex_value("last week", "2021-01-06", "en") == "2020-W53"  # ISO years
    assert timex_value("the 20s", "2024-03-14", "en") == "202"  # the current decade, not a future one
    assert timex_value("the 30s", "2024-03-14", "en") == "193"


def test_timex_value_skips_durations_anaphora_and_other_words() -> None:
    for expression in ("the past five years", "for three weeks", "the week", "that year", "the fall of Rome"):
        assert timex_value(expression, PUBLISHED, "en") is None, expression
    assert timex_value("the first half of March", PUBLISHED, "en") == "2024-03"  # not a half year
    assert timex_value("last week", None, "en") is None
    assert timex_value("the 1990s", None, "en") == "199"
    assert timex_value(None, PUBLISHED, "en") is None  # type: ignore[arg-type]
    assert timex_value("", PUBLISHED, "en") is None


def test_calendar_functions_keep_to_calendar_values() -> None:
    for expression in ("now", "this summer", "the third quarter", "the 20th century", "recently"):
        assert resolve_date(expression, PUBLISHED, "en") is None, expression
    assert resolve_date("last week", PUBLISHED, "en") == "2024-03"
    assert resolve_date("the 1990s", PUBLISHED, "en") is None  # a decade, not the year 1990
    assert resolve_date("in 1990", PUBLISHED, "en") == "1990"
    text = "Sales rose in the third quarter, and the firm now expects a better summer than in the 1990s."
    assert find_dates(text, PUBLISHED, "en") == []


@pytest.mark.evaluation
@pytest.mark.slow
def test_tempeval3_value_accuracy_holds_its_floor(benchmarks_dir: Path) -> None:
    from newsgraph.evaluation.timex import evaluate_tempeval

    reports = {r.benchmark: r for r in evaluate_tempeval(benchmarks_dir)}
    floors = {"tempeval3_platinum": (0.70, 0.98), "tempeval3_aquaint": (0.74, 0.88)}
    for name, (accuracy, calendar) in floors.items():
        ours = next(row for row in reports[name].ours if row.system == "newsgraph")
        assert ours.scores["accuracy"] >= accuracy, (name, ours.scores)
        assert ours.scores["accuracy_calendar"] >= calendar, (name, ours.scores)


def test_missing_benchmark_folder_raises_a_typed_error(tmp_path: Path) -> None:
    from newsgraph.errors import BenchmarkMissing
    from newsgraph.evaluation.timex import evaluate_tempeval

    with pytest.raises(BenchmarkMissing):
        evaluate_tempeval(tmp_path)
