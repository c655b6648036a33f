"""Toponym resolution: which gazetteer place each place name of an article denotes.

A name usually has several candidates ("Paris": France, Texas, Ontario...). They are ranked by
what the whole article says about where it is, then by size:

1. country context, 2.0 x the share of the article's country evidence that the candidate's
   country has (1.0 for the most evidenced country). Evidence: country names and demonyms anywhere
   in the text ("Malian", "Russie"), US state names, and the countries of the article's other
   place names that are unambiguous or whose largest candidate dominates (>= 20x the population of
   the next). A name never counts as evidence for itself, so "Paris" alone stays in France;
2. state context, +1.0 when the candidate's US state is named in the article ("Alexandria" in a
   story that names Louisiana);
3. population, log10(population) / 7 (a city of 10 million scores 1.0);
4. feature class, +2.0 for a country, +0.6 for a state, province or region, +0.3 for a US
   county, nothing for a city: a name that is both a country and a town ("Niger", "Canada") is
   the country unless strong context says not ("Georgia" in a story about Atlanta);
5. +0.8 when the name is the place's own name rather than one of GeoNames' alternate spellings
   (a town whose alternate name is "Canada" is not Canada).

Confidence is a logistic of the margin between the best and second-best scores.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .gazetteer import Candidate, Gazetteer, Place, fold_name, load_gazetteer

DOMINANT_RATIO = 20
"""A name's largest candidate speaks for the article's country when it is this many times as
populous as the next ("Moscow", Russia, vs Moscow, Idaho)."""
_KIND_BONUS = {"country": 2.0, "admin1": 0.6, "admin2": 0.3, "region": 0.6, "city": 0.0}
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_TRIM = " \t\n\r.,;:!?\"'«»“”()[]"


@dataclass(slots=True, frozen=True)
class PlaceMention:
    """A place name in an article and the place it was resolved to."""

    text: str
    start: int
    end: int
    """Character offsets of the name in the article text."""
    place: Place
    confidence: float


@dataclass(slots=True)
class _Context:
    """Country and US-state evidence in an article, with what each name contributed, so that a
    name can be scored without its own contribution."""

    countries: Counter[str]
    admin1: Counter[str]
    by_name: dict[str, tuple[Counter[str], Counter[str]]]

    def without(self, key: str) -> tuple[Counter[str], Counter[str]]:
        own = self.by_name.get(key)
        if own is None:
            return self.countries, self.admin1
        return self.countries - own[0], self.admin1 - own[1]


def _valid_spans(text: str, spans: Any) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for span in spans or ():
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        if 0 <= start < end <= len(text):
            out.append((start, end))
    return out


def _context(text: str, names: list[tuple[str, list[Candidate]]], gazetteer: Gazetteer) -> _Context:
    countries: Counter[str] = Counter()
    admin1: Counter[str] = Counter()
    by_name: dict[str, tuple[Counter[str], Counter[str]]] = {}

    def note(key: str, country: str | None, state: str | None) -> None:
        own = by_name.setdefault(key, (Counter(), Counter()))
        if country:
            countries[country] += 1
            own[0][country] += 1
        if state:
            admin1[state] += 1
            own[1][state] += 1

    for match in gazetteer.find_cues(text):
        codes = {cue.country for cue in match.values}
        if len(codes) == 1:
            states = {cue.admin1 for cue in match.values}
            note(fold_name(match.text), codes.pop(), states.pop() if len(states) == 1 else None)
    for key, candidates in names:
        if not candidates or any(c.place.kind == "country" for c in candidates):
            continue  # country names were counted as cues above
        ranked = sorted(candidates, key=lambda c: c.population, reverse=True)
        top = ranked[0]
        dominant = len({c.place.country for c in ranked}) == 1 or (
            top.population >= DOMINANT_RATIO * max(ranked[1].population, 1)
        )
        if dominant and top.place.country:
            note(key, top.place.country, top.admin1 if len({c.admin1 for c in ranked}) == 1 else None)
    return _Context(countries, admin1, by_name)


def _score(candidate: Candidate, countries: Counter[str], admin1: Counter[str]) -> float:
    strongest = max(countries.values(), default=0)
    country = candidate.place.country
    share = countries[country] / strongest if strongest and country else 0.0
    state = 1.0 if candidate.admin1 and admin1[candidate.admin1] > 0 else 0.0
    size = math.log10(candidate.population + 1) / 7
    return 2.0 * share + state + size + _KIND_BONUS.get(candidate.place.kind, 0.0) + 0.8 * candidate.primary


def resolve_places(
    text: str,
    spans: Sequence[tuple[int, int]] | None,
    language: str | None = None,
    gazetteer: Gazetteer | None = None,
    *,
    use_context: bool = True,
) -> list[PlaceMention]:
    """The places that ``spans`` of ``text`` name, in span order; spans no gazetteer entry
    matches are left out. ``language`` is accepted for symmetry with the other stages: names in
    English and French share one index. ``use_context=False`` is the naive reference: the most
    populous place of that name."""
    if not isinstance(text, str) or not text:
        return []
    gaz = gazetteer or load_gazetteer()
    valid = _valid_spans(text, spans)
    names = [(fold_name(text[s:e]), gaz.candidates(text[s:e])) for s, e in valid]
    context = _context(text, names, gaz) if use_context else None
    mentions: list[PlaceMention] = []
    for (start, end), (key, candidates) in zip(valid, names, strict=True):
        if not candidates:
            continue
        if context is None:
            scored = sorted(((math.log10(c.population + 1), c) for c in candidates), key=lambda p: -p[0])
        else:
            countries, admin1 = context.without(key)
            scored = sorted(((_score(c, countries, admin1), c) for c in candidates), key=lambda p: -p[0])
        margin = scored[0][0] - scored[1][0] if len(scored) > 1 else 2.0
        confidence = round(1 / (1 + math.exp(-3 * margin)), 3)
        mentions.append(PlaceMention(text[start:end], start, end, scored[0][1].place, confidence))
    return mentions


def find_place_spans(doc: Any) -> list[tuple[int, int]]:
    """Character spans of place entities in a spaCy ``Doc`` (GPE and LOC in English, LOC in
    French), trimmed of a leading article and a possessive so that they look up as names."""
    spans: list[tuple[int, int]] = []
    for ent in getattr(doc, "ents", ()) or ():
        if ent.label_ not in _PLACE_LABELS:
            continue
        start, end = int(ent.start_char), int(ent.end_char)
        surface = str(ent.text)
        for suffix in ("'s", "’s"):
            if surface.endswith(suffix):
                surface, end = surface[: -len(suffix)], end - len(suffix)
        lowered = surface.casefold()
        for article in ("the ", "le ", "la ", "les ", "l'", "l’"):
            if lowered.startswith(article) and len(surface) > len(article):
                surface, start = surface[len(article) :], start + len(article)
                break
        stripped = surface.strip(_TRIM)
        if stripped:
            start += surface.index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


def focus_countries(mentions: Sequence[PlaceMention], extra_countries: Sequence[str] = ()) -> list[str]:
    """The countries an article is about, most salient first.

    Rule: each mention counts one for the country it lies in (a country's own name and any of its
    places alike) and each code of ``extra_countries`` (say, the countries of the article's
    actors) counts one. Countries with at least half the top count are the focus; ties go to the
    country mentioned first."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        country = mention.place.country
        if country:
            counts[country] += 1
            first.setdefault(country, mention.start)
    for code in extra_countries:
        if isinstance(code, str) and len(code) == 3:
            counts[code.upper()] += 1
            first.setdefault(code.upper(), math.inf)  # type: ignore[arg-type]
    if not counts:
        return []
    top = max(counts.values())
    ranked = sorted(counts, key=lambda c: (-counts[c], first[c]))
    return [c for c in ranked if counts[c] * 2 >= top]
