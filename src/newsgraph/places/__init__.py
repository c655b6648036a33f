"""Places: an offline gazetteer, toponym resolution by country context, and focus countries.

See docs/places.md for the sources, the rules and the evaluation.
"""

from __future__ import annotations

from .gazetteer import Candidate, Gazetteer, Place, fold_name, haversine_km, load_gazetteer
from .resolve import PlaceMention, find_place_spans, focus_countries, resolve_places

__all__ = [
    "Candidate",
    "Gazetteer",
    "Place",
    "PlaceMention",
    "find_place_spans",
    "focus_countries",
    "fold_name",
    "haversine_km",
    "load_gazetteer",
    "resolve_places",
]
