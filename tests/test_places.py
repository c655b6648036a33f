"""Places: the gazetteer, resolution by country context, focus countries, and the geoparsing floors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import shared_path
from newsgraph.errors import BenchmarkMissing
from newsgraph.evaluation.geo import _realign, evaluate_geoparsing
from newsgraph.places import PlaceMention, focus_countries, load_gazetteer, resolve_places


def resolve(text: str, *names: str) -> dict[str, PlaceMention]:
    """Resolve the first occurrence of each name in ``text``; mentions by name."""
    spans = [(text.index(n), text.index(n) + len(n)) for n in names]
    return {m.text: m for m in resolve_places(text, spans, "en")}


def test_sahel_towns_resolve_to_mali() -> None:
    found = resolve("Fighting near Kidal and Gao in northern Mali, Bamako said.", "Kidal", "Gao", "Bamako")
    assert {n: m.place.country for n, m in found.items()} == {"Kidal": "MLI", "Gao": "MLI", "Bamako": "MLI"}
    assert found["Gao"].place.kind == "city" and found["Gao"].place.lat is not None


def test_gao_follows_burkina_context() -> None:
    found = resolve("Gao lies in Burkina Faso, south of Ouagadougou.", "Gao", "Ouagadougou")
    assert found["Gao"].place.country == "BFA"


def test_niger_is_the_country() -> None:
    found = resolve("The junta in Niger closed its border; Niamey said.", "Niger", "Niamey")
    assert found["Niger"].place.kind == "country" and found["Niger"].place.country == "NER"
    assert found["Niamey"].place.country == "NER"


def test_georgia_by_context() -> None:
    us = resolve("Georgia lawmakers met in Atlanta on Tuesday.", "Georgia", "Atlanta")
    caucasus = resolve("Georgia accused Russia of troop moves near Tbilisi.", "Georgia", "Tbilisi")
    assert us["Georgia"].place.country == "USA" and us["Georgia"].place.kind == "admin1"
    assert caucasus["Georgia"].place.country == "GEO"


def test_paris_is_in_france_unless_us_context() -> None:
    assert resolve("Talks opened in Paris.", "Paris")["Paris"].place.country == "FRA"
    texas = resolve("Police in Paris, Texas, arrested a man.", "Paris")
    assert texas["Paris"].place.country == "USA"


def test_french_names() -> None:
    text = "La Russie soutient la junte. Tombouctou et Moscou; la Côte d'Ivoire et le Burkina Faso."
    found = resolve(text, "Russie", "Tombouctou", "Moscou", "Côte d'Ivoire", "Burkina Faso")
    assert found["Russie"].place.country == "RUS" and found["Russie"].place.kind == "country"
    assert found["Tombouctou"].place.name == "Timbuktu"
    assert found["Moscou"].place.name == "Moscow" and found["Moscou"].place.country == "RUS"
    assert found["Côte d'Ivoire"].place.country == "CIV"
    assert found["Burkina Faso"].place.country == "BFA"


def test_possessive_and_article_are_dropped() -> None:
    found = resolve("Mali's junta and the Sahel.", "Mali's", "the Sahel")
    assert found["Mali's"].place.country == "MLI"
    assert found["the Sahel"].place.kind == "region"


def test_focus_countries_rank_by_mentions() -> None:
    text = "Mali's army retook Kidal and Gao; Niger and Russia watched. In Bamako, Mali celebrated."
    mentions = resolve_places(
        text, [(text.index(n), text.index(n) + len(n)) for n in ("Mali", "Kidal", "Gao", "Niger", "Russia", "Bamako")]
        + [(text.rindex("Mali"), text.rindex("Mali") + 4)], "en"
    )  # fmt: skip
    assert focus_countries(mentions) == ["MLI"]
    assert focus_countries(mentions[:1], extra_countries=["RUS"]) == ["MLI", "RUS"]
    assert focus_countries([]) == []


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", [(0, 3)]),
        ("Mali", None),
        ("Mali", []),
        ("Mali", [(-1, 2), (3, 99), (2, 2)]),
        ("\x00\ufffd%%%", [(0, 4)]),
        ("Mali", [("a", "b"), (0,)]),
    ],
)
def test_bad_input_gives_nothing(text: str, spans: object) -> None:
    assert resolve_places(text, spans, None) == []  # type: ignore[arg-type]


def test_gazetteer_loads_fast_and_is_cached() -> None:
    load_gazetteer.cache_clear()
    started = time.process_time()
    gazetteer = load_gazetteer()
    assert time.process_time() - started < 5.0  # about 1.5 s of CPU on an idle machine
    assert load_gazetteer() is gazetteer


def test_cached_gazetteer_loads_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_CACHE_DIR", str(tmp_path))
    load_gazetteer.cache_clear()
    built = load_gazetteer()
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 1
    load_gazetteer.cache_clear()
    started = time.perf_counter()
    cached = load_gazetteer()
    assert time.perf_counter() - started < 2.0
    assert cached is not built and len(cached) == len(built)
    assert [c.place for c in cached.candidates("Bamako")] == [c.place for c in built.candidates("Bamako")]
    assert cached.nearest_country(12.6, -8.0) == "MLI"
    load_gazetteer.cache_clear()


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_CACHE_DIR", "")
    load_gazetteer.cache_clear()
    assert load_gazetteer().candidates("Mali")
    load_gazetteer.cache_clear()


def test_subdivision_gives_the_country_without_a_point() -> None:
    found = resolve("Floods hit Kerala and Tamil Nadu this week.", "Kerala", "Tamil Nadu")
    assert {m.place.country for m in found.values()} == {"IND"}
    assert found["Tamil Nadu"].place.kind == "admin1" and found["Tamil Nadu"].place.lat is None


def test_continent_adjectives_and_bodies_are_regions() -> None:
    found = resolve(
        "European ministers met EU envoys; African states stayed away.", "European", "EU", "African"
    )
    assert found["European"].place.name == "Europe" and found["African"].place.name == "Africa"
    assert found["EU"].place.name == "European Union" and found["EU"].place.country is None


def test_region_adjective_is_not_country_evidence() -> None:
    found = resolve("The English teacher moved to Paris.", "Paris")
    assert found["Paris"].place.country == "FRA"


def test_us_county_gets_its_state_point() -> None:
    found = resolve("Deputies in Laurel County, Kentucky, made an arrest.", "Laurel County")
    place = found["Laurel County"].place
    assert place.kind == "admin2" and place.country == "USA" and place.lat is not None
    assert 36 < place.lat < 39.5 and -90 < (place.lon or 0) < -82


def test_gold_spans_are_realigned_to_their_phrase() -> None:
    text = "Flights from Winnipeg to Ottawa."
    assert _realign(text, 11, 19, "Winnipeg") == (13, 21)
    assert _realign(text, 13, 21, "Winnipeg") == (13, 21)
    assert _realign(text, 0, 4, "Calgary") == (0, 4)


def test_missing_benchmarks_raise(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkMissing):
        evaluate_geoparsing(tmp_path / "nowhere")


@pytest.mark.evaluation
@pytest.mark.slow
def test_geoparsing_holds_its_floors() -> None:
    reports = {r.benchmark: r for r in evaluate_geoparsing(shared_path("benchmarks"))}
    floors = {"lgl": (0.84, 0.58), "geowebnews": (0.74, 0.60), "trnews": (0.78, 0.60)}
    assert set(reports) == set(floors)
    for name, (country, acc161) in floors.items():
        ours = next(s for s in reports[name].ours if s.system == "newsgraph")
        assert ours.n > 1000
        assert ours.scores["country"] >= country, (name, ours.scores)
        assert ours.scores["acc161"] >= acc161, (name, ours.scores)
