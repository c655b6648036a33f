"""Finding candidate mentions in a text: knowledge-base names, role and group words, and the
people and organisations a language model tags.

Everything here works on character offsets of the article text, so that mentions point exactly
at the words that gave them, and it works without a parse (for languages we have no model for)
with the knowledge base alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..kb.model import Alias, KbActor, KnowledgeBase, RoleWord
from ..kb.normalise import TOKEN

_FORM_PRIORITY = {"name": 0, "acronym": 0, "seat": 1, "capital": 2, "demonym": 3, "surname": 4}
PERSON_LABELS = {"PERSON", "PER"}
ORG_LABELS = {"ORG"}
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*$")
_ORG_WORDS = re.compile(
    r"\b(ministry|ministère|government|gouvernement|council|conseil|party|parti|forces?|army|armée|"
    r"agency|agence|bank|banque|company|compagnie|group|groupe|union|committee|comité|court|cour|"
    r"university|université|corporation|corp|inc|ltd|sa|press|news|tv|radio|office|service|hall)\b",
    re.I,
)


@dataclass(slots=True)
class NameSpan:
    """A knowledge-base name found in the text, with the actor it most likely means."""

    start: int
    end: int
    text: str
    actor: KbActor
    alias: Alias


@dataclass(slots=True)
class RoleSpan:
    start: int
    end: int
    text: str
    word: RoleWord


@dataclass(slots=True)
class EntitySpan:
    """A span a language model tagged as a person or an organisation (not in the knowledge base)."""

    start: int
    end: int
    text: str
    label: str


def find_names(text: str, kb: KnowledgeBase) -> list[NameSpan]:
    """Knowledge-base names in ``text``; where a name fits several actors, the likeliest one."""
    matches = list(kb.find_names(text))
    full_names_seen = {a.actor_id for m in matches for a in m.values if a.form == "name"}
    spans = []
    for match in matches:
        alias = _choose(match.values, full_names_seen)
        if alias is None:
            continue
        actor = kb.actors.get(alias.actor_id)
        if actor is not None:
            spans.append(NameSpan(match.start, match.end, match.text, actor, alias))
    return spans


def _choose(aliases: tuple[Alias, ...], seen: set[str]) -> Alias | None:
    """The alias to believe: full names and acronyms over seats, capitals, demonyms and surnames;
    between actors, one named in full elsewhere in the text. A bare surname shared by two known
    people, neither named in full, is left unresolved."""
    ranked = sorted(aliases, key=lambda a: (_FORM_PRIORITY.get(a.form, 5), a.actor_id not in seen))
    best = ranked[0]
    rivals = {a.actor_id for a in ranked if _FORM_PRIORITY.get(a.form, 5) == _FORM_PRIORITY.get(best.form, 5)}
    if len(rivals) > 1 and best.form == "surname" and best.actor_id not in seen:
        return None
    return best


def find_roles(
    text: str, kb: KnowledgeBase, names: list[NameSpan], language: str | None = None
) -> list[RoleSpan]:
    """Role and group words outside the knowledge-base names, read in the article's language
    (English "militants" are armed, French "militants" are activists)."""
    taken = [
        (n.start, n.end) for n in names if n.alias.form != "demonym"
    ]  # "instructeurs russes" is one word
    spans = []
    for match in kb.find_roles(text):
        if any(s < match.end and match.start < e for s, e in taken):
            continue
        fitting = [w for w in match.values if w.language == language] or list(match.values)
        spans.append(RoleSpan(match.start, match.end, match.text, fitting[0]))
    return spans


def find_entities(doc: Any, names: list[NameSpan]) -> list[EntitySpan]:
    """People and organisations the model tags, outside knowledge-base names, trimmed of titles'
    possessive endings and rejected when they do not look like names."""
    if doc is None:
        return []
    taken = [(n.start, n.end) for n in names]
    out = []
    for ent in doc.ents:
        if ent.label_ not in PERSON_LABELS | ORG_LABELS:
            continue
        start, end, text = ent.start_char, ent.end_char, ent.text
        text = re.sub(r"(['’]s|['’])$", "", text).rstrip()
        if text.lower().startswith("the "):
            start, text = start + 4, text[4:]
        end = start + len(text)
        if any(s < end and start < e for s, e in taken):
            continue
        words = TOKEN.findall(text)
        if not words or any(ch.isdigit() for ch in text):
            continue
        if ent.label_ in PERSON_LABELS and not all(_NAME_WORD.match(w) for w in text.split()):
            continue
        if ent.label_ in ORG_LABELS and (not text[:1].isupper() or words[-1].islower()):
            continue  # "united armed forces of": a fragment, not a name
        out.append(EntitySpan(start, end, text, "PERSON" if ent.label_ in PERSON_LABELS else "ORG"))
    return out


def looks_like_person_name(text: str) -> bool:
    """Two to four capitalised words and no organisation word: "Vasily Nebenzya"."""
    words = text.split()
    return 2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words) and not _ORG_WORDS.search(text)


def organisation_sector(name: str) -> str | None:
    """The sector an unknown organisation's own name suggests."""
    lowered = name.lower()
    for pattern, sector in (
        (r"minist|government|gouvernement|presiden|council of ministers", "GOV"),
        (r"army|armée|armed forces|forces armées|military|militaire|defen[cs]e", "MIL"),
        (r"police|gendarmerie", "COP"),
        (r"court|tribunal|cour |prosecutor|parquet", "JUD"),
        (r"parliament|assembl|senate|sénat|congress|duma", "LEG"),
        (r"party|parti\b", "PTY"),
        (r"university|université|school|école", "EDU"),
        (
            r"\b(tv|radio|news|press|presse|journal|times|post|agency|agence)\b",
            "JRN",
        ),  # PLOVER: JRN is media (MED is health)
        (r"bank|banque|company|corp|inc\b|ltd|group|groupe|s\.a\.", "BUS"),
        (r"union|syndicat", "LAB"),
        (r"church|église|mosque|mosquée|islamic council|conseil islamique", "REL"),
    ):
        if re.search(pattern, lowered):
            return sector
    return None
