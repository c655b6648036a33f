"""Plain-text dumps: header lines, datelines, credits, titles and the body's boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph import IngestOptions, ingest
from newsgraph.extract.text import parse_text_dump, read_header, split_dateline, unwrap_hard_breaks
from newsgraph.store import Store

BODY = (
    "The foreign ministers of Mali, Niger and Burkina Faso met their Russian counterpart in Moscow on "
    "Thursday to discuss security cooperation across the Sahel.\n\n"
    "The talks covered training for the armed forces, deliveries of equipment and a joint force that "
    "the three countries announced last year.\n\n"
    "“We share a common vision of the threats facing our region,” the Malian minister told reporters "
    "after the meeting, adding that further talks were planned."
)


def test_inline_date_header_then_body_on_the_same_line() -> None:
    header, rest = read_header(" date 2025-04-03 MOSCOW, April 3. /TASS/. Russia has become the first.")
    assert header.fields["published"] == "2025-04-03"
    assert rest.startswith("MOSCOW, April 3.")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 3 April 2025", "2025-04-03"),
        ("Publié le 3 avril 2025 à 10h30", "2025-04-03"),
        ("Date: 2025-04-03T10:00:00+02:00", "2025-04-03"),
        ("Опубликовано: 3 апреля 2025", "2025-04-03"),
        ("Posted on April 3, 2025", "2025-04-03"),
    ],
)
def test_date_header_lines(line: str, expected: str) -> None:
    header, rest = read_header(f"{line}\n{BODY}")
    assert header.fields.get("published") == expected
    assert rest.startswith("The foreign ministers")


def test_updated_is_not_the_publication_date_and_url_title_byline_are_read() -> None:
    text = f"https://example.org/news/1?utm_source=x\nTitle: Ministers meet in Moscow\nBy Jane Doe and Ali Traoré\nUpdated: 5 April 2025\n{BODY}"
    header, rest = read_header(text)
    assert "published" not in header.fields
    assert header.fields["url"].startswith("https://example.org/news/1")
    assert header.fields["title"] == "Ministers meet in Moscow"
    assert header.authors == ["Jane Doe", "Ali Traoré"]
    assert rest.startswith("The foreign ministers")


def test_a_date_inside_the_page_is_not_a_header() -> None:
    parts = parse_text_dump(f"{BODY}\n\nPublished: 1 January 2020")
    assert "published" not in parts.header.fields


@pytest.mark.parametrize(
    ("paragraph", "place", "agency", "rest"),
    [
        (
            "MOSCOW, April 3. /TASS/. Russia has become the first country.",
            "Moscow",
            "TASS",
            "Russia has",
        ),
        (
            "BAMAKO (Reuters) - Mali's junta said on Monday it would hold talks.",
            "Bamako",
            "Reuters",
            "Mali's junta",
        ),
        (
            "NIAMEY, 12 mars (AFP) - Le gouvernement nigérien a annoncé lundi.",
            "Niamey",
            "AFP",
            "Le gouvernement",
        ),
        (
            "OUAGADOUGOU — Burkina Faso's army said it had repelled an attack.",
            "Ouagadougou",
            None,
            "Burkina Faso's",
        ),
        (
            "MOSCOW: Russia and a group of west African countries hailed ties.",
            "Moscow",
            None,
            "Russia and",
        ),
    ],
)
def test_datelines(paragraph: str, place: str, agency: str | None, rest: str) -> None:
    dateline, body = split_dateline(paragraph)
    assert dateline is not None
    assert (dateline.place, dateline.agency) == (place, agency)
    assert body.startswith(rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "NATO said on Monday that it would hold talks with partners.",
        "Russia has become the first country.",
    ],
)
def test_sentences_are_not_datelines(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_headline_above_the_body_is_the_title_and_credits_are_collected() -> None:
    text = (
        "Home\nWorld\nMinisters meet in Moscow on Sahel security\n\nRead Full Article at example-news.com\n\n"
        + BODY
    )
    parts = parse_text_dump(text)
    assert parts.title == "Ministers meet in Moscow on Sahel security"
    assert parts.credits[0].name == "example-news.com"
    assert parts.text.startswith("The foreign ministers") and "Read Full Article" not in parts.text


def test_no_title_is_invented_when_the_text_starts_with_prose() -> None:
    assert parse_text_dump(BODY).title is None


def test_related_box_caption_and_other_script_lines_are_dropped_but_body_continues() -> None:
    text = (
        BODY
        + "\n\nRead more\nFILE PHOTO: Soldiers in Bamako on March 3, 2024.\nJunta extends transition by five years\n\n"
        + "The ministers also agreed to meet again in Bamako before the end of the year, officials said."
        + "\n\nМосква\nНовости сегодня\nСобянин рассказал о строительстве нового электродепо в Москве"
    )
    parts = parse_text_dump(text)
    for gone in ("Read more", "FILE PHOTO", "Junta extends transition", "Москва"):
        assert gone not in parts.text
    assert parts.text.endswith("before the end of the year, officials said.")


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The foreign ministers of Mali, Niger and Burkina Faso met their Russian\n"
        "counterpart in Moscow on Thursday to discuss security cooperation across\n"
        "the Sahel region and beyond, officials in the three capitals said later.\n\n"
        "The talks covered training for the armed forces, deliveries of military\n"
        "equipment and a joint force that the three countries announced last year\n"
        "after leaving the regional bloc, according to a statement from Moscow.\n\n"
        "Further talks are planned before the end of the year in Bamako, where the\n"
        "alliance has its seat, and ministers said they expected concrete results.\n"
    )
    joined = unwrap_hard_breaks(wrapped)
    assert joined.count("\n\n") == 2 and "Russian counterpart" in joined


def test_lines_repeated_across_a_sources_documents_are_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "aggregator"
    folder.mkdir()
    stories = [
        "Niger's government announced new measures against armed groups operating near the border with Mali.",
        "Burkina Faso's army said it had completed a training programme with foreign instructors this week.",
        "Mali's transitional authorities reopened a road linking the capital with the northern regions.",
    ]
    for i, story in enumerate(stories):
        furniture = "Top stories from the Sahel today\nOur partners and friends around the world"
        (folder / f"doc{i}.txt").write_text(
            f"{furniture}\n\n{story} {BODY}\n\n{furniture}\n", encoding="utf-8"
        )
    with Store(tmp_path / "db.sqlite") as store:
        summary = ingest([str(folder)], store, IngestOptions())
        texts = [a["text"] for a in store.iter_articles()]
    assert summary.new == 3
    for text in texts:
        assert "Top stories from the Sahel today" not in text
        assert "Our partners and friends" not in text
        assert "We share a common vision" in text  # shared prose is news, not furniture
