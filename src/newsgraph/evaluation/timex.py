"""``newsgraph evaluate`` for event dates: TempEval-3 temporal-expression values.

TempEval-3 (task A) annotates every temporal expression (TIMEX3) in news articles with its
normalised ``value`` relative to the document creation time (DCT). We take each gold TIMEX3 of type
DATE (the DCT itself excluded), resolve the gold span's words against the DCT, and count it right
when our value equals the gold one: the benchmark's own value accuracy, with the gold spans given
(so span detection is not scored here).

Rows: "newsgraph" is :func:`timex_value`, which writes TimeML's full DATE values ("PRESENT_REF",
"2013-W12", "2012-SU", "1998-Q3", "199", ...); "newsgraph calendar dates only (what events store)"
is :func:`resolve_date`, which emits only YYYY, YYYY-MM and YYYY-MM-DD and so can never match the
other gold values. Each row reports accuracy over all gold DATE values (a None answer counts wrong),
accuracy over the gold values that are calendar dates in those three formats, and precision over
the answers given. The tense hint a bare weekday or month needs is read from the sentence around
the span with :func:`future_context`, as :func:`find_dates` does on articles.

Sets: te3-platinum (the TempEval-3 test set, 20 documents) and, as a held-out check that nothing was
tuned to platinum, all of AQUAINT from TBAQ-cleaned. TimeBank (the rest of TBAQ-cleaned) was the
development set for the rules and the source of the TimeML conventions. Plain ``dateparser.parse``
with ``RELATIVE_BASE`` = DCT is scored in the same run, at day precision, to show what the rules
add. The gold is only used to score.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BenchmarkMissing
from ..events.dates import future_context, parse_published, resolve_date, timex_value
from .extraction import BenchmarkReport, SystemScore
from .peers import published_peers

SETS = (
    ("tempeval3_platinum", "TempEval-3 platinum (test set), DATE values", ("te3-platinum",)),
    (
        "tempeval3_aquaint",
        "TempEval-3 TBAQ-cleaned AQUAINT (held out), DATE values",
        ("TBAQ-cleaned", "AQUAINT"),
    ),
)
CALENDAR_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


@dataclass(slots=True, frozen=True)
class GoldTimex:
    """One gold DATE expression: its words, where they are in the plain text, its gold value."""

    document: str
    text: str
    start: int
    end: int
    value: str


@dataclass(slots=True, frozen=True)
class GoldDocument:
    name: str
    creation_time: str
    text: str
    """The document's TEXT element with the markup removed (offsets of ``timexes`` point into it)."""
    timexes: tuple[GoldTimex, ...]


def read_tml(path: Path) -> GoldDocument | None:
    """A TimeML file's DCT, plain text and DATE timexes; None when it has no DCT or TEXT."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    dct = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    body_start, body_end = raw.find("<TEXT>"), raw.find("</TEXT>")
    if dct is None or body_start < 0 or body_end < body_start:
        return None
    creation_time = dict(ATTRIBUTE.findall(dct[1])).get("value", "")
    body = raw[body_start + len("<TEXT>") : body_end]
    pieces: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes = []
    position = 0
    for tag in TAG.finditer(body):
        piece = html.unescape(body[position : tag.start()])
        pieces.append(piece)
        length += len(piece)
        position = tag.end()
        if tag[2] != "TIMEX3":
            continue
        if not tag[1]:
            open_timex = (length, dict(ATTRIBUTE.findall(tag[3])))
        elif open_timex is not None:
            start, attributes = open_timex
            open_timex = None
            if attributes.get("type") == "DATE" and attributes.get("functionInDocument") != "CREATION_TIME":
                words = "".join(pieces)[start:length]
                timexes.append(GoldTimex(path.stem, words, start, length, attributes.get("value", "")))
    pieces.append(html.unescape(body[position:]))
    return GoldDocument(path.stem, creation_time, "".join(pieces), tuple(timexes))


def gold_documents(folder: Path) -> list[GoldDocument]:
    if not folder.is_dir():
        raise BenchmarkMissing(f"benchmark data not found: {folder}")
    documents = [doc for path in sorted(folder.glob("*.tml")) if (doc := read_tml(path)) is not None]
    if not documents:
        raise BenchmarkMissing(f"no TimeML documents in {folder}")
    return documents


# --- systems ------------------------------------------------------------------------------------------


def newsgraph_value(
    document: GoldDocument, timex: GoldTimex, *, with_tense: bool = True, calendar_only: bool = False
) -> str | None:
    """:func:`timex_value` (or, ``calendar_only``, :func:`resolve_date`) of the gold span's words."""
    future = with_tense and future_context(document.text, timex.start, timex.end, "en")
    resolve = resolve_date if calendar_only else timex_value
    return resolve(timex.text, document.creation_time, "en", future=future)


def dateparser_value(document: GoldDocument, timex: GoldTimex) -> str | None:
    """Plain dateparser, relative to the DCT, formatted at day precision (what it returns)."""
    import dateparser

    base = parse_published(document.creation_time)
    settings = {"RELATIVE_BASE": datetime(base.year, base.month, base.day)} if base else {}
    try:
        found = dateparser.parse(timex.text, languages=["en"], settings=settings)
    except Exception:  # a reference system: its failures count as no answer
        return None
    return found.strftime("%Y-%m-%d") if found else None


@dataclass(slots=True)
class Tally:
    gold: int = 0
    right: int = 0
    calendar_gold: int = 0
    calendar_right: int = 0
    answered: int = 0

    def add(self, predicted: str | None, gold: str) -> None:
        calendar = CALENDAR_VALUE.fullmatch(gold) is not None
        correct = predicted is not None and predicted == gold
        self.gold += 1
        self.right += correct
        self.answered += predicted is not None
        self.calendar_gold += calendar
        self.calendar_right += correct and calendar

    def score(self, system: str) -> SystemScore:
        scores = {
            "accuracy": self.right / self.gold if self.gold else 0.0,
            "accuracy_calendar": self.calendar_right / self.calendar_gold if self.calendar_gold else 0.0,
            "precision": self.right / self.answered if self.answered else 0.0,
        }
        note = (
            f"{self.right}/{self.gold} gold DATE values right, {self.calendar_right}/{self.calendar_gold} "
            f"of those in YYYY/YYYY-MM/YYYY-MM-DD; {self.answered} answered"
        )
        return SystemScore(system, scores, self.gold, note)


def score_documents(documents: list[GoldDocument]) -> list[SystemScore]:
    ours, calendar, untensed, reference = Tally(), Tally(), Tally(), Tally()
    for document in documents:
        for timex in document.timexes:
            ours.add(newsgraph_value(document, timex), timex.value)
            calendar.add(newsgraph_value(document, timex, calendar_only=True), timex.value)
            untensed.add(newsgraph_value(document, timex, with_tense=False), timex.value)
            reference.add(dateparser_value(document, timex), timex.value)
    main = ours.score("newsgraph")
    # The calendar figure measures what event records store: the calendar resolver on the gold
    # values a calendar date can express. (timex_value writes "last week" as an ISO week, as
    # TimeML does; the calendar resolver gives the month that week lies in.)
    stored = calendar.score("newsgraph calendar dates only (what events store)")
    main.scores["accuracy_calendar"] = stored.scores["accuracy_calendar"]
    main.note += "; accuracy_calendar is the calendar resolver's (what events store)"
    return [
        main,
        stored,
        untensed.score("newsgraph (no tense cue: always the past reading)"),
        reference.score("dateparser (plain, same run)"),
    ]


def evaluate_tempeval(benchmarks: Path) -> list[BenchmarkReport]:
    """Value accuracy of :func:`timex_value` (and of :func:`resolve_date`) on TempEval-3 gold DATE
    expressions."""
    root = Path(benchmarks) / "tempeval3"
    if not root.is_dir():
        raise BenchmarkMissing(f"benchmark data not found: {root}")
    reports = []
    for name, title, parts in SETS:
        report = BenchmarkReport(name, title, "value accuracy")
        report.ours.extend(score_documents(gold_documents(root.joinpath(*parts))))
        report.published = published_peers(name)
        reports.append(report)
    return reports
