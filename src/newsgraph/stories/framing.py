"""How each outlet tells a story: the side-by-side comparison analysts ask for.

For one story, outlet by outlet, from what the earlier stages stored:

- **events**: the real-world events of the story (event records linked across articles by
  ``report_group``), which outlets report each and which leave it out, with the sentence;
- **naming**: the words each outlet uses for the same actor ("Mali's junta" / "the transitional
  government"): a mention's label is its text without the actor's own names (so "Russian
  mercenaries" gives "mercenaries"), or the name itself when that is all there is;
- **loaded terms**: politically loaded labels grouped by concept (``data/stories/framing.yaml``);
- **markers**: hedges ("without offering evidence", from the event lexicon) and attribution
  markers ("claimed", "alleged"), each with its sentence;
- **quotes** each outlet carries, and whose;
- **tone** toward each actor: a lexicon method in the manner of the Lexicoder Sentiment
  Dictionary, reduced to counting: in the sentences that mention the actor, positive and
  negative tone words are counted and tone = (positive - negative) / (positive + negative + 1),
  so a sentence-free actor scores 0 and a single word cannot swing the score to an extreme.

Everything is returned as plain data (``compare_story``) with offsets into each article's text,
so the CLI table, the JSON output and the dashboard show the same evidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..events.lexicon import lexicon_for
from ..kb import load_kb
from ..kb.model import KnowledgeBase
from ..store import Store

NO_OUTLET = "(outlet unknown)"
MAX_MARKERS = 40
"""Per outlet, hedges and attribution markers listed with their sentence (counts are complete)."""
MAX_ACTORS = 20

_EDGE_WORDS = {
    "en": {"the", "a", "an", "of", "in", "on", "at", "from", "for", "and", "'s", "’s", "s"},
    "fr": {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "en", "à", "au", "aux", "et"},
    "ru": {"и", "в", "на", "из"},
}


@dataclass(slots=True, frozen=True)
class FramingLexicon:
    positive: dict[str, re.Pattern[str]]
    negative: dict[str, re.Pattern[str]]
    attribution: dict[str, re.Pattern[str]]
    loaded: tuple[tuple[str, dict[str, re.Pattern[str]]], ...]
    """(concept, pattern per language); each pattern's match is the term as written."""


def _term_pattern(terms: list[str], where: str) -> re.Pattern[str]:
    """One case-insensitive whole-word pattern for ``terms``; a trailing ``*`` is a prefix."""
    parts = []
    for term in sorted({str(t).strip().casefold() for t in terms if str(t).strip()}, key=len, reverse=True):
        prefix = term.endswith("*")
        words = [re.escape(w).replace("'", "['’]") for w in term.rstrip("*").split()]
        if not words:
            raise ConfigError(f"empty term in {where}")
        parts.append(r"\s+".join(words) + (r"\w*" if prefix else ""))
    if not parts:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


@functools.cache
def load_framing_lexicon(path: Path | None = None) -> FramingLexicon:
    """The shipped framing lexicon (or the YAML file at ``path`` in the same shape)."""
    try:
        if path is None:
            text = resources.files("newsgraph.data").joinpath("stories", "framing.yaml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the framing lexicon: {exc}") from exc
    tone = data.get("tone") or {}
    where = str(path or "framing.yaml")
    return FramingLexicon(
        positive={lang: _term_pattern(v.get("positive") or [], where) for lang, v in tone.items()},
        negative={lang: _term_pattern(v.get("negative") or [], where) for lang, v in tone.items()},
        attribution={
            lang: _term_pattern(v or [], where) for lang, v in (data.get("attribution") or {}).items()
        },
        loaded=tuple(
            (
                str(entry["concept"]),
                {
                    lang: _term_pattern(terms or [], where)
                    for lang, terms in entry.items()
                    if lang != "concept"
                },
            )
            for entry in data.get("loaded_terms") or []
        ),
    )


# --- small helpers ---------------------------------------------------------------------------


class _Sentences:
    """Sentence spans of one article, for "which sentence holds this offset"."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans or [(0, len(text))]
        self.starts = [s for s, _ in self.spans]

    def around(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.spans[i]

    def evidence(self, offset: int) -> dict[str, Any]:
        start, end = self.around(offset)
        return {"text": self.text[start:end], "start": start, "end": end}


def mention_label(text: str, kb: KnowledgeBase, language: str | None) -> str:
    """What a mention calls its actor, without the actor's own name: "Mali's military junta" ->
    "military junta", "des instructeurs russes" -> "instructeurs"; a bare name stays as written."""
    kept = list(text)
    for match in kb.find_names(text):
        for i in range(match.start, match.end):
            kept[i] = " "
    words = re.findall(r"[\w’'-]+", "".join(kept))
    edge = _EDGE_WORDS.get(language or "", set()) | _EDGE_WORDS["en"]
    while words and words[0].casefold() in edge:
        words.pop(0)
    while words and words[-1].casefold() in edge:
        words.pop()
    words = [w for w in words if w not in ("'s", "’s")]
    label = " ".join(words)
    if len(label) <= 2:
        label = " ".join(text.split())
    return label if _acronym(label) else label.casefold()


def _acronym(text: str) -> bool:
    return len(text) <= 6 and sum(c.isupper() for c in text) >= 2 and " " not in text


def _tone(sentence: str, language: str | None, lexicon: FramingLexicon) -> tuple[int, int]:
    lang = language if language in lexicon.positive else "en"
    return (
        len(lexicon.positive[lang].findall(sentence)),
        len(lexicon.negative[lang].findall(sentence)),
    )


# --- the comparison --------------------------------------------------------------------------


def compare_story(store: Store, story_id: str, *, kb: KnowledgeBase | None = None) -> dict[str, Any] | None:
    """The framing comparison of one story as plain data (None if there is no such story)."""
    story = store.story(story_id)
    if story is None:
        return None
    story_id = story["id"]  # the id may have been one of a story since merged into this one
    kb = kb or load_kb(())
    lexicon = load_framing_lexicon()
    articles = {a["id"]: a for a in store.story_articles(story_id)}
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in store.story_sentences(story_id):
        spans[row["article_id"]].append((row["start"], row["end"]))
    sentences = {aid: _Sentences(a["text"] or "", spans.get(aid, [])) for aid, a in articles.items()}
    outlet_of = {aid: a["outlet"] or NO_OUTLET for aid, a in articles.items()}
    profiles = store.outlet_profiles()
    mentions = store.story_mentions(story_id)
    top = _top_actors(mentions, outlet_of)  # the actors both the naming and the tone rows compare
    outlets = sorted(set(outlet_of.values()), key=lambda o: (min(
        (a["published"] or "9999") for a in articles.values() if outlet_of[a["id"]] == o), o))  # fmt: skip
    return {
        "story": {
            k: story[k]
            for k in (
                "id",
                "title",
                "first_published",
                "last_published",
                "languages",
                "article_ids",
                "first_day",
                "last_day",
            )
        },
        "outlets": [_outlet_entry(name, profiles.get(name), articles, outlet_of) for name in outlets],
        "events": _events(store, story_id, outlets, outlet_of),
        "naming": _naming(mentions, top, articles, outlet_of, kb),
        "loaded_terms": _loaded_terms(articles, outlet_of, sentences, lexicon),
        "markers": _markers(articles, outlet_of, sentences, lexicon),
        "quotes": _quotes(store.story_quotes(story_id), outlet_of),
        "tone": _tones(mentions, top, articles, outlet_of, sentences, lexicon),
    }


def _outlet_entry(
    name: str, profile: dict[str, Any] | None, articles: dict[str, dict[str, Any]], outlet_of: dict[str, str]
) -> dict[str, Any]:
    own = [a for a in articles.values() if outlet_of[a["id"]] == name]
    return {
        "name": name,
        "country": (profile or {}).get("country"),
        "ownership": (profile or {}).get("ownership"),
        "kind": (profile or {}).get("kind"),
        "articles": [
            {k: a[k] for k in ("id", "title", "published", "language", "url", "duplicate_of")} for a in own
        ],
    }


def _party(parties: list[dict[str, Any]]) -> str:
    """Codes where the parties have them (the same in every language), else their words."""
    names = dict.fromkeys(
        p.get("code") or " ".join(re.sub(r"[«»“”\"]", " ", p.get("text") or "?").split()) for p in parties
    )
    return ", ".join(names) or "—"


def _parties(event: dict[str, Any]) -> set[str]:
    return {
        p.get("actor_id") or p.get("code") or (p.get("text") or "").casefold()
        for p in (event["actor"] or []) + (event["recipient"] or [])
    } - {""}


def _same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Inside one story, two records are one event when their type matches, they share a party
    and their dates (if both have days) are at most two days apart: looser than the corpus-wide
    ``report_group``, because the story already says the articles are about the same thing."""
    if a["event"] != b["event"] or not (_parties(a) & _parties(b)):
        return False
    days = [d for d in (a["date"], b["date"]) if d and len(d) == 10]
    if len(days) == 2:
        return abs((dt.date.fromisoformat(days[0]) - dt.date.fromisoformat(days[1])).days) <= 2
    return True


def _event_groups(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Union of the stored report groups and story-level matches (``_same_event``)."""
    parent = list(range(len(events)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_group: dict[str, int] = {}
    for i, event in enumerate(events):
        if event["report_group"]:
            parent[root(i)] = root(by_group.setdefault(event["report_group"], i))
    for i, j in itertools.combinations(range(len(events)), 2):
        if root(i) != root(j) and _same_event(events[i], events[j]):
            parent[root(j)] = root(i)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i, event in enumerate(events):
        groups[events[root(i)]["id"]].append(event)
    return groups


def _events(
    store: Store, story_id: str, outlets: list[str], outlet_of: dict[str, str]
) -> list[dict[str, Any]]:
    events = store.events(story=story_id, limit=100_000)
    events.sort(key=lambda e: (e["published"] or "9999", e["article_id"], e["evidence_start"], e["id"]))
    out = []
    for key, records in _event_groups(events).items():
        records.sort(key=lambda e: (e["published"] or "9999", e["article_id"], e["evidence_start"]))
        first = records[0]
        by_outlet: dict[str, dict[str, Any]] = {}
        for record in records:
            outlet = outlet_of.get(record["article_id"], NO_OUTLET)
            by_outlet.setdefault(outlet, {
                "article_id": record["article_id"],
                "event_id": record["id"],
                "modality": record["modality"],
                "attributed_to": record["attributed_to"],
                "hedges": record["hedges"] or [],
                "evidence": {"text": record["evidence_text"], "start": record["evidence_start"],
                             "end": record["evidence_end"]},
            })  # fmt: skip
        out.append({
            "key": key,
            "event": first["event"],
            "actor": _party(first["actor"] or []),
            "recipient": _party(first["recipient"] or []),
            "date": first["date"],
            "reported_by": by_outlet,
            "omitted_by": [o for o in outlets if o not in by_outlet],
        })  # fmt: skip
    out.sort(key=lambda e: (-len(e["reported_by"]), e["date"] or "9999", e["event"], e["key"]))
    return out


def _top_actors(mentions: list[dict[str, Any]], outlet_of: dict[str, str]) -> list[str]:
    """Actors worth a row: mentioned by the most outlets, then most often."""
    outlets: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for m in mentions:
        outlets[m["actor_id"]].add(outlet_of.get(m["article_id"], NO_OUTLET))
        counts[m["actor_id"]] += 1
    ranked = sorted(counts, key=lambda a: (-len(outlets[a]), -counts[a], a))
    if len(set(outlet_of.values())) > 1:  # a comparison needs at least two outlets naming the actor
        ranked = [a for a in ranked if len(outlets[a]) > 1]
    return ranked[:MAX_ACTORS]


def _naming(
    mentions: list[dict[str, Any]],
    top: list[str],
    articles: dict[str, dict[str, Any]],
    outlet_of: dict[str, str],
    kb: KnowledgeBase,
) -> list[dict[str, Any]]:
    names = {m["actor_id"]: m["name"] for m in mentions}
    labels: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    examples: dict[tuple[str, str, str], dict[str, Any]] = {}
    for m in mentions:
        if m["actor_id"] not in top:
            continue
        outlet = outlet_of.get(m["article_id"], NO_OUTLET)
        label = mention_label(m["text"], kb, articles[m["article_id"]]["language"])
        labels[m["actor_id"]][outlet][label] += 1
        examples.setdefault((m["actor_id"], outlet, label), {
            "article_id": m["article_id"], "text": m["text"], "start": m["start"], "end": m["end"]})  # fmt: skip
    return [
        {
            "actor_id": actor,
            "name": names[actor],
            "by_outlet": {
                outlet: [
                    {"label": label, "count": n, "example": examples[(actor, outlet, label)]}
                    for label, n in counter.most_common()
                ]
                for outlet, counter in labels[actor].items()
            },
        }
        for actor in top
        if actor in labels
    ]


def _loaded_terms(
    articles: dict[str, dict[str, Any]],
    outlet_of: dict[str, str],
    sentences: dict[str, _Sentences],
    lexicon: FramingLexicon,
) -> list[dict[str, Any]]:
    out = []
    for concept, patterns in lexicon.loaded:
        found: dict[str, Counter[str]] = defaultdict(Counter)
        examples: dict[tuple[str, str], dict[str, Any]] = {}
        for aid, article in articles.items():
            pattern = patterns.get(article["language"] or "")
            if pattern is None:
                continue
            outlet = outlet_of[aid]
            for match in pattern.finditer(article["text"] or ""):
                term = " ".join(match.group(0).casefold().split())
                found[outlet][term] += 1
                examples.setdefault((outlet, term), {"article_id": aid, "start": match.start(),
                                                     "end": match.end(), "sentence": sentences[aid].evidence(match.start())})  # fmt: skip
        if found:
            out.append({
                "concept": concept,
                "by_outlet": {o: [{"term": t, "count": n, "example": examples[(o, t)]} for t, n in c.most_common()]
                              for o, c in found.items()},
            })  # fmt: skip
    return out


def _markers(
    articles: dict[str, dict[str, Any]],
    outlet_of: dict[str, str],
    sentences: dict[str, _Sentences],
    lexicon: FramingLexicon,
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for aid, article in articles.items():
        language = article["language"] or ""
        events_lexicon = lexicon_for(language)
        kinds = [("attribution", lexicon.attribution.get(language))]
        kinds.insert(0, ("hedge", events_lexicon.hedges if events_lexicon else None))
        entry = out.setdefault(outlet_of[aid], {"counts": Counter(), "items": []})
        seen: set[tuple[int, int]] = set()
        for kind, pattern in kinds:
            if pattern is None:
                continue
            for match in pattern.finditer(article["text"] or ""):
                if any(s <= match.start() < e for s, e in seen):
                    continue  # "allegedly" is a hedge; do not count it again as attribution
                seen.add((match.start(), match.end()))
                marker = " ".join(match.group(0).casefold().split())
                entry["counts"][f"{kind}: {marker}"] += 1
                if len(entry["items"]) < MAX_MARKERS:
                    entry["items"].append({"kind": kind, "marker": marker, "article_id": aid,
                                           "start": match.start(), "end": match.end(),
                                           "sentence": sentences[aid].evidence(match.start())})  # fmt: skip
    return {o: {"counts": dict(e["counts"].most_common()), "items": e["items"]} for o, e in out.items()}


def _quotes(quotes: list[dict[str, Any]], outlet_of: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in quotes:
        out[outlet_of.get(q["article_id"], NO_OUTLET)].append({
            "speaker": q["speaker"], "speaker_name": q["speaker_name"] or q["speaker_text"],
            "text": q["text"], "article_id": q["article_id"], "start": q["start"], "end": q["end"],
        })  # fmt: skip
    return dict(out)


def _tones(
    mentions: list[dict[str, Any]],
    top: list[str],
    articles: dict[str, dict[str, Any]],
    outlet_of: dict[str, str],
    sentences: dict[str, _Sentences],
    lexicon: FramingLexicon,
) -> list[dict[str, Any]]:
    names = {m["actor_id"]: m["name"] for m in mentions}
    seen: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    for m in mentions:
        if m["actor_id"] in top:
            start, _ = sentences[m["article_id"]].around(m["start"])
            seen[(m["actor_id"], outlet_of.get(m["article_id"], NO_OUTLET))].add((m["article_id"], start))
    out = []
    for actor in top:
        by_outlet = {}
        for (who, outlet), found in seen.items():
            if who != actor:
                continue
            positive = negative = 0
            for aid, start in found:
                s, e = sentences[aid].around(start)
                p, n = _tone(sentences[aid].text[s:e], articles[aid]["language"], lexicon)
                positive, negative = positive + p, negative + n
            by_outlet[outlet] = {
                "tone": round((positive - negative) / (positive + negative + 1), 3),
                "positive": positive,
                "negative": negative,
                "sentences": len(found),
            }
        out.append({"actor_id": actor, "name": names[actor], "by_outlet": by_outlet})
    return out
