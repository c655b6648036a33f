"""``newsgraph evaluate actors``: who the actors are, scored on public gold and our own.

* PLOVER gold-standard records (322 English sentences from the CAMEO manual, coded by hand):
  each coded source or target names its text ("actorText"), a code (ISO 3166 alpha-3, or IGO
  for international organisations) and often a sector. For each, we take newsgraph's mention
  over that text and ask whether its code, and its code and sector, are the gold ones.
  Precision: right among the slots where newsgraph has a mention; recall: right among all slots.
* PETR2 GSR validation (78 English AFP sentences, CAMEO codings): the gold gives no actor text,
  so actors are compared as sets per sentence: the countries (and country-sector pairs) of the
  coded sources and targets against those of newsgraph's mentions in the sentence.
* Our French gold (``gold/actors_fr.yaml``, our own writing): same scoring as PLOVER.

The public gold is only ever used to score: nothing is fitted to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from ..annotate import ArticleText, annotate
from ..errors import BenchmarkMissing
from ..kb import KnowledgeBase, load_kb
from ..records import Annotation, Mention
from .extraction import BenchmarkReport, SystemScore
from .peers import published_peers


@dataclass(slots=True)
class Slot:
    """One gold actor: its words in the sentence (if given), its code and sector."""

    text: str | None
    code: str
    sector: str | None


@dataclass(slots=True)
class GoldSentence:
    id: str
    text: str
    language: str
    slots: list[Slot] = field(default_factory=list)


@dataclass(slots=True)
class Counts:
    slots: int = 0
    predicted: int = 0
    right: int = 0

    def prf(self) -> dict[str, float]:
        p = self.right / self.predicted if self.predicted else 0.0
        r = self.right / self.slots if self.slots else 0.0
        return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def coder_code(actor_id: str | None, country: str | None, kb: KnowledgeBase) -> str | None:
    """An actor as event coders code it: IGO for an international body, else the state it acts
    for here (``country``), else the knowledge base's. Shared by the actor and event scores."""
    actor = kb.actors.get(actor_id) if actor_id else None
    if (
        actor is not None
        and actor.kind == "organization"
        and (actor.sector == "IGO" or actor.country is None)
    ):
        return "IGO"
    return country or (actor.country if actor else None)


def mention_code(mention: Mention, kb: KnowledgeBase) -> str | None:
    """A mention as an event coder codes it: its country, or IGO for international bodies."""
    return coder_code(mention.actor_id, mention.country, kb)


# --- gold ------------------------------------------------------------------------------------------

# The PLOVER gold file writes a few countries with pre-ISO CAMEO codes. They name the same state
# as the ISO code newsgraph emits, so the gold is read through this table (and only this one).
LEGACY_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def benchmark_file(root: Path, *parts: str) -> Path:
    """A benchmark file under ``root``, or BenchmarkMissing naming it."""
    path = Path(root).joinpath(*parts)
    if not path.exists():
        raise BenchmarkMissing(f"benchmark data not found: {path}")
    return path


def plover_gold(root: Path) -> list[GoldSentence]:
    path = benchmark_file(root, "plover_gsr_cameo", "PLOVER_GSR_CAMEO.txt")
    sentences = []
    for record in json.loads(path.read_text(encoding="utf-8"))[1:]:
        text = str(record.get("text") or "").lstrip("{").strip()
        slots = []
        for role in ("source", "target"):
            for actor in record.get(role) or []:
                if isinstance(actor, dict) and actor.get("code") and re.fullmatch(r"[A-Z]{3}", actor["code"]):
                    sector = actor.get("sector")
                    sector = sector[:3] if isinstance(sector, str) and re.match(r"[A-Z]{3}", sector) else None
                    code = str(actor["code"])
                    code = LEGACY_CODES.get(code, code)
                    slots.append(Slot(actor.get("actorText"), code, sector if sector != "***" else None))
        if text and slots:
            sentences.append(GoldSentence(record["id"], text, "en", slots))
    return sentences


def petr2_gold(root: Path) -> list[GoldSentence]:
    path = benchmark_file(root, "universalpetrarch_validation", "PETR2_GSR_validation.xml")
    xml = path.read_text(encoding="utf-8")
    sentences = []
    pattern = r'<Sentence [^>]*id="([^"]+)"[^>]*/?>\s*((?:<EventCoding[^>]*/>\s*)*)<Text>(.*?)</Text>'
    for sentence_id, codings, text in re.findall(pattern, xml, re.S):
        slots = []
        for code in re.findall(r'(?:sourcecode|targetcode)="([^"]*)"', codings):
            country, agent = code[:3], code[3:6] or None
            if re.fullmatch(r"[A-Z]{3}", country):
                slots.append(Slot(None, country, agent))
        if slots:
            sentences.append(GoldSentence(sentence_id, " ".join(text.split()), "en", slots))
    return sentences


def french_gold() -> list[GoldSentence]:
    data = yaml.safe_load(
        resources.files("newsgraph.evaluation").joinpath("gold", "actors_fr.yaml").read_text(encoding="utf-8")
    )
    return [
        GoldSentence(
            str(i), item["text"], "fr", [Slot(a["text"], a["code"], a.get("sector")) for a in item["actors"]]
        )
        for i, item in enumerate(data["sentences"], start=1)
    ]


# --- scoring -----------------------------------------------------------------------------------------


def _annotations(sentences: list[GoldSentence], kb: KnowledgeBase) -> dict[str, Annotation]:
    texts = [ArticleText(s.id, s.text, s.language, None) for s in sentences]
    return {a.article_id: a for a in annotate(texts, kb)}


def score_spans(sentences: list[GoldSentence], kb: KnowledgeBase) -> tuple[Counts, Counts]:
    """(code, code and sector) counts over gold slots located by their text."""
    annotations = _annotations(sentences, kb)
    code, both = Counts(), Counts()
    for sentence in sentences:
        annotation = annotations[sentence.id]
        for slot in sentence.slots:
            span = _locate(sentence.text, slot.text)
            candidates = [m for m in annotation.mentions if span and m.start < span[1] and span[0] < m.end]
            if span is None:  # the gold text is not in the sentence as written: any mention may answer
                candidates = [m for m in annotation.mentions if mention_code(m, kb) == slot.code]
            best = max(candidates, key=lambda m: (m.confidence, m.end - m.start), default=None)
            code.slots += 1
            got = mention_code(best, kb) if best else None
            if best is not None:
                code.predicted += 1
                code.right += got == slot.code
            if slot.sector:
                both.slots += 1
                if best is not None:
                    both.predicted += 1
                    both.right += got == slot.code and best.sector == slot.sector
    return code, both


def _locate(text: str, words: str | None) -> tuple[int, int] | None:
    if not words:
        return None
    index = text.find(words)
    if index < 0:
        index = text.casefold().find(words.casefold())
    return (index, index + len(words)) if index >= 0 else None


def score_sets(sentences: list[GoldSentence], kb: KnowledgeBase) -> tuple[Counts, Counts]:
    """(country, country and sector) counts over per-sentence sets."""
    annotations = _annotations(sentences, kb)
    code, both = Counts(), Counts()
    for sentence in sentences:
        annotation = annotations[sentence.id]
        gold = {s.code for s in sentence.slots}
        gold_pairs = {(s.code, s.sector) for s in sentence.slots if s.sector}
        found = {c for m in annotation.mentions if (c := mention_code(m, kb))}
        found_pairs = {(mention_code(m, kb), m.sector) for m in annotation.mentions if m.sector}
        code.slots += len(gold)
        code.predicted += len(found)
        code.right += len(gold & found)
        both.slots += len(gold_pairs)
        both.predicted += len({p for p in found_pairs if p[0] in {g[0] for g in gold_pairs}})
        both.right += len(gold_pairs & found_pairs)
    return code, both


def _report(name: str, title: str, metric: str, code: Counts, both: Counts, n: int) -> BenchmarkReport:
    report = BenchmarkReport(name, title, metric)
    report.ours.append(SystemScore("newsgraph", code.prf(), n, f"code, {code.slots} gold actors"))
    report.ours.append(
        SystemScore("newsgraph (code and sector)", both.prf(), n, f"{both.slots} with a gold sector")
    )
    report.published = published_peers("actors")
    return report


def evaluate_actors(
    benchmarks: Path, *, only: list[str] | None = None, kb_files: tuple[Path, ...] = ()
) -> Iterator[BenchmarkReport]:
    kb = load_kb(kb_files)
    wanted = only or ["plover", "petr2", "french"]
    if "plover" in wanted:
        gold = plover_gold(Path(benchmarks))
        code, both = score_spans(gold, kb)
        yield _report(
            "actors_plover",
            "PLOVER gold-standard records (English)",
            "actor code P/R/F1 per gold actor",
            code,
            both,
            len(gold),
        )
    if "petr2" in wanted:
        gold = petr2_gold(Path(benchmarks))
        code, both = score_sets(gold, kb)
        yield _report(
            "actors_petr2",
            "PETR2 GSR validation (English AFP)",
            "actor country P/R/F1 per sentence set",
            code,
            both,
            len(gold),
        )
    if "french" in wanted:
        gold = french_gold()
        code, both = score_spans(gold, kb)
        yield _report(
            "actors_fr",
            "newsgraph French actor gold (our own)",
            "actor code P/R/F1 per gold actor",
            code,
            both,
            len(gold),
        )
