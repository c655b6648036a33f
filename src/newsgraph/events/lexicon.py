"""The event lexicon: which words state which PLOVER event, per language.

The lexicon is data (``data/events/lexicon.yaml``) so that analysts can read and extend it
without touching code; this module only parses it into lookups. Its header says what each
section means.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from ..errors import ConfigError

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
FLAGS = frozenset({"reciprocal", "absorb", "nosubject", "needsobject", "objactor", "needscomplement"})


@dataclass(slots=True, frozen=True)
class Sense:
    """What a trigger word means: the PLOVER type and mode, its CAMEO code, and how it binds
    its arguments."""

    event: str
    mode: str | None
    cameo: str
    reciprocal: bool = False
    absorb: bool = False
    nosubject: bool = False
    needsobject: bool = False
    needscomplement: bool = False
    objactor: bool = False


@dataclass(slots=True, frozen=True)
class Lexicon:
    language: str
    verbs: dict[str, Sense]
    phrasal: dict[tuple[str, str], Sense]
    not_events: frozenset[tuple[str, str]]
    """Phrasal verbs that state no event although their verb does ("sign up", "hold on")."""
    objects: dict[str, Sense]
    light_verbs: dict[str, dict[str, Sense | None]]
    """Light verb → the event nouns it carries, each with its own sense when the verb gives the
    noun another meaning ("stage a strike" is a protest, "launch a strike" an attack), else None."""
    stop_verbs: frozenset[str]
    suppress_verbs: frozenset[str]
    occur_verbs: frozenset[str]
    """Verbs whose subject is the event itself ("fighting erupted", "riots continued")."""
    qualified: dict[tuple[str, str], Sense]
    """(modifier lemma, noun lemma) → sense: "hunger strike" is a protest, "air strike" an attack."""
    abstract_object: dict[str, Sense]
    """Verbs that mean something else with a thing as object ("welcomed the decision")."""
    obligation: frozenset[str]
    """Modals of obligation: a reported "must" is a demand."""
    intent: frozenset[str]
    hypothetical: frozenset[str]
    negators: frozenset[str]
    speech: frozenset[str]
    hedges: re.Pattern[str]


def parse_sense(entry: str, where: str) -> Sense:
    """``"TYPE[:mode] CAMEO [flag...]"`` → Sense; a malformed entry is a ConfigError naming it."""
    parts = str(entry).split()
    if len(parts) < 2:
        raise ConfigError(f"event lexicon {where}: expected 'TYPE[:mode] CAMEO [flags]', got {entry!r}")
    event, _, mode = parts[0].partition(":")
    if event not in PLOVER_TYPES:
        raise ConfigError(f"event lexicon {where}: {event!r} is not a PLOVER 2.0 type")
    if not re.fullmatch(r"\d{2,4}", parts[1]):
        raise ConfigError(f"event lexicon {where}: {parts[1]!r} is not a CAMEO code")
    flags = set(parts[2:])
    if flags - FLAGS:
        raise ConfigError(f"event lexicon {where}: unknown flags {sorted(flags - FLAGS)}")
    return Sense(event, mode or None, parts[1], **dict.fromkeys(flags, True))


def build_lexicon(language: str, data: dict[str, Any]) -> Lexicon:
    where = language
    verbs = {str(k): parse_sense(v, f"{where} verbs {k}") for k, v in (data.get("verbs") or {}).items()}
    phrasal: dict[tuple[str, str], Sense] = {}
    not_events: set[tuple[str, str]] = set()
    for key, value in (data.get("phrasal") or {}).items():
        verb, _, particle = str(key).partition(" ")
        if str(value).strip() == "none":
            not_events.add((verb, particle))
            continue
        phrasal[(verb, particle)] = parse_sense(value, f"{where} phrasal {key}")
    objects = {str(k): parse_sense(v, f"{where} objects {k}") for k, v in (data.get("objects") or {}).items()}
    light: dict[str, dict[str, Sense | None]] = {}
    for verb, nouns in (data.get("light_verbs") or {}).items():
        light[str(verb)] = {}
        for item in nouns:
            noun, _, override = str(item).partition("=")
            if noun not in objects:
                raise ConfigError(f"event lexicon {where}: light verb {verb!r} takes unknown object {noun!r}")
            light[str(verb)][noun] = (
                parse_sense(override, f"{where} light verb {verb} {noun}") if override else None
            )
    hedges = [str(h) for h in data.get("hedges") or []]
    return Lexicon(
        language=language,
        verbs=verbs,
        phrasal=phrasal,
        not_events=frozenset(not_events),
        objects=objects,
        light_verbs=light,
        stop_verbs=frozenset(data.get("stop_verbs") or ()),
        suppress_verbs=frozenset(data.get("suppress_verbs") or ()),
        occur_verbs=frozenset(data.get("occur_verbs") or ()),
        qualified={
            (str(k).split()[0], str(k).split()[-1]): parse_sense(v, f"{where} qualified {k}")
            for k, v in (data.get("qualified") or {}).items()
        },
        abstract_object={
            str(k): parse_sense(v, f"{where} abstract_object {k}")
            for k, v in (data.get("abstract_object") or {}).items()
        },
        obligation=frozenset(data.get("obligation") or ()),
        intent=frozenset(data.get("intent") or ()),
        hypothetical=frozenset(data.get("hypothetical") or ()),
        negators=frozenset(data.get("negators") or ()),
        speech=frozenset(data.get("speech") or ()),
        hedges=re.compile(r"\b(?:" + "|".join(hedges) + r")\b" if hedges else r"(?!)", re.I),
    )


@functools.cache
def load_lexicons() -> dict[str, Lexicon]:
    text = resources.files("newsgraph.data").joinpath("events", "lexicon.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {language: build_lexicon(language, section or {}) for language, section in data.items()}


def lexicon_for(language: str | None) -> Lexicon | None:
    return load_lexicons().get(language or "")
