"""The five seed articles in ../shared/corpora/seeds, ingested end to end into a real SQLite file.

What a careful reader expects of each seed is written here as gold; the code has no rule that
names a seed or matches one of its sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsgraph import ingest
from newsgraph.store import Store

MOJIBAKE = re.compile(r"[\u4e00-\u9fff\ufffd]|â€|Ã.")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    from conftest import shared_path

    folder = shared_path("corpora", "seeds")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Store(db) as store:
        summary = ingest([str(folder)], store)
        assert (summary.new, summary.failed) == (5, 0), summary
        return {Path(a["source"]).name[:3]: a for a in store.iter_articles()}


def test_five_articles_without_mojibake(seeds: dict[str, dict[str, object]]) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    for article in seeds.values():
        assert not MOJIBAKE.search(str(article["text"])), article["source"]
        assert article["language"] == "en"


def test_gbk_mojibake_is_recovered_with_the_right_punctuation(
    seeds: dict[str, dict[str, object]],
) -> None:
    text = str(seeds["002"]["text"])
    assert "condemning Ukraine as a “terrorist” state." in text
    assert "“strengthen the three countries’ combat capability” and train" in text
    assert "“We consider Ukraine as simply a terrorist state,” the minister said" in text
    assert "Ukraine’s foreign ministry" in text and "Mali’s affairs as “baseless,”" in text


def test_aggregator_furniture_and_cyrillic_lines_are_gone(
    seeds: dict[str, dict[str, object]],
) -> None:
    rt = seeds["003"]
    text = str(rt["text"])
    assert not CYRILLIC.search(text)
    for furniture in ("Read Full Article", "Read more", "FILE PHOTO", "Preview", "Destiny 2", "Carroll officials",
                      "African leader holds defense talks with Putin despite US concerns", "News in English"):  # fmt: skip
        assert furniture not in text, furniture
    assert text.startswith("Mali and Russia have discussed measures to improve regional stability")
    assert text.rstrip().endswith("which should not offend the West.")
    assert "Last week, the US expressed concern" in text  # the body continues after the related box


def test_titles(seeds: dict[str, dict[str, object]]) -> None:
    assert seeds["003"]["title"] == "Another African leader talks Sahel security with Putin"
    assert str(seeds["004"]["title"]).startswith("“We have a partnership based on mutual respect")
    assert not str(seeds["004"]["text"]).startswith("“We have a partnership")  # the title is not body
    for key in ("000", "001", "002"):  # these texts carry no headline: null rather than invented
        assert seeds[key]["title"] is None


def test_outlets_named_by_the_text(seeds: dict[str, dict[str, object]]) -> None:
    assert seeds["000"]["outlet"] == "TASS"  # dateline /TASS/
    assert seeds["002"]["outlet"] == "Arab News"  # URL line arab.news
    assert seeds["003"]["outlet"] == "RT"  # credit "Read Full Article at RT.com", not the aggregator
    assert seeds["003"]["via"] == "103news.com"
    assert seeds["001"]["outlet"] is None and seeds["004"]["outlet"] is None


def test_dates_only_where_the_text_gives_them(seeds: dict[str, dict[str, object]]) -> None:
    assert seeds["000"]["published"] == "2025-04-03"
    assert seeds["001"]["published"] == "2025-04-04"
    for key in (
        "002",
        "003",
        "004",
    ):  # "on Thursday" or aggregator furniture is not a publication date
        assert seeds[key]["published"] is None


def test_header_and_dateline_are_out_of_the_body(seeds: dict[str, dict[str, object]]) -> None:
    assert str(seeds["000"]["text"]).startswith("Russia has become the first country")
    assert seeds["000"]["dateline"] == "MOSCOW, April 3. /TASS/."
    assert not str(seeds["001"]["text"]).lstrip().startswith("date")
    assert str(seeds["002"]["text"]).startswith("Russia and a group of west African countries")
    assert "https://arab.news" not in str(seeds["002"]["text"])
    assert seeds["002"]["url"] == "https://arab.news/wdf98"


def test_highlights_repeating_the_body_are_dropped_but_paragraphs_kept(
    seeds: dict[str, dict[str, object]],
) -> None:
    text = str(seeds["002"]["text"])
    assert text.count("Moscow has tried to build new partnerships in Africa") == 1
    assert not text.startswith("-")
    assert len(text.split("\n\n")) == 12  # one paragraph per line of the source
    subheads = str(seeds["001"]["text"]).split("\n\n")
    assert "‘We have common views’" in subheads and "Russian security contractors" in subheads


def test_reingesting_the_seeds_changes_nothing(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "again.db"
    with Store(db) as store:
        first = ingest([str(seeds_dir)], store)
        dump = [
            tuple(row) for row in store.db.execute("select id, text, title, outlet, published from articles")
        ]
        second = ingest([str(seeds_dir)], store)
        again = [
            tuple(row) for row in store.db.execute("select id, text, title, outlet, published from articles")
        ]
    assert first.new == 5 and second.new == 0 and second.duplicate == 5 and second.unchanged == 5
    assert dump == again
