"""``evaluate geoparsing``: toponym resolution on LGL, GeoWebNews and TR-News.

Scored as Mordecai 3 scores it: the gold toponym spans are given, each is resolved with the
whole article as context, and two figures are reported over every gold toponym that has
coordinates: the share whose resolved country is the gold country, and the share resolved within
161 km (100 miles) of the gold point. A toponym we cannot resolve counts as wrong for both;
``resolved`` is the share we resolved at all. The same run scores a naive reference: the most
populous gazetteer place of that name, without context.

Gold countries: LGL and TR-News name the country of each gold place; GeoWebNews gives only
coordinates, so its gold country is that of the nearest gazetteer city (within 300 km).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from ..errors import BenchmarkMissing
from ..places.gazetteer import Gazetteer, haversine_km, load_gazetteer
from ..places.resolve import resolve_places
from .extraction import BenchmarkReport, SystemScore
from .peers import published_peers

FOLDER = "geoparsing_gritta"
CORPORA = {"lgl": "lgl.xml", "geowebnews": "GWN.xml", "trnews": "TR-News.xml"}
TITLES = {"lgl": "LGL (local US news)", "geowebnews": "GeoWebNews", "trnews": "TR-News"}
METRIC = "country accuracy / acc@161km"
WITHIN_KM = 161.0


@dataclass(slots=True, frozen=True)
class GoldToponym:
    start: int
    end: int
    lat: float
    lon: float
    country: str | None
    """ISO3 of the gold place, where it could be told."""


@dataclass(slots=True, frozen=True)
class GoldArticle:
    text: str
    toponyms: tuple[GoldToponym, ...]


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _country_code(name: str | None, gazetteer: Gazetteer) -> str | None:
    for candidate in gazetteer.candidates(name or "") if name else ():
        if candidate.place.kind == "country":
            return candidate.place.country
    return None


REALIGN_WITHIN = 20
"""TR-News offsets drift by a few characters in some articles (``start`` points into the middle of
the phrase); a span whose text is not the gold ``<phrase>`` is moved to the nearest occurrence of
the phrase within this many characters. LGL's offsets all match."""


def _realign(text: str, start: int, end: int, phrase: str | None) -> tuple[int, int]:
    if not phrase or text[start:end] == phrase:
        return start, end
    low = max(0, start - REALIGN_WITHIN)
    window = text[low : end + REALIGN_WITHIN + len(phrase)]
    hits = [low + i for i in range(len(window)) if window.startswith(phrase, i)]
    if not hits:
        return start, end
    best = min(hits, key=lambda hit: abs(hit - start))
    return best, best + len(phrase)


def _gaztag_articles(path: Path, gazetteer: Gazetteer) -> Iterator[GoldArticle]:
    """LGL and TR-News: ``<toponym>`` with start, end and a ``<gaztag>`` carrying lat, lon and
    the country's name."""
    root = ElementTree.parse(path).getroot()
    for article in root.iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for toponym in article.iter("toponym"):
            tag = toponym.find("gaztag")
            start, end = _float(toponym.findtext("start")), _float(toponym.findtext("end"))
            if tag is None or start is None or end is None:
                continue
            lat, lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            if lat is None or lon is None:
                continue
            start, end = _realign(text, int(start), int(end), toponym.findtext("phrase"))
            country = _country_code(tag.findtext("country"), gazetteer)
            if country is None:
                country = gazetteer.nearest_country(lat, lon)
            toponyms.append(GoldToponym(start, end, lat, lon, country))
        yield GoldArticle(text, tuple(toponyms))


def _gwn_articles(folder: Path, gazetteer: Gazetteer) -> Iterator[GoldArticle]:
    """GeoWebNews: texts from GWN.xml, resolution gold from gwn_full.txt (one line per article,
    in the same order: ``name,,surface,,lat,,lon,,start,,end||...``)."""
    root = ElementTree.parse(folder / "GWN.xml").getroot()
    texts = [article.findtext("text") or "" for article in root.iter("article")]
    lines = (folder / "gwn_full.txt").read_text(encoding="utf-8").splitlines()
    for text, line in zip(texts, lines, strict=False):
        toponyms = []
        for item in line.split("||"):
            fields = item.split(",,")
            if len(fields) != 6:
                continue
            lat, lon, start, end = (_float(f) for f in fields[2:])
            if lat is None or lon is None or start is None or end is None:
                continue
            toponyms.append(GoldToponym(int(start), int(end), lat, lon, gazetteer.nearest_country(lat, lon)))
        yield GoldArticle(text, tuple(toponyms))


def load_corpus(benchmarks: Path, name: str, gazetteer: Gazetteer) -> list[GoldArticle]:
    folder = benchmarks / FOLDER
    if name == "geowebnews":
        return list(_gwn_articles(folder, gazetteer))
    return list(_gaztag_articles(folder / CORPORA[name], gazetteer))


def score_corpus(articles: list[GoldArticle], gazetteer: Gazetteer, *, use_context: bool) -> SystemScore:
    """Country accuracy, accuracy within 161 km and resolved share over the gold toponyms."""
    total = country_hits = near_hits = resolved = 0
    for article in articles:
        spans = [(t.start, t.end) for t in article.toponyms]
        found = {
            (m.start, m.end): m.place
            for m in resolve_places(article.text, spans, "en", gazetteer, use_context=use_context)
        }
        for gold in article.toponyms:
            total += 1
            place = found.get((gold.start, gold.end))
            if place is None:
                continue
            resolved += 1
            country_hits += place.country is not None and place.country == gold.country
            if place.lat is not None and place.lon is not None:
                near_hits += haversine_km(place.lat, place.lon, gold.lat, gold.lon) <= WITHIN_KM
    n = max(total, 1)
    system = "newsgraph" if use_context else "most populous name match (same run)"
    return SystemScore(
        system,
        {"country": country_hits / n, "acc161": near_hits / n, "resolved": resolved / n},
        total,
    )


def evaluate_geoparsing(benchmarks: Path, limit: int | None = None) -> list[BenchmarkReport]:
    """One report per corpus: newsgraph and the naive reference, with Mordecai 3's published
    figures. ``limit`` keeps the first articles of each corpus (for quick runs)."""
    folder = Path(benchmarks) / FOLDER
    if not folder.is_dir():
        raise BenchmarkMissing(f"geoparsing benchmarks not found: {folder}")
    gazetteer = load_gazetteer()
    reports = []
    for name in CORPORA:
        articles = load_corpus(Path(benchmarks), name, gazetteer)[:limit]
        report = BenchmarkReport(name, TITLES[name], METRIC, published=published_peers(name))
        report.ours.append(score_corpus(articles, gazetteer, use_context=True))
        report.ours.append(score_corpus(articles, gazetteer, use_context=False))
        reports.append(report)
    return reports
