"""``newsgraph evaluate events``: PLOVER event coding scored on public gold and on our own.

* **PLOVER gold-standard records** (322 English sentences from the CAMEO manual, one coded event
  each). The gold predates PLOVER 2.0 for a few types; it is read through ``LEGACY_TYPES``
  (DEMAND is now REQUEST, DISAPPROVE and INVESTIGATE are ACCUSE, FIGHT is ASSAULT). PLOVER codes
  a promise, offer or plan as AGREE; newsgraph codes the promised act with modality
  ``intended`` (and a CAMEO 03x code), so for this gold an intended event reads as AGREE.
  Type accuracy: newsgraph's most confident event in the sentence has the gold type (no event
  counts wrong). Actor and recipient code F1: over the gold sources and targets, against the
  event newsgraph coded with the gold type (else its most confident one).
* **PETR2 GSR validation** (78 AFP sentences with CAMEO codings): CAMEO root agreement, the
  share of gold codings whose two-digit root one of newsgraph's events in the sentence has,
  with precision over newsgraph's events.
* **CASE-2021 task 2** (1,019 English event snippets with ACLED sub-event types): the types
  that map onto PLOVER (``CASE_TO_PLOVER``) are scored for type accuracy; the rest are left out
  and counted.
* **Our own gold** (``gold/events_fr.yaml``, ``gold/events_modality.yaml``, written by hand
  for newsgraph, see docs/gold-events.md): event type P/R/F1 per sentence, and, over matched
  events, modality and attribution accuracy.

The gold only ever scores: no rule or lexicon entry was fitted to it.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..annotate import ArticleText, annotate
from ..events.code import CONFLICT_TYPES
from ..kb import KnowledgeBase, load_kb
from ..records import Annotation, EventRecord, Participant
from .actors import LEGACY_CODES, Counts, benchmark_file, coder_code, mention_code
from .extraction import BenchmarkReport, SystemScore
from .peers import published_peers

LEGACY_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
CASE_TO_PLOVER = {
    "ABDUCT_DISSAP": "ASSAULT", "AGREEMENT": "AGREE", "AIR_STRIKE": "ASSAULT", "ARMED_CLASH": "ASSAULT",
    "ARREST": "COERCE", "ART_MISS_ATTACK": "ASSAULT", "ATTACK": "ASSAULT", "CHEM_WEAP": "ASSAULT",
    "FORCE_AGAINST_PROTEST": "ASSAULT", "GRENADE": "ASSAULT", "MOB_VIOL": "PROTEST",
    "PEACE_PROTEST": "PROTEST", "PROPERTY_DISTRUCT": "ASSAULT", "PROTEST_WITH_INTER": "PROTEST",
    "REM_EXPLOS": "ASSAULT", "SEX_VIOL": "ASSAULT", "SUIC_BOMB": "ASSAULT", "VIOL_DEMONSTR": "PROTEST",
}  # fmt: skip
"""ACLED sub-event types with a PLOVER 2.0 counterpart. Territorial changes, disrupted weapons,
new headquarters, group changes and OTHER have none and are not scored."""


@dataclass(slots=True)
class GoldEvent:
    event: str
    actor: list[str] = field(default_factory=list)
    recipient: list[str] = field(default_factory=list)
    modality: str = "asserted"
    attributed_to: str | None = None
    cameo: str | None = None


@dataclass(slots=True)
class GoldSentence:
    id: str
    text: str
    language: str
    published: str | None
    events: list[GoldEvent]


# --- gold ------------------------------------------------------------------------------------------


def _codes(items: Any) -> list[str]:
    codes = []
    for item in items or []:
        code = item.get("code") if isinstance(item, dict) else item
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code):
            codes.append(LEGACY_CODES.get(code, code))
    return codes


def plover_gold(root: Path) -> list[GoldSentence]:
    path = benchmark_file(root, "plover_gsr_cameo", "PLOVER_GSR_CAMEO.txt")
    sentences = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        kind = str(record.get("event") or "")
        text = str(record.get("text") or "").lstrip("{").strip()
        if kind == "DOCUMENT" or not text:
            continue
        event = GoldEvent(
            LEGACY_TYPES.get(kind, kind), _codes(record.get("source")), _codes(record.get("target"))
        )
        sentences.append(GoldSentence(str(record["id"]), text, "en", record.get("date"), [event]))
    return sentences


def petr2_gold(root: Path) -> list[GoldSentence]:
    path = benchmark_file(root, "universalpetrarch_validation", "PETR2_GSR_validation.xml")
    xml = path.read_text(encoding="utf-8")
    pattern = r'<Sentence [^>]*date="(\d{8})"[^>]*id="([^"]+)"[^>]*/?>\s*((?:<EventCoding[^>]*/>\s*)*)<Text>(.*?)</Text>'
    sentences = []
    for date, sentence_id, codings, text in re.findall(pattern, xml, re.S):
        events = []
        for coding in re.findall(r"<EventCoding([^>]*)/>", codings):
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', coding))
            code = attributes.get("eventcode", "")
            if re.fullmatch(r"\d{2,4}", code):
                events.append(GoldEvent("", _codes([attributes.get("sourcecode", "")[:3]]),
                                        _codes([attributes.get("targetcode", "")[:3]]), cameo=code))  # fmt: skip
        published = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        sentences.append(GoldSentence(sentence_id, " ".join(text.split()), "en", published, events))
    return sentences


def case_gold(root: Path) -> tuple[list[GoldSentence], int]:
    """(snippets whose type maps onto PLOVER, number of snippets left out)."""
    path = benchmark_file(root, "case2021_task2", "test_set_final_release_with_labels.tsv")
    sentences, skipped = [], 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            kind = CASE_TO_PLOVER.get(str(row.get("SubType") or "").strip())
            if kind is None:
                skipped += 1
                continue
            sentences.append(
                GoldSentence(f"case-{row['id']}", str(row["EventSnippet"]), "en", None, [GoldEvent(kind)])
            )
    return sentences, skipped


def _international(code: object) -> str:
    """Our gold writes NGO for non-governmental bodies; newsgraph, like the PLOVER gold, codes
    every international body without a state as IGO."""
    return "IGO" if str(code) == "NGO" else str(code)


def own_gold(name: str) -> list[GoldSentence]:
    text = (
        resources.files("newsgraph.evaluation").joinpath("gold", f"{name}.yaml").read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text) or []
    language = "fr" if name.endswith("_fr") else "en"
    sentences = []
    for item in data:
        events = [
            GoldEvent(
                str(e["event"]),
                [_international(c) for c in e.get("actor") or []],
                [_international(c) for c in e.get("recipient") or []],
                str(e.get("modality") or "asserted"),
                _international(e["attributed_to"]) if e.get("attributed_to") else None,
            )
            for e in item.get("events") or []
        ]
        sentences.append(
            GoldSentence(str(item["id"]), str(item["text"]), language, item.get("published"), events)
        )
    return sentences


# --- running newsgraph ---------------------------------------------------------------------------


def code_sentences(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Annotation]:
    texts = [ArticleText(s.id, s.text, s.language, s.published) for s in sentences]
    return {a.article_id: a for a in annotate(texts, kb)}


def party_code(party: Participant, kb: KnowledgeBase) -> str | None:
    """A party as event coders code it: its state, or IGO for an international body (the PLOVER
    gold writes IGO for international NGOs too; our own gold's NGO is read as IGO, see own_gold)."""
    state = party.code if party.code and re.fullmatch(r"[A-Z]{3}", party.code) else None
    return coder_code(party.actor_id, party.country or state, kb)


def plover_type(event: EventRecord) -> str:
    """The type the PLOVER gold would give: it files a stated intention to cooperate (a promise,
    offer or plan) under AGREE, an intention to act against someone, or a hostile act held out
    as possible, under THREATEN."""
    if event.modality == "hypothetical" and event.event in CONFLICT_TYPES:
        return "THREATEN"  # "may halt mediation if...": a conditional hostile act is a threat
    if event.modality != "intended" or event.event in ("AGREE", "THREATEN"):
        return event.event
    return "THREATEN" if event.event in CONFLICT_TYPES else "AGREE"


def _primary(events: list[EventRecord]) -> EventRecord | None:
    return max(events, key=lambda e: e.confidence, default=None)


def _add_codes(tally: Counts, gold: list[str], found: list[str]) -> None:
    gold_set, found_set = set(gold), set(found)
    tally.slots += len(gold_set)
    tally.predicted += len(found_set)
    tally.right += len(gold_set & found_set)


def score_plover(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Any]:
    annotations = code_sentences(sentences, kb)
    right = any_right = coded = 0
    actor, recipient, parties = Counts(), Counts(), Counts()
    confusion: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        gold = sentence.events[0]
        events = annotations[sentence.id].events
        primary = _primary(events)
        coded += primary is not None
        right += primary is not None and plover_type(primary) == gold.event
        any_right += any(plover_type(e) == gold.event for e in events)
        confusion[(gold.event, plover_type(primary) if primary else "-")] += 1
        match = next((e for e in events if plover_type(e) == gold.event), primary)
        found_actor = [c for p in (match.actor if match else []) if (c := party_code(p, kb))]
        found_recipient = [c for p in (match.recipient if match else []) if (c := party_code(p, kb))]
        _add_codes(actor, gold.actor, found_actor)
        _add_codes(recipient, gold.recipient, found_recipient)
        _add_codes(parties, gold.actor + gold.recipient, found_actor + found_recipient)
    n = len(sentences)
    return {
        "accuracy": right / n if n else 0.0,
        "any": any_right / n if n else 0.0,
        "coverage": coded / n if n else 0.0,
        "actor": actor.prf(),
        "recipient": recipient.prf(),
        "parties": parties.prf(),
        "n": n,
        "confusion": confusion,
    }


def score_petr2(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Any]:
    annotations = code_sentences(sentences, kb)
    tally = Counts()
    for sentence in sentences:
        gold_roots = {e.cameo[:2] for e in sentence.events if e.cameo}
        found_roots = {e.cameo[:2] for e in annotations[sentence.id].events if e.cameo}
        tally.slots += len(gold_roots)
        tally.predicted += len(found_roots)
        tally.right += len(gold_roots & found_roots)
    return {"roots": tally.prf(), "n": len(sentences), "codings": tally.slots}


def score_types(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Any]:
    """Type accuracy of the most confident event, one gold type per sentence (CASE-2021)."""
    annotations = code_sentences(sentences, kb)
    right = coded = 0
    for sentence in sentences:
        primary = _primary(annotations[sentence.id].events)
        coded += primary is not None
        right += primary is not None and primary.event == sentence.events[0].event
    n = len(sentences)
    return {"accuracy": right / n if n else 0.0, "coverage": coded / n if n else 0.0, "n": n}


def _claimant_code(event: EventRecord, annotation: Annotation, kb: KnowledgeBase) -> str | None:
    """The claimant as the gold codes it: its state (a person's is that of the role it speaks
    in, as its mention carries it), IGO for an international body, UNK for a claimant named but
    not resolved, None for no claimant."""
    if event.attributed_to is None:
        return "UNK" if event.attributed_text else None
    mention = next((m for m in annotation.mentions if m.actor_id == event.attributed_to), None)
    code = mention_code(mention, kb) if mention is not None else None
    if code is None:
        actor = kb.actors.get(event.attributed_to)
        code = (actor.country or actor.code) if actor is not None else None
    return code or "UNK"


def score_own(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Any]:
    """Type P/R/F1 over all gold events; modality and attribution accuracy over matched ones."""
    annotations = code_sentences(sentences, kb)
    types, actor = Counts(), Counts()
    matched = modality_right = attribution_right = 0
    for sentence in sentences:
        events = list(annotations[sentence.id].events)
        types.slots += len(sentence.events)
        types.predicted += len(events)
        for gold in sentence.events:
            match = next((e for e in events if e.event == gold.event), None)
            if match is None:
                continue
            events.remove(match)
            types.right += 1
            matched += 1
            modality_right += match.modality == gold.modality
            speaker_code = _claimant_code(match, annotations[sentence.id], kb)
            attribution_right += (speaker_code is None) == (gold.attributed_to is None) and (
                gold.attributed_to in (None, "UNK") or speaker_code == gold.attributed_to
            )
            _add_codes(actor, gold.actor + gold.recipient,
                       [c for p in match.actor + match.recipient if (c := party_code(p, kb))])  # fmt: skip
    return {
        "types": types.prf(),
        "modality": modality_right / matched if matched else 0.0,
        "attribution": attribution_right / matched if matched else 0.0,
        "parties": actor.prf(),
        "matched": matched,
        "n": len(sentences),
    }


# --- reports ---------------------------------------------------------------------------------------


def evaluate_events(benchmarks: Path, *, only: list[str] | None = None) -> Iterator[BenchmarkReport]:
    kb = load_kb()
    wanted = only or ["plover", "petr2", "case", "french", "modality"]
    root = Path(benchmarks)
    if "plover" in wanted:
        result = score_plover(plover_gold(root), kb)
        report = BenchmarkReport(
            "events_plover",
            "PLOVER gold-standard records (English)",
            "type accuracy; actor/recipient code F1",
        )
        scores = {"accuracy": result["accuracy"], "any": result["any"], "coverage": result["coverage"],
                  "actor_f1": result["actor"]["f1"], "recipient_f1": result["recipient"]["f1"]}  # fmt: skip
        report.ours.append(SystemScore("newsgraph", scores, result["n"],
                                       "most confident event's type; 'any': gold type among the events"))  # fmt: skip
        report.ours.append(SystemScore("newsgraph actors", result["actor"], result["n"], "gold sources"))
        report.ours.append(
            SystemScore("newsgraph recipients", result["recipient"], result["n"], "gold targets")
        )
        report.ours.append(
            SystemScore("newsgraph parties", result["parties"], result["n"], "sources and targets")
        )
        report.published = published_peers("events_plover")
        yield report
    if "petr2" in wanted:
        result = score_petr2(petr2_gold(root), kb)
        report = BenchmarkReport(
            "events_petr2", "PETR2 GSR validation (English AFP)", "CAMEO root agreement P/R/F1"
        )
        report.ours.append(
            SystemScore("newsgraph", result["roots"], result["n"], f"{result['codings']} gold roots")
        )
        report.published = published_peers("events_petr2")
        yield report
    if "case" in wanted:
        gold, skipped = case_gold(root)
        result = score_types(gold, kb)
        report = BenchmarkReport(
            "events_case2021", "CASE-2021 task 2 (ACLED types mapped to PLOVER)", "type accuracy"
        )
        report.ours.append(SystemScore("newsgraph", {"accuracy": result["accuracy"], "coverage": result["coverage"]},
                                       result["n"], f"{skipped} snippets with no PLOVER counterpart left out"))  # fmt: skip
        report.published = published_peers("events_case2021")
        yield report
    for name, key, title in (
        ("french", "events_fr", "newsgraph French event gold (our own)"),
        ("modality", "events_modality", "newsgraph modality and attribution gold (our own, English)"),
    ):
        if name in wanted:
            result = score_own(own_gold(key), kb)
            report = BenchmarkReport(
                key, title, "type P/R/F1; modality and attribution accuracy over matched events"
            )
            scores = dict(result["types"])
            scores.update(modality=result["modality"], attribution=result["attribution"])
            report.ours.append(
                SystemScore("newsgraph", scores, result["n"], f"{result['matched']} events matched")
            )
            report.ours.append(
                SystemScore("newsgraph parties", result["parties"], result["n"], "codes of matched events")
            )
            report.published = published_peers(key)
            yield report
