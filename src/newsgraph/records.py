"""Typed records that travel between the stages of the pipeline.

Each stage takes one kind of record and produces the next; all of them are plain data (strings,
numbers, lists, dicts) so they cross process boundaries cheaply and serialise to JSON as they are.

    InputFile --readers--> RawDocument | Skipped --extraction--> Article --store--> SQLite
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

ContentType = Literal["html", "text"]
Severity = Literal["error", "warning", "info"]


@dataclass(slots=True, frozen=True)
class RawDocument:
    """One document as a reader found it: undecided content plus whatever metadata came with it.

    Metadata here comes from the *container* (a JSONL field, a feed entry, a WARC header); the
    extraction stage combines it with what it finds in the content itself.
    """

    source: str
    """Input path or URL as given; records inside containers get a ``#n`` suffix."""
    container: str
    """How it was packed: ``file``, ``jsonl``, ``warc`` or ``feed``."""
    content_type: ContentType
    content: str
    raw_hash: str
    """SHA-256 of the bytes the content was decoded from: the key for skipping unchanged input."""
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    fetched: str | None = None
    """When a crawler fetched it (WARC-Date, HTTP Date). Provenance only, never a publication date."""
    warnings: tuple[str, ...] = ()
    """Reasons for repairs that lost information (undecodable bytes replaced, ...)."""


@dataclass(slots=True, frozen=True)
class Skipped:
    """An input, or a record inside one, that produced no document, with the reason why."""

    source: str
    reason: str
    stage: str = "read"
    severity: Severity = "error"
    raw_hash: str | None = None


@dataclass(slots=True)
class Article:
    """A clean article: body without boilerplate, repaired text, and its metadata.

    ``provenance`` says, for each metadata field, where its value came from (for example
    ``{"published": "text: date header line", "outlet": "credit line: Read Full Article at
    RT.com"}``) so that an analyst can check any value against its source.
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    language: str | None
    text: str
    content_hash: str
    container: str
    content_type: ContentType
    raw_hash: str
    story_id: str | None = None
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    dateline: str | None = None
    via: str | None = None
    """The aggregator or host that carried an article credited to another outlet."""
    fetched: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed_lines: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# --- stage 2: annotation ---------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """A span of an article's text that names or refers to an actor.

    ``country`` and ``sector`` are those the actor has *here*: "Malian troops" is Mali, MIL; a
    person carries the country and sector of the role held at the article's date.
    """

    actor_id: str
    text: str
    start: int
    end: int
    sentence: int
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    how: str = "name"
    """``name``, ``acronym``, ``demonym``, ``capital``, ``seat``, ``surname``, ``ner``, ``group``,
    ``role`` (a title standing for a person, "the minister") or ``list`` (a plural group spread
    over the states listed nearby)."""
    confidence: float = 1.0


@dataclass(slots=True)
class RoleEvidence:
    """A role the text gives an actor: "Russia's Foreign Minister Sergey Lavrov"."""

    actor_id: str
    title: str
    country: str | None
    organization: str | None
    sector: str | None
    evidence: str
    """The sentence that states it."""
    start: int
    end: int
    """Offsets of the role phrase in the article text."""


@dataclass(slots=True)
class ActorRecord:
    id: str
    name: str
    kind: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Annotation:
    """What the annotation stage adds to one article: plain data, ready to store."""

    article_id: str
    language: str | None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    roles: list[RoleEvidence] = field(default_factory=list)
    actors: list[ActorRecord] = field(default_factory=list)
    parsed: bool = False
    """False when the language had no pipeline: mentions come from the knowledge base alone."""
    error: str | None = None
    """Why this article could not be annotated (the annotation is then empty), else None."""
    events: list[EventRecord] = field(default_factory=list)
    quotes: list[Any] = field(default_factory=list)
    """``events.quotes.Quote`` records: direct and reported speech with its speaker."""
    places: list[dict[str, Any]] = field(default_factory=list)
    """Places named in the text: ``{text, start, end, name, country, lat, lon, kind}``."""
    focus_countries: list[str] = field(default_factory=list)
    """ISO alpha-3 codes of the countries the article is about, most salient first."""


# --- stage 2b: events ------------------------------------------------------------------------------


@dataclass(slots=True)
class Participant:
    """One party to an event, as event coders code it: the actor, and the country and sector it
    acts for here ("Malian troops" is MLI, MIL)."""

    actor_id: str | None
    """None for a party the actor stage could not resolve ("gunmen"): its words are kept."""
    code: str | None
    """The actor's own code (ISO alpha-3 for a state, the short code of an organisation), else
    the country it acts for."""
    country: str | None
    sector: str | None
    text: str
    """The words that name it in the sentence."""


@dataclass(slots=True)
class EventRecord:
    """One PLOVER event stated by one sentence of one article."""

    article_id: str
    sentence: int
    event: str
    """One of the 16 PLOVER 2.0 types."""
    mode: str | None
    context: list[str]
    cameo: str | None
    actor: list[Participant]
    recipient: list[Participant]
    modality: str
    """``asserted``, ``intended``, ``hypothetical`` or ``negated``."""
    attributed_to: str | None
    """Actor id of whoever the text says claims it ("Diop said", "according to the Kremlin")."""
    attributed_text: str | None
    """The words that name the claimant, resolved or not ("witnesses", "the Treasury")."""
    hedges: list[str]
    """Words that flag the claim as unsupported or unverified ("without offering evidence")."""
    date: str | None
    date_text: str | None
    location: dict[str, Any] | None
    """``{name, country, lat, lon}`` of where it happened, when the sentence places it."""
    evidence_start: int
    evidence_end: int
    trigger: str
    """The words that state the event ("imposed sanctions"): what a reader checks first."""
    trigger_start: int
    trigger_end: int
    confidence: float
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
