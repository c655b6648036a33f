"""Invariants of the shipped knowledge base (``src/newsgraph/data/kb/*.yaml``) and of what the
loader builds from it.

The YAML files are edited by hand, and the loader reads them leniently: an unknown sector code, a
misspelt organisation id, a swapped date or a name given to two actors does not raise, it quietly
produces wrong actors and codes. These tests catch such slips when the data is edited. Sources
and the decisions behind the data are in ``docs/kb-sources.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

import pycountry
import pytest
import yaml

from newsgraph.kb import KnowledgeBase, load_kb
from newsgraph.kb.loader import KB_FILES
from newsgraph.kb.normalise import fold

ALPHA3 = frozenset(c.alpha_3 for c in pycountry.countries)
LANGUAGES = frozenset({"en", "fr", "ru"})
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# The keys each kind of entry may have (as documented in the header comment of its file). An
# unknown key is usually a typo, or a flow mapping split by an unquoted comma:
# "{title: Minister of Foreign Affairs, Cooperation and ...}" gives the key "Cooperation and ...".
_ORGANISATION_KEYS = {"id", "name", "sector", "country", "parent", "members", "active", "aliases"}
ENTRY_KEYS = {
    "sectors": {"code", "description", "source", "note", "same_as"},
    "states": {"name", "aliases", "demonyms", "seats"},
    "organizations": _ORGANISATION_KEYS | {"former_members"},
    "armed_groups": _ORGANISATION_KEYS | {"kind", "affiliation"},
    "persons": {"id", "name", "aliases", "roles"},
    "person roles": {"title", "country", "sector", "organization", "since", "until"},
    "roles": {"en", "fr", "ru", "sector", "rank", "plural"},
}

# Known errors in the data, reported and awaiting a fix. Each test fails on any problem not listed
# here, and also once a listed problem is gone, so that the entry is removed with the fix.
# Problems known and accepted for now; each test also fails once one of them is fixed, so that
# the list stays true. (Both are empty: the unquoted titles and the missing "Корея" they once
# held were fixed.)
KNOWN_SHAPE_ERRORS: set[str] = set()
KNOWN_AMBIGUITY_GAPS: set[str] = set()


# --- reading ------------------------------------------------------------------------------------


@functools.cache
def _raw(name: str) -> str:
    return resources.files("newsgraph.data").joinpath("kb", f"{name}.yaml").read_text(encoding="utf-8")


@functools.cache
def _doc(name: str) -> dict[str, Any]:
    doc = yaml.safe_load(_raw(name))
    assert isinstance(doc, dict), f"{name}.yaml is not a mapping"
    return doc


def _rows(name: str, key: str | None = None) -> list[dict[str, Any]]:
    rows = _doc(name).get(key or name) or []
    assert isinstance(rows, list), f"{name}.yaml: `{key or name}` is not a list"
    return rows


def _states() -> dict[str, dict[str, Any]]:
    return {str(code): entry or {} for code, entry in (_doc("states").get("states") or {}).items()}


def _ids(name: str) -> set[str]:
    return {str(row.get("id")) for row in _rows(name)}


def _sectors() -> set[str]:
    return {str(row.get("code")) for row in _rows("sectors")}


def _roles() -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, role) for every role of every person."""
    for person in _rows("persons"):
        for role in person.get("roles") or []:
            yield f"persons.yaml {person.get('id')} role {role.get('title')!r}", role


def _role_words() -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("roles", "groups"):
        for i, entry in enumerate(_rows("roles", key)):
            words = [w for lang in sorted(LANGUAGES) for w in entry.get(lang) or []]
            yield f"roles.yaml {key}[{i}] {(words or ['?'])[0]!r}", entry


def _assert_no_problems(problems: Iterable[str], known: set[str] | None = None) -> None:
    found = set(problems)
    new = sorted(found - (known or set()))
    assert not new, f"{len(new)} problem(s):\n  " + "\n  ".join(new)
    fixed = sorted((known or set()) - found)
    assert not fixed, "fixed in the data, remove from the known list in this file:\n  " + "\n  ".join(fixed)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


# --- the tests ----------------------------------------------------------------------------------


def test_files_are_versioned_mappings_with_a_header_comment() -> None:
    problems = []
    for name in KB_FILES:
        if not _raw(name).lstrip().startswith("#"):
            problems.append(f"{name}.yaml: no header comment")
        if _doc(name).get("version") != 1:
            problems.append(f"{name}.yaml: version is {_doc(name).get('version')!r}, expected 1")
    _assert_no_problems(problems)


def test_entries_have_only_documented_keys_and_required_fields() -> None:
    problems = []

    def check(where: str, entry: Any, kind: str) -> None:
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping: {entry!r}")
            return
        for key in sorted(set(entry) - ENTRY_KEYS[kind], key=str):
            problems.append(f"{where}: unknown key {key!r}")

    for row in _rows("sectors"):
        check(f"sectors.yaml {row.get('code')}", row, "sectors")
    for code, entry in _states().items():
        check(f"states.yaml {code}", entry, "states")
        for key in ("aliases", "demonyms"):
            for lang in set(entry.get(key) or {}) - LANGUAGES:
                problems.append(f"states.yaml {code}: {key} in unknown language {lang!r}")
    for name in ("organizations", "armed_groups"):
        for row in _rows(name):
            where = f"{name}.yaml {row.get('id')}"
            check(where, row, name)
            if not row.get("id") or not row.get("name"):
                problems.append(f"{where}: id or name missing")
            aliases = row.get("aliases") or {}
            if not isinstance(aliases, dict) or set(aliases) - LANGUAGES:
                problems.append(f"{where}: aliases must be a mapping with keys among en/fr/ru")
            if name == "armed_groups" and row.get("kind") != "armed_group":
                problems.append(f"{where}: kind is {row.get('kind')!r}, expected 'armed_group'")
    for row in _rows("persons"):
        where = f"persons.yaml {row.get('id')}"
        check(where, row, "persons")
        if not row.get("id") or not row.get("name"):
            problems.append(f"{where}: id or name missing")
        if not row.get("roles"):
            problems.append(f"{where}: no roles")
    for where, role in _roles():
        check(where, role, "person roles")
        if not role.get("title"):
            problems.append(f"{where}: no title")
    for where, entry in _role_words():
        check(where, entry, "roles")
        if not any(entry.get(lang) for lang in LANGUAGES):
            problems.append(f"{where}: no words in any language")
    # the states the project's news is mostly about must have demonyms in every language
    for code in ("MLI", "BFA", "NER", "RUS", "UKR", "FRA", "USA"):
        demonyms = _states().get(code, {}).get("demonyms") or {}
        if not all(demonyms.get(lang) for lang in LANGUAGES):
            problems.append(f"states.yaml {code}: demonyms missing in some language")
    _assert_no_problems(problems, KNOWN_SHAPE_ERRORS)


def test_ids_and_codes_are_unique() -> None:
    problems = []
    listed = {
        "sectors.yaml codes": [str(r.get("code")) for r in _rows("sectors")],
        "organizations.yaml ids": [str(r.get("id")) for r in _rows("organizations")],
        "armed_groups.yaml ids": [str(r.get("id")) for r in _rows("armed_groups")],
        "persons.yaml ids": [str(r.get("id")) for r in _rows("persons")],
    }
    for label, ids in listed.items():
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"{label}: duplicates {duplicates}")
    # parents are always looked up as organisations (the loader writes `org:<parent>`), and the
    # exporter writes the id as the actor code: an id shared by an organisation and a group is
    # ambiguous
    for clash in sorted(_ids("organizations") & _ids("armed_groups")):
        problems.append(f"{clash!r} is both an organisation and an armed group id")
    _assert_no_problems(problems)


def test_sector_codes_are_defined_in_sectors_yaml() -> None:
    sectors = _sectors()
    problems = []
    for row in _rows("sectors"):
        if row.get("same_as") and row["same_as"] not in sectors:
            problems.append(f"sectors.yaml {row['code']}: same_as {row['same_as']!r} is not a sector")
    for name in ("organizations", "armed_groups"):
        for row in _rows(name):
            if row.get("sector") not in sectors:
                problems.append(f"{name}.yaml {row.get('id')}: sector {row.get('sector')!r} is not defined")
    for where, role in _roles():
        if role.get("sector") not in sectors:
            problems.append(f"{where}: sector {role.get('sector')!r} is not defined")
    for where, entry in _role_words():
        # null is allowed here: for "spokesman" the organisation spoken for decides the sector
        if entry.get("sector") is not None and entry["sector"] not in sectors:
            problems.append(f"{where}: sector {entry['sector']!r} is not defined")
    _assert_no_problems(problems)


def test_country_codes_are_known_to_pycountry() -> None:
    problems = [
        f"states.yaml: {code!r} is not an ISO 3166-1 alpha-3 code" for code in _states() if code not in ALPHA3
    ]

    def check(where: str, code: Any) -> None:
        if code is not None and code not in ALPHA3:
            problems.append(f"{where}: {code!r} is not an ISO 3166-1 alpha-3 code")

    for name in ("organizations", "armed_groups"):
        for row in _rows(name):
            where = f"{name}.yaml {row.get('id')}"
            check(f"{where} country", row.get("country"))
            for code in row.get("members") or []:
                check(f"{where} members", code)
            for code in row.get("former_members") or {}:
                check(f"{where} former_members", code)
    for where, role in _roles():
        check(f"{where} country", role.get("country"))
    _assert_no_problems(problems)


def test_references_resolve() -> None:
    orgs, groups, states = _ids("organizations"), _ids("armed_groups"), set(_states())
    problems = []
    for name in ("organizations", "armed_groups"):
        for row in _rows(name):
            where = f"{name}.yaml {row.get('id')}"
            # the loader turns a parent into `org:<id>`, so it must be an organisation
            if row.get("parent") and row["parent"] not in orgs:
                problems.append(f"{where}: parent {row['parent']!r} is not in organizations.yaml")
            for group in row.get("affiliation") or []:
                if group not in groups:
                    problems.append(f"{where}: affiliation {group!r} is not in armed_groups.yaml")
    for where, role in _roles():
        # leaders of armed groups name their group (Prigozhin -> WAGNER), hence both files
        organization = role.get("organization")
        if organization is not None and organization not in orgs | groups:
            problems.append(
                f"{where}: organization {organization!r} is in neither organizations.yaml nor armed_groups.yaml"
            )
    # ambiguous forms list the states a form may mean (states.yaml header); nothing reads other ids
    for form, codes in (_doc("states").get("ambiguous") or {}).items():
        if not isinstance(codes, list) or len(set(codes)) < 2:
            problems.append(
                f"states.yaml ambiguous {form!r}: needs at least two distinct codes, got {codes!r}"
            )
            continue
        for code in codes:
            if code not in states:
                problems.append(f"states.yaml ambiguous {form!r}: {code!r} is not a state in states.yaml")
    _assert_no_problems(problems)


def test_igo_roles_name_their_organization_and_no_country() -> None:
    problems = [
        f"{where}: an IGO role needs `organization` set and `country: null`"
        for where, role in _roles()
        if role.get("sector") == "IGO"
        and (role.get("organization") is None or role.get("country") is not None)
    ]
    _assert_no_problems(problems)


def _date(where: str, value: Any, problems: list[str]) -> str | None:
    """The role date as the loader keeps it (a string), or None after noting why it is bad."""
    if value is None:
        return None
    text = str(value)  # YAML reads unquoted 2024-12-07 as a date and 2019 as an int
    if not DATE.match(text):
        problems.append(f"{where}: {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return None
    try:
        dt.date.fromisoformat({4: f"{text}-01-01", 7: f"{text}-01", 10: text}[len(text)])
    except ValueError:
        problems.append(f"{where}: {text!r} is not a calendar date")
        return None
    return text


def test_person_role_dates_are_well_formed_and_ordered() -> None:
    problems: list[str] = []
    for where, role in _roles():
        since = _date(f"{where} since", role.get("since"), problems)
        until = _date(f"{where} until", role.get("until"), problems)
        if since and until:
            # compare at the coarser precision: since 2021-06, until 2021 is consistent
            width = min(len(since), len(until))
            if since[:width] > until[:width]:
                problems.append(f"{where}: since {since} is after until {until}")
    _assert_no_problems(problems)


def test_loader_builds_every_entry(kb: KnowledgeBase) -> None:
    expected = (
        {f"state:{code}" for code in _states()}
        | {f"org:{i}" for i in _ids("organizations")}
        | {f"group:{i}" for i in _ids("armed_groups")}
        | {f"person:{i}" for i in _ids("persons")}
    )
    missing = sorted(expected - set(kb.actors))
    extra = sorted(set(kb.actors) - expected)
    assert not missing, f"the loader built no actor for {missing}"
    assert not extra, f"the loader built actors with no entry in the files: {extra}"
    nameless = sorted(actor_id for actor_id, actor in kb.actors.items() if not actor.aliases)
    assert not nameless, f"actors with no alias to find them by: {nameless}"
    for actor in kb.actors.values():
        if actor.parent is not None:
            assert actor.parent in kb.actors, f"{actor.id}: parent {actor.parent} was not built"
    assert set(kb.sectors) == _sectors(), "the loader's sector table differs from sectors.yaml"


def test_alias_collisions_are_documented_as_ambiguous(kb: KnowledgeBase) -> None:
    """No name (folded as the matcher folds it: case, accents, й/ё) may denote two actors unless
    states.yaml lists it under `ambiguous:` with all of them. Checked on what the loader builds,
    which is every name in the YAML files plus pycountry's names, capitals and Russian case forms."""
    ambiguous = {
        fold(str(form)): {f"state:{code}" for code in codes}
        for form, codes in (_doc("states").get("ambiguous") or {}).items()
    }
    owners: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, set[str]] = defaultdict(set)
    for actor_id, actor in kb.actors.items():
        for text in actor.aliases:
            key = fold(text)
            if len(key) >= 2:
                owners[key].add(actor_id)
                texts[key].add(text)
    problems = [
        f"{sorted(texts[key])} name several actors {sorted(ids)}; list them under `ambiguous:` or drop one"
        for key, ids in owners.items()
        if len(ids) > 1 and not ids <= ambiguous.get(key, set())
    ]
    _assert_no_problems(problems)


def test_ambiguous_forms_are_names_of_a_listed_state(kb: KnowledgeBase) -> None:
    """A form listed under `ambiguous:` that is no listed state's name is never found in text, so
    the ambiguity is never seen. The states.yaml header says the form goes under the state it
    usually means (the first listed); this asks only for one of them, because pycountry itself
    gives some forms to another (the Russian "Конго" is only the Republic of the Congo's name)."""
    problems = []
    for form, codes in (_doc("states").get("ambiguous") or {}).items():
        names = {
            fold(text)
            for code in codes
            if f"state:{code}" in kb.actors
            for text in kb.actors[f"state:{code}"].aliases
        }
        if fold(str(form)) not in names:
            problems.append(str(form))
    _assert_no_problems(problems, KNOWN_AMBIGUITY_GAPS)
