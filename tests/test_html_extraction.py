"""HTML pages: trafilatura's body plus newsgraph's cleaning, metadata and date rules."""

from __future__ import annotations

import hashlib

from newsgraph.article import ArticleContext, build_article
from newsgraph.extract.html import extract_html, publication_date
from newsgraph.meta.outlets import load_outlets
from newsgraph.options import IngestOptions
from newsgraph.records import RawDocument

PARAGRAPHS = [
    "Russia and Mali signed an agreement on Tuesday to build a gold refinery near Bamako, the two governments said.",
    "The deal, reached during a visit by a Russian delegation, foresees a plant able to process two hundred tonnes of ore a year.",
    "“This is a step towards our economic sovereignty,” Mali's minister of mines told reporters after the ceremony in the capital.",
    "Critics in the opposition said the terms of the contract had not been published and called for a parliamentary review.",
]


def page(head: str = "", body_extra: str = "", title: str = "Russia and Mali sign gold refinery deal") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}{body_extra}</article>"
        "<footer>© 2025 Sahel Dispatch. All rights reserved.</footer></body></html>"
    )


def build(html: str, url: str | None = None):  # type: ignore[no-untyped-def]
    raw = RawDocument(
        source="page.html", container="file", content_type="html", content=html,
        raw_hash=hashlib.sha256(html.encode()).hexdigest(), url=url,
    )  # fmt: skip
    return build_article(raw, ArticleContext(options=IngestOptions(), outlets=load_outlets()))


def test_body_title_outlet_date_and_url_from_metadata() -> None:
    head = (
        "<meta property='og:site_name' content='Sahel Dispatch'>"
        "<meta property='article:published_time' content='2025-03-11T09:30:00+00:00'>"
        "<link rel='canonical' href='https://sahel-dispatch.example/2025/03/refinery?utm_source=rss'>"
    )
    article = build(page(head))
    assert article.title == "Russia and Mali sign gold refinery deal"
    assert article.text.split("\n\n")[0] == PARAGRAPHS[0]  # the headline is not repeated in the body
    assert article.published == "2025-03-11"
    assert article.outlet == "Sahel Dispatch"
    assert article.url == "https://sahel-dispatch.example/2025/03/refinery"
    assert article.language == "en"
    assert "Home" not in article.text and "All rights reserved" not in article.text
    assert article.provenance["published"].startswith("html: date metadata")


def test_known_host_beats_site_name() -> None:
    article = build(
        page("<meta property='og:site_name' content='Whatever'>"), url="https://www.tass.com/world/1"
    )
    assert article.outlet == "TASS"


def test_captions_related_boxes_and_widgets_are_dropped() -> None:
    extra = (
        "<p>FILE PHOTO: Miners at a site near Kéniéba, Mali, on March 3, 2024.</p>"
        "<p>Read more</p><p>Junta extends transition by five years</p>"
        "<p>Thanks for signing up!</p><p>Also on sahel-dispatch.example Niger reopens its border</p>"
        "<p>The refinery is expected to open in 2027, according to the agreement's timetable seen by reporters.</p>"
    )
    text = build(page(body_extra=extra)).text
    for gone in ("FILE PHOTO", "Read more", "Junta extends", "Thanks for signing up", "Also on"):
        assert gone not in text
    assert text.endswith("according to the agreement's timetable seen by reporters.")


def test_no_date_rather_than_a_copyright_year() -> None:
    assert build(page()).published is None


def test_free_text_dates_must_be_unambiguous() -> None:
    one = page(body_extra="<p>Published on 12 March 2025.</p>")
    assert publication_date(one, None)[0] == "2025-03-12"
    two = page(body_extra="<p>Published on 12 March 2025.</p><p>Updated on 20 April 2025.</p>")
    assert publication_date(two, None) == (None, None)


def test_page_without_body_is_an_extraction_error() -> None:
    import pytest

    from newsgraph.errors import ExtractionError

    with pytest.raises(ExtractionError):
        extract_html("<html><head><title>x</title></head></html>")


def test_text_fallback_when_trafilatura_finds_nothing() -> None:
    # a page made only of <br>-separated text in a table cell: trafilatura keeps little of it
    lines = "<br>".join(PARAGRAPHS)
    html = f"<html><body><table><tr><td>{lines}</td></tr></table></body></html>"
    article = build(html)
    assert PARAGRAPHS[1] in article.text
