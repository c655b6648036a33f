"""Outlets, dates, URLs and language: the metadata lookups."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgraph.errors import ConfigError
from newsgraph.meta.dates import normalise_date
from newsgraph.meta.language import detect_language, dominant_script
from newsgraph.meta.outlets import load_outlets, normalise_host
from newsgraph.meta.urls import canonical_url


def test_shipped_outlets_resolve_by_host_name_alias_and_credit() -> None:
    outlets = load_outlets()
    assert outlets.by_host("https://www.tass.com/politics/123").name == "TASS"  # type: ignore[union-attr]
    assert outlets.by_host("francais.rt.com").name == "RT"  # type: ignore[union-attr]
    assert outlets.resolve("RT.com").name == "RT"  # type: ignore[union-attr]
    assert outlets.resolve("Agence France-Presse").name == "AFP"  # type: ignore[union-attr]
    assert outlets.resolve("ТАСС").name == "TASS"  # type: ignore[union-attr]
    assert outlets.resolve("the guardian").name == "The Guardian"  # type: ignore[union-attr]
    assert outlets.resolve("Unknown Gazette") is None
    assert outlets.by_host("103news.com").is_aggregator  # type: ignore[union-attr]


def test_user_tables_extend_and_override(tmp_path: Path) -> None:
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(
        "outlets:\n  - {name: TASS, hosts: [tass.example], country: RUS, ownership: state}\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "name,aliases,hosts,country,ownership,kind,languages\n"
        "Sahel Dispatch,SD|Dispatch,sahel-dispatch.example,MLI,private,online,fr;en\n",
        encoding="utf-8",
    )
    outlets = load_outlets([yaml_file, csv_file])
    assert outlets.by_host("tass.example").name == "TASS"  # type: ignore[union-attr]
    dispatch = outlets.resolve("Dispatch")
    assert dispatch is not None and dispatch.languages == ("fr", "en") and dispatch.country == "MLI"


@pytest.mark.parametrize("content", ["outlets: 3", "- {hosts: [x.example]}", "outlets: [unterminated"])
def test_bad_user_tables_are_config_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_outlets([path])


def test_normalise_host() -> None:
    assert normalise_host("https://WWW.Example.COM:8080/path") == "example.com"
    assert normalise_host("m.bbc.co.uk") == "bbc.co.uk"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-03", "2025-04-03"),
        ("2025-04-03T23:30:00-05:00", "2025-04-03"),
        ("Thu, 03 Apr 2025 10:00:00 GMT", "2025-04-03"),
        ("3 avril 2025", "2025-04-03"),
        ("2025-04", "2025-04"),
        ("2025", "2025"),
        (1743674400, "2025-04-03"),
        (1743674400000, "2025-04-03"),
        ("2099-01-01", None),
        ("1850-01-01", None),
        ("2025-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none()))
def test_normalise_date_never_raises_and_returns_iso(value: object) -> None:
    result = normalise_date(value)
    assert result is None or len(result) in (4, 7, 10)


def test_canonical_url() -> None:
    assert (
        canonical_url("HTTPS://Example.org:443/a//b?utm_source=x&id=3&fbclid=y#frag")
        == "https://example.org/a/b?id=3"
    )
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("not a url") is None
    assert canonical_url("http://[::1") is None


def test_language_and_script() -> None:
    assert (
        detect_language("Le ministre malien des Affaires étrangères a rencontré son homologue russe.") == "fr"
    )
    assert detect_language("Министр иностранных дел России встретился с коллегами из стран Сахеля.") == "ru"
    assert detect_language("ok") is None
    assert dominant_script("Читайте на 123ru.net") == "Cyrillic"
    assert dominant_script("12345 !!!") is None
