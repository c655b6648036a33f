"""Records of the knowledge base and the token trie that finds their names in text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from .normalise import TOKEN, fold_token, person_key

Case = Literal["exact", "title", "any"]
T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class KbRole:
    """A role a person held: "Minister of Foreign Affairs of RUS (GOV) since 2004-03-09"."""

    title: str
    country: str | None = None
    sector: str | None = None
    organization: str | None = None
    since: str | None = None
    until: str | None = None

    def held_on(self, day: str | None) -> bool:
        """True if the role was held on ``day`` (YYYY, YYYY-MM or YYYY-MM-DD); undated: True."""
        if not day:
            return self.until is None
        return (self.since is None or self.since[: len(day)] <= day) and (
            self.until is None or day <= self.until[: len(day)] or self.until.startswith(day)
        )


@dataclass(slots=True)
class KbActor:
    id: str
    """``state:MLI``, ``org:UN``, ``group:wagner``, ``person:sergey-lavrov``."""
    name: str
    kind: str
    """``state``, ``organization``, ``armed_group`` or ``person`` (the contract's actor kinds)."""
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    roles: tuple[KbRole, ...] = ()
    members: tuple[str, ...] = ()
    parent: str | None = None
    aliases: list[str] = field(default_factory=list)

    def role_on(self, day: str | None) -> KbRole | None:
        """The role held on ``day``. When several are held, a state office before a post in an
        international body (Goïta chairs the AES but acts as Mali's head of state), then the
        latest. With no date and no role still held, the last one held: an undated article about
        a former office holder most likely dates from the office."""
        held = [r for r in self.roles if r.held_on(day)]
        if not held and not day and self.roles:
            return max(self.roles, key=lambda r: r.until or "")
        return max(held, key=lambda r: (r.country is not None, r.since or "")) if held else None


@dataclass(slots=True, frozen=True)
class Alias:
    """One way of naming an actor in text."""

    actor_id: str
    text: str
    form: str
    """``name``, ``acronym``, ``demonym``, ``capital``, ``seat`` or ``surname``."""
    language: str | None = None
    case: Case = "title"
    """``exact``: written exactly so (acronyms: "UN" is not French "un"); ``title``: capitalised
    in the text; ``any``: any case (French and Russian demonyms are lower case)."""


@dataclass(slots=True, frozen=True)
class RoleWord:
    """A word for a role ("foreign minister") or a group ("troops") and the sector it implies."""

    text: str
    sector: str | None
    rank: str | None = None
    group: bool = False
    language: str | None = None
    title: str = ""
    """The entry's canonical (first English) wording: "top diplomat" -> "foreign minister", so
    that two wordings of one role are recognised as the same role."""
    plural: bool = False


@dataclass(slots=True, frozen=True)
class Match(Generic[T]):
    start: int
    end: int
    text: str
    values: tuple[T, ...]


@dataclass(slots=True, frozen=True)
class _Token:
    start: int
    end: int
    folded: str


class TokenTrie(Generic[T]):
    """Multi-word names keyed by folded tokens; finds the longest names in a text."""

    def __init__(self) -> None:
        self._root: dict[str, object] = {}
        self.size = 0

    def add(self, phrase: str, value: T) -> None:
        tokens = [fold_token(t) for t in TOKEN.findall(phrase)]
        if not tokens:
            return
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})  # type: ignore[assignment]
        values: list[T] = node.setdefault("", [])  # type: ignore[assignment]
        if value not in values:
            values.append(value)
            self.size += 1

    def finditer(
        self, text: str, accept: Callable[[tuple[T, ...], str], tuple[T, ...]] | None = None
    ) -> Iterator[Match[T]]:
        """Longest non-overlapping matches, left to right. ``accept`` keeps the values that fit
        what the text shows (case, say); where the longest candidate has none, shorter ones are
        tried ("Les forces armées maliennes" is not the name "Forces armées maliennes", but its
        last word is still a demonym)."""
        tokens = [_Token(m.start(), m.end(), fold_token(m.group())) for m in TOKEN.finditer(text)]
        i = 0
        while i < len(tokens):
            node = self._root
            found: list[tuple[int, list[T]]] = []
            j = i
            while j < len(tokens) and tokens[j].folded in node:
                node = node[tokens[j].folded]  # type: ignore[assignment]
                if "" in node:
                    found.append((j, node[""]))  # type: ignore[arg-type]
                j += 1
            match = None
            for last, values in reversed(found):
                start, end = tokens[i].start, tokens[last].end
                kept = tuple(values) if accept is None else accept(tuple(values), text[start:end])
                if kept:
                    match = Match(start, end, text[start:end], kept)
                    break
            if match is None:
                i += 1
                continue
            yield match
            while i < len(tokens) and tokens[i].start < match.end:
                i += 1


@dataclass(slots=True)
class KnowledgeBase:
    actors: dict[str, KbActor] = field(default_factory=dict)
    names: TokenTrie[Alias] = field(default_factory=TokenTrie)
    roles: TokenTrie[RoleWord] = field(default_factory=TokenTrie)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Folded demonym or name -> the several states it may mean."""
    sectors: dict[str, str] = field(default_factory=dict)
    version: str = ""
    _person_keys: dict[str, str] | None = field(default=None, repr=False)
    _role_words: dict[str, RoleWord | None] = field(default_factory=dict, repr=False)

    def person_keys(self) -> dict[str, str]:
        """Known people by the spelling-independent key of each of their full names (built on
        first use, after every file is loaded)."""
        if self._person_keys is None:
            keys: dict[str, str] = {}
            for actor in self.actors.values():
                if actor.kind == "person":
                    for alias in [actor.name, *actor.aliases]:
                        if len(TOKEN.findall(alias)) >= 2:
                            keys.setdefault(person_key(alias), actor.id)
            self._person_keys = keys
        return self._person_keys

    def role_word(self, title: str) -> RoleWord | None:
        """The role a title names, by its longest role word ("Minister of Foreign Affairs" ->
        the "foreign minister" entry), or None."""
        if title not in self._role_words:
            words = [m for m in self.find_roles(title) if not m.values[0].group]
            longest = max(words, key=lambda m: (m.end - m.start, m.start), default=None)
            self._role_words[title] = longest.values[0] if longest else None
        return self._role_words[title]

    def add_actor(self, actor: KbActor) -> None:
        known = self.actors.get(actor.id)
        if known is not None:  # a user file extends a shipped actor
            known.roles = known.roles + tuple(r for r in actor.roles if r not in known.roles)
            known.aliases.extend(a for a in actor.aliases if a not in known.aliases)
            for name in ("code", "country", "sector", "parent"):
                if getattr(actor, name):
                    setattr(known, name, getattr(actor, name))
            return
        self.actors[actor.id] = actor

    def add_alias(self, alias: Alias) -> None:
        self.names.add(alias.text, alias)
        actor = self.actors.get(alias.actor_id)
        if actor is not None and alias.text not in actor.aliases:
            actor.aliases.append(alias.text)

    def find_names(self, text: str) -> Iterator[Match[Alias]]:
        """Names of known actors in ``text``, with the case each alias requires checked."""
        yield from self.names.finditer(
            text, lambda values, seen: tuple(a for a in values if _case_fits(a, seen))
        )

    def find_roles(self, text: str) -> Iterator[Match[RoleWord]]:
        yield from self.roles.finditer(text)

    def today(self) -> str:
        return dt.date.today().isoformat()


def _case_fits(alias: Alias, seen: str) -> bool:
    if alias.case == "any":
        return True
    if alias.case == "exact":
        return list(TOKEN.findall(seen)) == list(TOKEN.findall(alias.text))
    first = seen.lstrip("«“\"'")[:1]
    return first.isupper() or not first.isalpha()
