"""Resolving an article's candidate mentions to canonical actors.

Read top to bottom, ``resolve_actors`` does, for one article:

1. find knowledge-base names, role and group words, and the model's people and organisations;
2. decide who each person is: a known person, someone named in full earlier (for a bare
   surname), or a new person keyed by a spelling-independent form of the full name;
3. read role phrases ("Russia's Foreign Minister", "the Ambassador of the Russian Federation to
   Mali,") and attach them to the person they introduce or follow, with the sentence as evidence;
4. turn the remaining role phrases into mentions: of the one person in the article who holds
   that role ("the minister"), else of the state with the role's sector ("the US leader");
5. turn group phrases into state-and-sector mentions ("Malian troops" -> Mali, MIL; "the ruling
   juntas" after "Mali, Burkina Faso and Niger" -> each of the three, GOV);
6. keep the remaining names as mentions of states, organisations and armed groups, capitals as
   their state's government when they act ("Moscow said").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from ..kb.model import KbActor, KnowledgeBase, RoleWord
from ..kb.normalise import TOKEN, person_key, slug
from ..records import ActorRecord, Mention, RoleEvidence
from .recognise import (
    EntitySpan,
    NameSpan,
    RoleSpan,
    find_entities,
    find_names,
    find_roles,
    looks_like_person_name,
    organisation_sector,
)

_DETERMINER = re.compile(
    r"^(the|a|an|le|la|les|l['’]|un|une|des|its|their|his|her|son|sa|ses|leur|leurs)$", re.I
)
_MODIFIER = re.compile(
    r"^(top|senior|former|ex|interim|acting|transitional|deputy|chief|new|then|current|military|civilian|"
    r"ruling|powerful|veteran|ancien|nouveau|nouvelle|premier|première|haut|haute|intérim|ex-)$",
    re.I,
)
_PREPOSITION = re.compile(r"^(of|for|to|in|at|on|with|de|du|des|d['’]|à|au|aux|en|auprès|pour|chez)$", re.I)
_HOST_PREPOSITION = re.compile(r"^(to|in|at|à|au|aux|en|auprès)$", re.I)
_JOINER = re.compile(r"^(and|et|&)$", re.I)
_POSSESSIVE = re.compile(r"^\s*['’]s?\b")
_CALENDAR = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)$",
    re.I,
)
# Military ranks tell less about the role a person acts in than an office does ("Colonel Assimi
# Goïta" acts as Mali's head of state): an office, stated or known, comes first.
_RANKS = re.compile(
    r"\b(colonel|general|général|lieutenant|captain|capitaine|major|commandant|sergeant|sergent|marshal|"
    r"maréchal|admiral|amiral|brigadier|colonel-major|général de brigade|général de division)\b",
    re.I,
)
_SUBJECT_OR_OBJECT = {"nsubj", "nsubjpass", "nsubj:pass", "dobj", "obj", "iobj", "agent", "csubj"}


@dataclass(slots=True)
class _Person:
    start: int
    end: int
    text: str
    actor_id: str
    kb: KbActor | None
    roles: list[RoleEvidence] = field(default_factory=list)
    titled: bool = False
    """A single name right after a title ("President Assad"): a person even without a first name."""


@dataclass(slots=True)
class _Phrase:
    """A role or group word with what qualifies it: "the Malian Minister of Defense"."""

    start: int
    end: int
    word: RoleWord
    country: str | None = None
    organization: str | None = None
    has_determiner: bool = False
    has_article: bool = False
    """"the juntas", not "their troops": only a definite article points back to a list."""
    parts: list[NameSpan] = field(default_factory=list)
    used: bool = False


@dataclass(slots=True)
class _Context:
    text: str
    kb: KnowledgeBase
    sentences: list[tuple[int, int]]
    published: str | None
    mentions: list[Mention] = field(default_factory=list)
    roles: list[RoleEvidence] = field(default_factory=list)
    actors: dict[str, ActorRecord] = field(default_factory=dict)
    consumed: list[tuple[int, int]] = field(default_factory=list)

    def sentence_of(self, offset: int) -> int:
        starts = [s for s, _ in self.sentences]
        return max(0, bisect.bisect_right(starts, offset) - 1) if starts else 0

    def sentence_start(self, offset: int) -> int:
        return self.sentences[self.sentence_of(offset)][0] if self.sentences else 0

    def sentence_text(self, index: int) -> str:
        if not self.sentences:
            return self.text
        start, end = self.sentences[index]
        return self.text[start:end]

    def taken(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.consumed)

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self.consumed.append((mention.start, mention.end))


def resolve_actors(
    text: str,
    doc: Any,
    kb: KnowledgeBase,
    sentences: list[tuple[int, int]],
    published: str | None = None,
    language: str | None = None,
) -> tuple[list[Mention], list[RoleEvidence], list[ActorRecord]]:
    """Mentions, role evidence and the actors they point to, for one article text."""
    ctx = _Context(text, kb, sentences, published)
    names = find_names(text, kb)
    words = find_roles(text, kb, names, language)
    entities = find_entities(doc, names)
    nouns = {t.idx for t in doc if t.pos_ in ("NOUN", "PROPN", "ADJ")} if doc is not None else set()
    phrases = [_phrase(w, names, text, nouns, ctx.sentence_start(w.start)) for w in words]
    persons = _persons(ctx, names, entities, phrases)
    _attach_roles(ctx, persons, phrases)
    for person in persons:
        _person_mention(ctx, person)
    _share_within_article(ctx)
    _nominal_roles(ctx, persons, phrases)
    _groups(ctx, phrases, names)
    _names(ctx, names, doc)
    _organisations(ctx, entities, names)
    ctx.mentions.sort(key=lambda m: (m.start, m.end, m.actor_id))
    return ctx.mentions, ctx.roles, list(ctx.actors.values())


# --- actors ------------------------------------------------------------------------------------


def _record(ctx: _Context, actor: KbActor) -> str:
    if actor.id not in ctx.actors:
        ctx.actors[actor.id] = ActorRecord(
            actor.id, actor.name, actor.kind, actor.code, actor.country, actor.sector, []
        )
    return actor.id


def _seen_as(ctx: _Context, actor_id: str, surface: str) -> None:
    record = ctx.actors[actor_id]
    if surface not in record.aliases:
        record.aliases.append(surface)


# --- 2. people ------------------------------------------------------------------------------------


def _persons(
    ctx: _Context, names: list[NameSpan], entities: list[EntitySpan], phrases: list[_Phrase]
) -> list[_Person]:
    known_keys = ctx.kb.person_keys()
    persons: list[_Person] = []
    for span in names:
        if span.actor.kind == "person":
            _record(ctx, span.actor)
            persons.append(_Person(span.start, span.end, span.text, span.actor.id, span.actor))
    role_ends = {p.end for p in phrases if not p.word.group}
    entities = entities + _names_after_titles(ctx, phrases, names, entities)
    for entity in entities:
        if entity.label in ("PERSON", "TITLED") or (
            looks_like_person_name(entity.text) and _follows_role(ctx.text, entity.start, role_ends)
        ):
            # "President Kagame": a lone surname right after a title is a person in its own right
            titled = entity.label == "TITLED" or (
                len(TOKEN.findall(entity.text)) == 1 and _follows_role(ctx.text, entity.start, role_ends)
            )
            persons.append(_Person(entity.start, entity.end, entity.text, "", None, titled=titled))
    persons.sort(key=lambda p: p.start)
    full: dict[str, _Person] = {}
    resolved: list[_Person] = []
    for person in persons:
        if person.actor_id:
            resolved.append(person)
            full.setdefault(_last(person.text), person)
            continue
        words = TOKEN.findall(person.text)
        if len(words) >= 2:
            key = person_key(person.text)
            actor_id = known_keys.get(key)
            if actor_id:
                person.kb = ctx.kb.actors[actor_id]
                person.actor_id = _record(ctx, person.kb)
            else:
                person.actor_id = f"person:{slug(key)}"
                if person.actor_id not in ctx.actors:
                    ctx.actors[person.actor_id] = ActorRecord(person.actor_id, person.text, "person")
            full.setdefault(_last(person.text), person)
            resolved.append(person)
        elif (earlier := full.get(_last(person.text))) is not None:
            # a bare surname after the full name: the same person
            person.actor_id, person.kb = earlier.actor_id, earlier.kb
            resolved.append(person)
        elif person.titled:
            person.actor_id = f"person:{slug(person_key(person.text))}"
            if person.actor_id not in ctx.actors:
                ctx.actors[person.actor_id] = ActorRecord(person.actor_id, person.text, "person")
            full.setdefault(_last(person.text), person)
            resolved.append(person)
        # an unknown bare name stays unresolved: too weak to be an actor of its own
    for person in resolved:
        _seen_as(ctx, person.actor_id, person.text)
    return resolved


_NAME_AFTER_TITLE = re.compile(r"\s*,?\s*((?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+\s+){1,3}[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]+)")
_SURNAME_AFTER_TITLE = re.compile(r"\s+([A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]{2,})\b(?!\s+[A-ZÀ-ÖØ-ÞА-ЯЁ])")


def _names_after_titles(
    ctx: _Context, phrases: list[_Phrase], names: list[NameSpan], entities: list[EntitySpan]
) -> list[EntitySpan]:
    """Capitalised names right after a title ("the Ambassador ... to Mali, Igor Gromyko") are
    people even when the model missed them."""
    found = []
    occupied = [(n.start, n.end) for n in names] + [(e.start, e.end) for e in entities]
    for phrase in phrases:
        if phrase.word.group:
            continue
        m = _NAME_AFTER_TITLE.match(ctx.text, phrase.end) or _SURNAME_AFTER_TITLE.match(ctx.text, phrase.end)
        if not m:
            continue
        start, end = m.start(1), m.end(1)
        words = m.group(1).split()
        if any(s < end and start < e for s, e in occupied) or any(_CALENDAR.match(w) for w in words):
            continue
        if any(ctx.kb.roles.finditer(w) for w in words[:1]) and next(ctx.kb.find_roles(words[0]), None):
            continue  # another title ("President Vladimir") starts here: its own phrase handles it
        found.append(EntitySpan(start, end, m.group(1), "PERSON" if len(words) > 1 else "TITLED"))
    return found


def _last(name: str) -> str:
    words = TOKEN.findall(name)
    return person_key(words[-1]) if words else ""


def _follows_role(text: str, start: int, role_ends: set[int]) -> bool:
    """A role phrase ends just before ``start`` (allowing a comma): "the UN, Vasily Nebenzya"."""
    gap_start = max(0, start - 4)
    return any(
        end in role_ends for end in range(gap_start, start + 1) if re.fullmatch(r"\s*,?\s*", text[end:start])
    )


# --- 3. role phrases ------------------------------------------------------------------------------


_RUSSIAN_GENITIVE = re.compile(r"[а-яё-]+(а|я|ы|и|ов|ев|ей|ого|его|ой|ых|их)")
_CYRILLIC_WORD = re.compile(r"[А-ЯЁ][а-яё-]+")  # a capitalised unknown word after a Russian title: a name
_RUSSIAN_VERB = re.compile(r"[а-яё-]+(ли|ла|ло|ть|ет|ит|ют|ят|ся|сь)")


def _tokens_between(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (m.start() + start, m.end() + start, m.group())
        for m in re.finditer(r"[\w'’-]+|[^\w\s]", text[start:end])
    ]


def _phrase(
    span: RoleSpan, names: list[NameSpan], text: str, nouns: set[int] | None = None, floor: int = 0
) -> _Phrase:
    """Extend a role word over what qualifies it, left ("Russia's", "the Malian", "top") and right
    ("of the Russian Federation to Mali"), and read the country and organisation it names."""
    phrase = _Phrase(span.start, span.end, span.word)
    for inner in names:  # a demonym inside the role word itself: "instructeurs russes"
        if span.start <= inner.start and inner.end <= span.end and inner.actor.kind == "state":
            phrase.country = inner.actor.code
            phrase.parts.append(inner)
    # left: modifiers, demonyms, possessive states, a determiner; other nouns and adjectives
    # ("French paper workers", "Taiwan's Vice Foreign Minister") only on the way to a country
    cursor = span.start
    line_start = max(text.rfind("\n", 0, cursor) + 1, min(floor, cursor))  # never into the previous sentence
    tentative: int | None = None
    loose = 0
    while True:
        before = text[max(line_start, cursor - 60) : cursor]
        m = re.search(r"([\w'’.-]+)(\s+)$", before)
        if not m:
            break
        word_start = cursor - len(m.group(1)) - len(m.group(2))
        word = m.group(1)
        word_end = word_start + len(word)
        name = next((n for n in names if n.end in (word_end, word_end - 1) and n.start >= line_start), None)
        if name is not None and name.actor.kind in ("state", "organization"):
            phrase.parts.append(name)
            if name.actor.kind == "state":
                phrase.country = phrase.country or name.actor.code
            else:
                phrase.organization = phrase.organization or name.actor.code
            cursor, tentative = name.start, None
            continue
        possessive = re.search(r"([\w-]+)['’]s?$", word)
        if possessive and (state := _name_ending(names, word_start + possessive.end(1))) is not None:
            phrase.parts.append(state)
            if state.actor.kind == "state":
                phrase.country = phrase.country or state.actor.code
            else:
                phrase.organization = phrase.organization or state.actor.code
            cursor, tentative = state.start, None
            continue
        if _MODIFIER.match(word):
            cursor = word_start
            continue
        if _DETERMINER.match(word):
            phrase.has_determiner = True
            phrase.has_article = bool(re.match(r"^(the|le|la|les|l['’])$", word, re.I))
            cursor, tentative = word_start, None
            break
        if nouns and word_start in nouns and loose < 2 and not _CALENDAR.match(word):
            tentative = cursor if tentative is None else tentative
            cursor, loose = word_start, loose + 1
            continue
        break
    if tentative is not None:
        cursor = tentative  # the nouns led to no country: they are not part of the phrase
    phrase.start = cursor
    # right: "of the Russian Federation to Mali", "de la Défense et des Anciens combattants"
    cursor, host = span.end, False
    in_complement = bool(re.search(r"\b(of|de|du|des|d['’])\s+\w+$", span.text, re.I))
    skip_until = -1
    for start, end, token in _tokens_between(text, span.end, min(len(text), span.end + 120)):
        if start < skip_until:
            continue
        postposed = next((n for n in names if n.start == start and n.alias.form == "demonym"), None)
        if postposed is not None and token[:1].islower():
            # French puts the demonym after the noun: "le ministre russe", "la diplomatie malienne"
            phrase.country = phrase.country or postposed.actor.code
            phrase.parts.append(postposed)
            cursor = skip_until = postposed.end
            continue
        if _PREPOSITION.match(token):
            host = bool(_HOST_PREPOSITION.match(token))
            in_complement = bool(re.match(r"^(of|de|du|des|d['’])$", token, re.I)) or host
        elif _DETERMINER.match(token) or (_JOINER.match(token) and in_complement):
            pass
        elif in_complement and not host and token[:1].islower() and nouns and start in nouns:
            pass  # "président de la transition", "ministre de la défense": a noun complement
        elif (
            not nouns
            and not span.word.group
            and _RUSSIAN_GENITIVE.fullmatch(token)
            and not _RUSSIAN_VERB.fullmatch(token)
        ):
            # Russian complements take the genitive, no preposition: "представитель министерства
            # обороны Нигера"; with no parse, the ending is the clue
            in_complement = True
        elif in_complement and token[:1].isupper():
            # "of the Russian Federation", "to the UN", "of Defense and Former Combatants"
            name = next((n for n in names if n.start == start), None)
            if name is not None and name.alias.form == "demonym":
                break  # "a spokesperson for Ukrainian military intelligence": the demonym is the next noun's
            if name is None and (
                host or _CALENDAR.match(token) or (not nouns and _CYRILLIC_WORD.match(token))
            ):
                break  # "in Bamako" is where, "on Thursday" when: neither is part of a title
            if name is not None:
                if name.actor.kind == "state" and not host:
                    phrase.country = phrase.country or name.actor.code
                elif name.actor.kind != "state":
                    phrase.organization = phrase.organization or name.actor.code
                phrase.parts.append(name)
                cursor = skip_until = name.end
                continue
        else:
            break
        cursor = end
    # do not end on a preposition or a determiner
    while True:
        trimmed = re.sub(
            r"\s*\b(of|for|to|in|at|on|with|de|du|des|à|au|aux|en|and|et|the|an?|la|le|les|une?)\s*$",
            "",
            text[phrase.start : cursor],
            flags=re.I,
        )
        if phrase.start + len(trimmed) == cursor:
            break
        cursor = phrase.start + len(trimmed)
    phrase.end = max(cursor, span.end)
    return phrase


def _name_ending(names: list[NameSpan], end: int) -> NameSpan | None:
    return next((n for n in names if n.end == end and n.actor.kind in ("state", "organization")), None)


def _attach_roles(ctx: _Context, persons: list[_Person], phrases: list[_Phrase]) -> None:
    """Attach each role phrase to the person it introduces ("Foreign Minister Sergey Lavrov",
    "the Ambassador ... to Mali, Igor Gromyko") or follows as an apposition ("Igor Gromyko,
    Ambassador of the Russian Federation in Mali")."""
    people = [p for p in phrases if not p.word.group]
    for person in persons:
        cursor = person.start
        while True:  # chains: "the Malian Minister of Defense, Colonel Sadio Camara"
            before = next(
                (
                    p
                    for p in people
                    if not p.used and p.end <= cursor and re.fullmatch(r"\s*,?\s*", ctx.text[p.end : cursor])
                ),
                None,
            )
            if before is None:
                break
            _give_role(ctx, person, before)
            cursor = before.start
        after = next(
            (
                p
                for p in people
                if not p.used
                and p.start >= person.end
                and re.fullmatch(r"\s*,\s*", ctx.text[person.end : p.start])
            ),
            None,
        )
        if after is not None and ctx.sentence_of(after.start) == ctx.sentence_of(person.start):
            _give_role(ctx, person, after)


def _give_role(ctx: _Context, person: _Person, phrase: _Phrase) -> None:
    phrase.used = True
    ctx.consumed.append((phrase.start, phrase.end))
    title = re.sub(
        r"^(the|a|an|le|la|l['’]|les)\s+", "", ctx.text[phrase.start : phrase.end], flags=re.I
    ).strip(" ,")
    evidence = RoleEvidence(
        actor_id=person.actor_id,
        title=title,
        country=phrase.country,
        organization=phrase.organization,
        sector=phrase.word.sector,
        evidence=ctx.sentence_text(ctx.sentence_of(phrase.start)).strip(),
        start=phrase.start,
        end=phrase.end,
    )
    person.roles.append(evidence)
    ctx.roles.append(evidence)


def _person_mention(ctx: _Context, person: _Person) -> None:
    """A person's mention carries the country and sector of the role held at the article's date:
    an office the article states, else the one the knowledge base knows for that date, else a
    military rank the article states; a possessive ("Mali's Abdoulaye Diop") gives the country."""
    stated = [r for r in ctx.roles if r.actor_id == person.actor_id]
    offices = [r for r in stated if not _RANKS.fullmatch(r.title.strip())]
    ranks = [r for r in stated if _RANKS.fullmatch(r.title.strip())]
    known = person.kb.role_on(ctx.published) if person.kb is not None else None
    country = sector = role = None
    if offices:
        best = max(offices, key=lambda r: (r.country is not None, r.sector is not None))
        country, sector, role = best.country, best.sector, best.title
    elif known is not None:
        country, sector, role = known.country, known.sector, known.title
    elif ranks:
        country, sector, role = ranks[0].country, ranks[0].sector, ranks[0].title
    if country is None:
        country = next((r.country for r in stated if r.country), None) or (known.country if known else None)
    if country is None:
        country = _possessive_country(ctx, person.start)
    if country is None and person.kb is None and sector == "GOV" and offices:
        # "President Yoweri Museveni has banned Ugandan opposition candidates": an office
        # without a country is most likely held in the one state the sentence names
        country = _sole_state(ctx, ctx.sentence_of(person.start))
    how = "name" if person.kb or len(TOKEN.findall(person.text)) > 1 else "surname"
    ctx.add(Mention(person.actor_id, person.text, person.start, person.end, ctx.sentence_of(person.start),
                    country, sector, role, how, 0.9 if person.kb else 0.8))  # fmt: skip


def _sole_state(ctx: _Context, sentence: int) -> str | None:
    start, end = ctx.sentences[sentence] if ctx.sentences else (0, len(ctx.text))
    states = {
        actor.code
        for match in ctx.kb.find_names(ctx.text[start:end])
        for alias in match.values[:1]
        if (actor := ctx.kb.actors.get(alias.actor_id)) is not None
        and actor.kind == "state"
        and alias.form != "capital"  # "in Washington" says where they met, not whose office
    }
    return states.pop() if len(states) == 1 else None


def _possessive_country(ctx: _Context, start: int) -> str | None:
    """The state in "Mali's Abdoulaye Diop" / "Mali’s Diop"."""
    before = ctx.text[max(0, start - 40) : start]
    m = re.search(r"([\w -]+?)['’]s?\s+$", before)
    if not m:
        return None
    for name in ctx.kb.find_names(m.group(1)):
        for alias in name.values:
            actor = ctx.kb.actors.get(alias.actor_id)
            if actor is not None and actor.kind == "state" and name.end == len(m.group(1)):
                return actor.code
    return None


def _share_within_article(ctx: _Context) -> None:
    """A bare surname later in the article carries what its full mention established."""
    best: dict[str, Mention] = {}
    for mention in ctx.mentions:
        if mention.country or mention.sector:
            best.setdefault(mention.actor_id, mention)
    for mention in ctx.mentions:
        known = best.get(mention.actor_id)
        if known is not None and not (mention.country or mention.sector):
            mention.country, mention.sector, mention.role = known.country, known.sector, known.role


# --- 4. titles standing for people -------------------------------------------------------------------


def _nominal_roles(ctx: _Context, persons: list[_Person], phrases: list[_Phrase]) -> None:
    for phrase in phrases:
        if phrase.used or phrase.word.group or ctx.taken(phrase.start, phrase.end):
            continue
        if not (phrase.has_determiner or phrase.country or phrase.organization):
            continue  # a bare "president" in a list or a headline says too little
        holders = {p.actor_id: p for p in persons if p.start < phrase.start and _holds(ctx, p, phrase)}
        text = ctx.text[phrase.start : phrase.end]
        sentence = ctx.sentence_of(phrase.start)
        if not holders and phrase.country:
            # "the Russian diplomat", "the Malian minister": the one person of that country named
            # before in a role of that kind ("Foreign Minister" is a kind of "minister")
            generic = bool(_GENERIC_TITLE.search(phrase.word.text))
            holders = {
                p.actor_id: p
                for p in persons
                if p.start < phrase.start
                and any(
                    r.country == phrase.country
                    and r.sector == phrase.word.sector
                    and (generic or _kind_of(ctx.kb.role_word(r.title), phrase.word.title))
                    for r in _roles_of(ctx, p)
                )
            }
        if not holders and phrase.country:
            # "the Russian President": whoever the knowledge base says held that office then
            holder = _office_holder(ctx, phrase)
            if holder is not None:
                actor_id = _record(ctx, holder)
                _seen_as(ctx, actor_id, ctx.text[phrase.start : phrase.end])
                held = holder.role_on(ctx.published)
                ctx.add(Mention(actor_id, ctx.text[phrase.start : phrase.end], phrase.start, phrase.end,
                                ctx.sentence_of(phrase.start), phrase.country, phrase.word.sector,
                                held.title if held else None, "role", 0.6))  # fmt: skip
                phrase.used = True
                continue
        if len(holders) == 1:
            person = next(iter(holders.values()))
            mention = next(m for m in ctx.mentions if m.actor_id == person.actor_id)
            ctx.add(Mention(person.actor_id, text, phrase.start, phrase.end, sentence, mention.country,
                            mention.sector, mention.role, "role", 0.7))  # fmt: skip
            phrase.used = True
        elif phrase.country:
            actor = ctx.kb.actors[f"state:{phrase.country}"]
            ctx.add(Mention(_record(ctx, actor), text, phrase.start, phrase.end, sentence, phrase.country,
                            phrase.word.sector, phrase.word.title, "role", 0.7))  # fmt: skip
            phrase.used = True


def _kind_of(word: RoleWord | None, general: str) -> bool:
    """ "foreign minister" is a kind of "minister"; "minister" is not a kind of "prime minister"."""
    return word is not None and (word.title == general or word.title.endswith(" " + general))


def _roles_of(ctx: _Context, person: _Person) -> list[Any]:
    """The roles the text states for a person, and the one the knowledge base knows at the date."""
    held = person.kb.role_on(ctx.published) if person.kb is not None else None
    return [*person.roles, *([held] if held is not None else [])]


_GENERIC_TITLE = re.compile(
    r"\b(diplomat|official|leader|representative|envoy|spokes\w*|dirigeant|responsable|diplomate|représentant|émissaire)\b",
    re.I,
)


def _office_holder(ctx: _Context, phrase: _Phrase) -> KbActor | None:
    """The one known person who held the office the phrase names, in its country, at the date."""
    if _GENERIC_TITLE.search(phrase.word.text):
        return None
    found = [
        actor
        for actor in ctx.kb.actors.values()
        if actor.kind == "person"
        and (held := actor.role_on(ctx.published)) is not None
        and held.country == phrase.country
        and _office(ctx.kb.role_word(held.title)) == _office(phrase.word)
    ]
    return found[0] if len(found) == 1 else None


def _holds(ctx: _Context, person: _Person, phrase: _Phrase) -> bool:
    """The person holds the role the phrase names (same role, compatible country)."""
    held = person.kb.role_on(ctx.published) if person.kb is not None else None
    titles = [r.title for r in person.roles] + ([held.title] if held is not None else [])
    if _office(phrase.word) not in {_office(ctx.kb.role_word(t)) for t in titles}:
        return False
    countries = {r.country for r in person.roles if r.country}
    if held is not None and held.country:
        countries.add(held.country)
    return phrase.country is None or not countries or phrase.country in countries


_SUPREME_OFFICES = ("head of state", "head of government")


def _office(word: RoleWord | None) -> str | None:
    """What a role word says of the office: for the top of a state, the office itself ("Mali's
    president" is its transitional president; "the emir" is the head of state), else its title."""
    if word is None:
        return None
    return word.rank if word.rank in _SUPREME_OFFICES else word.title


# --- 5. groups ------------------------------------------------------------------------------------------


def _groups(ctx: _Context, phrases: list[_Phrase], names: list[NameSpan]) -> None:
    for phrase in phrases:
        if not phrase.word.group or phrase.used or ctx.taken(phrase.start, phrase.end):
            continue
        country, start, end = phrase.country, phrase.start, phrase.end
        if country is None:  # "rebels in the Ivory Coast": where a group is says whose it is
            country = next((p.actor.code for p in phrase.parts if p.actor.kind == "state"), None)
        if country is None:
            country, end = _country_after(ctx.text, phrase, names)
        sentence = ctx.sentence_of(phrase.start)
        if country is not None:
            actor = ctx.kb.actors.get(f"state:{country}")
            if actor is not None:
                ctx.add(Mention(_record(ctx, actor), ctx.text[start:end], start, end, sentence, country,
                                phrase.word.sector, None, "group", 0.8))  # fmt: skip
            continue
        if phrase.word.plural and phrase.word.sector in ("GOV", "MIL") and phrase.has_article:
            for state in _listed_states(ctx, names, sentence):
                ctx.mentions.append(
                    Mention(
                        _record(ctx, state),
                        ctx.text[start:end],
                        start,
                        end,
                        sentence,
                        state.code,
                        phrase.word.sector,
                        None,
                        "list",
                        0.5,
                    )
                )
            ctx.consumed.append((start, end))


def _country_after(text: str, phrase: _Phrase, names: list[NameSpan]) -> tuple[str | None, int]:
    """French and postposed forms: "les troupes maliennes", "la junte au pouvoir à Niamey"."""
    for name in names:
        if name.actor.kind != "state" or name.start < phrase.end:
            continue
        gap = text[phrase.end : name.start]
        if name.alias.form == "demonym" and re.fullmatch(r"\s*", gap):
            return name.actor.code, name.end
        if name.alias.form in ("name", "capital") and re.fullmatch(
            r"\s+(in|of|from|throughout|across|à|de|du|en|au|au pouvoir à|in power in)\s+(the\s+)?", gap, re.I
        ):
            return name.actor.code, name.end
        break
    return None, phrase.end


def _listed_states(ctx: _Context, names: list[NameSpan], sentence: int) -> list[KbActor]:
    """The states of a coordinated list ("Mali, Burkina Faso and Niger") in the same sentence:
    what a plural group ("the ruling juntas") most likely covers. Only one list, of two states or
    more; otherwise nothing."""
    states = [n for n in names if n.actor.kind == "state" and n.alias.form == "name"
              and ctx.sentence_of(n.start) == sentence]  # fmt: skip
    runs: list[list[NameSpan]] = []
    for name in states:
        if runs and re.fullmatch(r"\s*(,|,?\s+(and|et|or|ou))\s*", ctx.text[runs[-1][-1].end : name.start]):
            runs[-1].append(name)
        else:
            runs.append([name])
    lists = [run for run in runs if len({n.actor.id for n in run}) >= 2]
    if len({tuple(sorted({n.actor.id for n in run})) for run in lists}) != 1:
        return []
    unique: dict[str, KbActor] = {}
    for name in lists[-1]:
        unique.setdefault(name.actor.id, name.actor)
    return list(unique.values())


# --- 6. the other names ----------------------------------------------------------------------------------


def _names(ctx: _Context, names: list[NameSpan], doc: Any) -> None:
    for name in names:
        if name.actor.kind == "person" or ctx.taken(name.start, name.end):
            continue
        actor = name.actor
        sector = actor.sector if actor.kind != "state" else None
        if actor.kind == "state" and name.alias.form in ("capital", "seat"):
            sector = "GOV" if name.alias.form == "seat" or _acts(ctx.text, name) else "CVL"
        elif actor.kind == "state" and name.alias.form == "demonym" and _people_noun(name.text):
            sector = "CVL"  # "Nigerians", "les Maliens", "малийцы": the people of a country
        country = actor.code if actor.kind == "state" else actor.country
        if name.alias.form == "demonym" and _ETHNIC.search(ctx.text[max(0, name.start - 12) : name.start]):
            continue  # "ethnic Albanians" in Kosovo or Macedonia are not Albania: no state to code
        confidence = {"name": 0.95, "acronym": 0.9, "seat": 0.85, "capital": 0.8, "demonym": 0.8}.get(
            name.alias.form, 0.7
        )
        ctx.add(Mention(_record(ctx, actor), name.text, name.start, name.end, ctx.sentence_of(name.start),
                        country, sector, None, name.alias.form, confidence))  # fmt: skip
        _seen_as(ctx, actor.id, name.text)


_ETHNIC = re.compile(r"\b(ethnic|d['’]origine|этнические|этнических)\s+$", re.I)


def _people_noun(text: str) -> bool:
    word = text.split()[-1]
    return (word[:1].isupper() and word.endswith("s") and not word.endswith("ss")) or word.endswith("цы")


_PLACE_PREPOSITION = re.compile(
    r"\b(in|at|to|from|near|into|outside|inside|across|around|throughout|via|à|au|aux|en|dans|vers|près de|"
    r"depuis|jusqu['’]à|в|во|из|на|под)\s+(the\s+)?(capital\s+|city\s+of\s+|capitale\s+|ville\s+de\s+)?$",
    re.I,
)


def _acts(text: str, name: NameSpan) -> bool:
    """A capital stands for its government ("Moscow said", "accusations made by Bamako") unless
    it is where something happens ("talks in Moscow", "arrivés à Bamako"). The preposition tells
    this more reliably than a small model's parse of the clause."""
    return not _PLACE_PREPOSITION.search(text[max(0, name.start - 40) : name.start])


def _organisations(ctx: _Context, entities: list[EntitySpan], names: list[NameSpan]) -> None:
    """Organisations the model tags that the knowledge base does not know."""
    for entity in entities:
        if entity.label != "ORG" or ctx.taken(entity.start, entity.end):
            continue
        words = entity.text.split()
        if len(words) < 2 and not entity.text.isupper():
            continue
        inside = [
            n for n in names if entity.start <= n.start and n.end <= entity.end and n.actor.kind == "state"
        ]
        actor_id = f"org:{slug(entity.text)}"
        if actor_id not in ctx.actors:
            ctx.actors[actor_id] = ActorRecord(
                actor_id, entity.text, "organization", None,
                inside[0].actor.code if inside else None, organisation_sector(entity.text), [],
            )  # fmt: skip
        record = ctx.actors[actor_id]
        ctx.add(Mention(actor_id, entity.text, entity.start, entity.end, ctx.sentence_of(entity.start),
                        record.country, record.sector, None, "ner", 0.6))  # fmt: skip
        _seen_as(ctx, actor_id, entity.text)
