"""Grouping articles into stories, one article at a time, so that new coverage joins old.

A story is the coverage of one real-world event across outlets and languages. An article joins
the story whose coverage it is closest to, if it is close enough; otherwise it founds a new one.
"Close" combines three signals, each cheap to keep per article:

- the cosine of the two articles' title-and-lead vectors (multilingual, see ``embed``): the
  main signal, and the only one that works across languages without shared words;
- the named actors both articles mention (people, organisations, armed groups: states are too
  common in a topical corpus to tell two Mali stories apart), and the event signatures both
  report (type, party codes, day);
- the calendar: only stories that began within ``window_days`` of the article's day are
  candidates, because two ambushes in the same region a month apart are two stories.

To stop a chain of near neighbours from pulling unrelated articles together, the score of an
article against a story is half its best match and half its average over the members, and
the window is anchored at the story's first day rather than sliding with it. Story ids come from the founding article and never change, so links to a story
stay valid as coverage grows. An article that qualifies for two stories merges them into the
one founded first (the other id is kept as an alias by the store); a story is never split
(``newsgraph stories --rebuild`` reclusters everything from scratch, in date order).

Near-duplicates (a syndicated copy, an aggregator's re-post with a new headline) are found
inside the story by shingle containment: the share of one text's word 4-grams found in the
other. They stay members of the story, marked ``duplicate_of`` their first copy, so that
coverage counts can leave them out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(slots=True, frozen=True)
class ClusterParams:
    """The thresholds, chosen on the demo corpus and FA-KES (see docs/stories.md)."""

    window_days: int = 2
    """An article joins only stories that began at most this many days before or after its day."""
    link: float = 0.89
    """Minimum story score: the mean of the best member score and the average member score."""
    day_penalty: float = 0.015
    """Taken off the story score per day between the article and the story's first day."""
    undated_link: float = 0.93
    """An article with no day can join any loaded story, but only on a stronger match."""
    actor_bonus: float = 0.015
    """Added to the cosine per shared named actor (people, organisations, armed groups) ..."""
    max_actor_bonus: float = 0.045
    """... up to this much."""
    cross_language: float = 0.045
    """Added to the cosine of two articles in different languages: translations sit further
    apart in the model's space than paraphrases (on the SemEval-2022 training sample, by 0.046
    for similar pairs and 0.040 for dissimilar ones), so one threshold serves both."""
    event_bonus: float = 0.02
    """Added when both articles report an event with the same type, party codes and day."""
    duplicate_containment: float = 0.6
    """Share of the shorter text's word 4-grams found in the other: a near-duplicate."""
    duplicate_cosine: float = 0.9
    """Only pairs this close are checked for containment (the check reads both texts)."""


@dataclass(slots=True)
class StoryArticle:
    """What clustering needs of one article: plain data, no model, no database."""

    article_id: str
    day: dt.date | None
    language: str | None
    outlet: str | None
    title: str | None
    vector: np.ndarray
    actors: frozenset[str] = frozenset()
    """Named actors (not states) the article mentions."""
    shingles: frozenset[int] = frozenset()
    events: frozenset[str] = frozenset()
    """Event signatures: type, party codes and day ("ASSAULT|SYR>|2017-04-05")."""
    lead: str = ""
    """The title-and-lead text that was embedded (a headline for an untitled story)."""


@dataclass(slots=True)
class Story:
    id: str
    members: list[StoryArticle] = field(default_factory=list)
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def add(self, article: StoryArticle) -> None:
        self.members.append(article)
        if article.day is not None:
            self.add_day(article.day)

    def add_day(self, day: dt.date) -> None:
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)


@dataclass(slots=True, frozen=True)
class Assignment:
    article_id: str
    story_id: str
    score: float
    """The score that joined the article to its story; 1.0 for the article that founded it."""
    duplicate_of: str | None = None


def story_id_for(article_id: str) -> str:
    """A story is named after the article that founded it: stable across re-runs."""
    return "s" + hashlib.sha1(article_id.encode()).hexdigest()[:15]


_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 4) -> frozenset[int]:
    """Hashes of the text's word ``size``-grams (case-folded), for near-duplicate checks."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return frozenset({zlib.crc32(" ".join(words).encode())}) if words else frozenset()
    return frozenset(zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def pair_score(a: StoryArticle, b: StoryArticle, params: ClusterParams) -> float:
    """Cosine of the two vectors, plus a small bonus per named actor both mention and one for
    reporting an event with the same signature (type, parties, day)."""
    cosine = float(np.dot(a.vector, b.vector))
    if a.language and b.language and a.language != b.language:
        cosine += params.cross_language
    shared = len(a.actors & b.actors)
    bonus = min(params.max_actor_bonus, shared * params.actor_bonus)
    if a.events & b.events:
        bonus += params.event_bonus
    return cosine + bonus


def _in_window(story: Story, day: dt.date, window: int) -> bool:
    """Anchored at the story's first day, so that daily coverage of a long conflict cannot
    chain into one endless story."""
    if story.first_day is None:
        return False
    return abs((day - story.first_day).days) <= window


def story_score(article: StoryArticle, story: Story, params: ClusterParams) -> float:
    """Half the best member's score, half the average member's: the best match lets a story
    take in a new angle on it, the average keeps a chain of neighbours from drifting off topic.
    Each day between the article and the story's first day costs ``day_penalty``: in a dense
    stream of war news the same-day story is the likelier one."""
    scores = [pair_score(article, m, params) for m in story.members]
    score = 0.5 * max(scores) + 0.5 * sum(scores) / len(scores)
    if article.day is not None and story.first_day is not None:
        score -= params.day_penalty * abs((article.day - story.first_day).days)
    return score


def _matching_stories(
    article: StoryArticle, stories: Iterable[Story], params: ClusterParams
) -> list[tuple[Story, float]]:
    """The stories ``article`` may join, best first."""
    need = params.link if article.day is not None else params.undated_link
    found = []
    for story in stories:
        if not story.members:
            continue
        if article.day is not None and not _in_window(story, article.day, params.window_days):
            continue
        score = story_score(article, story, params)
        if score >= need:
            found.append((story, score))
    return sorted(found, key=lambda pair: (-pair[1], pair[0].id))


def _founded_first(story: Story) -> tuple[bool, dt.date, str]:
    return (story.first_day is None, story.first_day or dt.date.max, story.id)


def _duplicate_of(article: StoryArticle, story: Story, params: ClusterParams) -> str | None:
    """The first member ``article`` copies nearly word for word, if any."""
    for member in story.members:
        if member.language != article.language or member.article_id == article.article_id:
            continue
        if float(np.dot(member.vector, article.vector)) < params.duplicate_cosine:
            continue
        if containment(article.shingles, member.shingles) >= params.duplicate_containment:
            return member.article_id
    return None


@dataclass(slots=True)
class Grouping:
    assignments: list[Assignment] = field(default_factory=list)
    merges: dict[str, str] = field(default_factory=dict)
    """Story id -> the id of the story it was merged into (an article bridged them)."""


def assign(
    new: Sequence[StoryArticle], stories: list[Story], params: ClusterParams | None = None
) -> Grouping:
    """Put every article of ``new`` into a story of ``stories`` (founding new ones as needed).

    ``stories`` is updated in place; articles are taken in date order (undated last), so the
    result does not depend on the order they were read in. An article that qualifies for two
    stories or more joins them into one, kept under the id of the story founded first: coverage
    that arrived split (the two outlets that wrote first used different words) is made whole
    when the article that bridges them arrives.
    """
    params = params or ClusterParams()
    ordered = sorted(new, key=lambda a: (a.day is None, a.day or dt.date.min, a.article_id))
    grouping = Grouping()
    for article in ordered:
        matches = _matching_stories(article, stories, params)
        if not matches:
            story, score, duplicate = Story(story_id_for(article.article_id)), 1.0, None
            stories.append(story)
        else:
            score = matches[0][1]
            story = min((s for s, _ in matches), key=_founded_first)
            for other, _ in matches:
                if other is not story:
                    _merge(other, story, stories, grouping.merges)
            duplicate = _duplicate_of(article, story, params)
        story.add(article)
        grouping.assignments.append(Assignment(article.article_id, story.id, round(score, 4), duplicate))
    final = {}
    for old in grouping.merges:  # follow chains: a story merged into one merged later
        target = old
        while target in grouping.merges:
            target = grouping.merges[target]
        final[old] = target
    grouping.merges = final
    grouping.assignments = [
        Assignment(a.article_id, final.get(a.story_id, a.story_id), a.score, a.duplicate_of)
        for a in grouping.assignments
    ]
    return grouping


def _merge(source: Story, target: Story, stories: list[Story], merges: dict[str, str]) -> None:
    for member in source.members:
        target.add(member)
    for day in (source.first_day, source.last_day):
        if day is not None:
            target.add_day(day)
    stories.remove(source)
    merges[source.id] = target.id


def story_title(story: Story, prefer_language: str = "en") -> str | None:
    """The title of the member closest to the story's centre, in ``prefer_language`` when one
    of the members is written in it (analysts read the list in one language)."""
    if not story.members:
        return None
    centre = np.stack([m.vector for m in story.members]).mean(axis=0)
    titled = [m for m in story.members if m.title] or story.members
    preferred = [m for m in titled if m.language == prefer_language] or titled
    best = max(preferred, key=lambda m: (float(np.dot(m.vector, centre)), m.article_id))
    return best.title or _headline(best.lead)


_DATELINE = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'’-]{2,30}(?:"
    r",\s*\w{3,9}\.?\s+\d{1,2}\.?\s*(?:/[^/\n]{1,20}/\.?|\([^)\n]{1,30}\))?\s*[-–—:.]?"  # city, date, tag
    r"|\s*(?:/[^/\n]{1,20}/\.?|\([^)\n]{1,30}\))\s*[-–—:.]?"  # city and tag
    r"|\s*[-–—:]"  # city and a dash
    r")\s+"
)
"""A wire dateline opening the lead: "MOSCOW, April 3. /TASS/.", "NIAMEY, Oct 12 (Northwire) -"."""


def _headline(lead: str, limit: int = 110) -> str | None:
    """For an article without a title: its first sentence, cut at a word near ``limit``."""
    body = _DATELINE.sub("", lead.strip(), count=1) or lead.strip()
    first = re.split(r"(?:(?<=\w\w[.!?])|(?<=[»”\"')][.!?]))\s+", body, maxsplit=1)[0]
    if len(first) > limit:
        cut = first.rfind(" ", 0, limit)
        first = first[: cut if cut > limit // 2 else limit].rstrip(",;: ") + "…"
    return first or None
