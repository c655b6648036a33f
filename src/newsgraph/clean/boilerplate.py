"""Finding the article in a plain-text dump and dropping everything around and inside it that
is not the article.

A text dump of a news page is a sequence of lines: navigation, ads, a headline, the body, a box of
related headlines, a footer in another language. We score each line (prose counts for it,
furniture against it), take the highest-scoring contiguous run of lines as the article body (the
maximum-subarray of the scores), then clean inside it: captions, related-story boxes, credits,
lines in another script, highlights that repeat the body, and lines the same source repeats in
every document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..meta.language import dominant_script, identify, script_counts
from .patterns import (
    BREADCRUMB,
    CAPTION,
    COPYRIGHT,
    CREDIT,
    DATE_ONLY,
    FURNITURE,
    LIST_ITEM,
    RELATED_MARKER,
    TERMINAL,
    WORD,
)


class Kind(Enum):
    PROSE = "prose"
    MEDIUM = "medium"
    SHORT = "short"
    FURNITURE = "furniture"
    CAPTION = "caption"
    CREDIT = "credit"
    RELATED = "related"


# How much each kind of line pulls the body boundary towards or away from itself. Prose counts
# by its length; furniture pushes hard; short and medium lines (headings, subheads, nav labels)
# are mildly negative so that a run of them breaks a block but a subheading inside one does not.
_PENALTY = {
    Kind.MEDIUM: -15.0,
    Kind.SHORT: -25.0,
    Kind.FURNITURE: -100.0,
    Kind.CAPTION: -30.0,
    Kind.CREDIT: -100.0,
    Kind.RELATED: -10.0,
}
_IN_RELATED_BOX = -5.0
"""Headlines and captions right after a "Read more" marker: an interruption the body resumes after."""
MAX_LINE_WORDS_FOR_REPEAT = 20
_HIGHLIGHT_WINDOW = 10


@dataclass(slots=True)
class Line:
    index: int
    text: str
    words: int
    kind: Kind
    script: str | None
    credit: str | None = None
    """For credit lines: the outlet named (a name or a host)."""
    weak: bool = False
    """A credit that only holds the copyright (a footer), trusted less than "Read more at X"."""
    drop: str | None = None
    """Why the line was dropped, or None if it stays."""


def normalise_line(text: str) -> str:
    """The form under which lines are compared across and within documents."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def line_hash(text: str) -> str:
    return hashlib.blake2b(normalise_line(text).encode("utf-8"), digest_size=8).hexdigest()


def repeatable_lines(text: str) -> set[str]:
    """Hashes of the lines of ``text`` short enough to be furniture if other documents share them."""
    out = set()
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped and len(WORD.findall(stripped)) <= MAX_LINE_WORDS_FOR_REPEAT:
            out.add(line_hash(stripped))
    return out


def classify_line(index: int, text: str) -> Line:
    words = len(WORD.findall(text))
    script = dominant_script(text)
    # "- Print article" is furniture too, but a long list item is a point the article makes
    bare = LIST_ITEM.sub("", text) if words <= 4 else text
    if RELATED_MARKER.match(bare):
        kind = Kind.RELATED
    elif match := CREDIT.match(bare):
        named = next((v for k, v in match.groupdict().items() if v and k.startswith("outlet")), None)
        return Line(index, text, words, Kind.CREDIT, script, credit=named)
    elif holder := copyright_holder(bare):
        return Line(index, text, words, Kind.CREDIT, script, credit=holder, weak=True)
    elif CAPTION.match(bare):
        kind = Kind.CAPTION
    elif FURNITURE.match(bare) or BREADCRUMB.match(bare) or (words <= 12 and DATE_ONLY.match(bare)):
        kind = Kind.FURNITURE
    elif words >= 15 or (words >= 6 and TERMINAL.search(text)):
        kind = Kind.PROSE
    elif words >= 5:
        kind = Kind.MEDIUM
    else:
        kind = Kind.SHORT
    return Line(index, text, words, kind, script)


_CORPORATE = re.compile(
    r"[\s,]+(?:media\s+)?(?:ltd|limited|inc|llc|plc|sa|sarl|sas|gmbh|group|groupe|corp(?:oration)?)\.?$", re.I
)


def copyright_holder(text: str) -> str | None:
    """The holder named by a copyright line, without years, corporate suffixes or reservations."""
    match = COPYRIGHT.match(text)
    if not match:
        return None
    holder = match.group("holder").strip(" .,-–")
    holder = re.sub(
        r"\s*(all rights reserved|tous droits réservés|все права защищены)\.?$", "", holder, flags=re.I
    )
    holder = re.sub(r"\s*[-–,.]?\s*\d{4}$", "", holder).strip(" .,-–")
    holder = re.sub(r"^[^\w]+", "", holder)
    previous = None
    while previous != holder:
        previous, holder = holder, _CORPORATE.sub("", holder).strip(" .,-–")
    if not holder or len(holder.split()) > 6 or not any(ch.isalpha() for ch in holder):
        return None
    return holder


def _best_block(scores: Sequence[float]) -> tuple[int, int]:
    """Start and end (exclusive) of the contiguous run with the highest total score."""
    best_sum, best = float("-inf"), (0, 0)
    run_sum, run_start = 0.0, 0
    for i, score in enumerate(scores):
        if run_sum <= 0:
            run_sum, run_start = score, i
        else:
            run_sum += score
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, i + 1)
    return best


def _scores(lines: list[Line], body_script: str | None) -> list[float]:
    scores = []
    in_box = False
    for line in lines:
        if line.kind is Kind.RELATED:
            in_box = True
        elif _ends_box(line):
            in_box = False
        elif in_box and line.kind in (Kind.PROSE, Kind.MEDIUM, Kind.SHORT, Kind.CAPTION):
            scores.append(_IN_RELATED_BOX)
            continue
        scores.append(_score(line, body_script))
    return scores


def _ends_box(line: Line) -> bool:
    """A related-stories box lists headlines; the first punctuated paragraph is the article again."""
    return line.kind is Kind.PROSE and bool(TERMINAL.search(line.text)) and not CAPTION.match(line.text)


def _score(line: Line, body_script: str | None) -> float:
    if line.kind is Kind.PROSE:
        if body_script and line.script and line.script != body_script:
            return -float(len(line.text))
        return float(len(line.text))
    return _PENALTY[line.kind]


@dataclass(slots=True)
class Body:
    """The article found in a dump: kept lines, what came before it, and what was learned."""

    lines: list[Line]
    before: list[Line]
    after: list[Line]
    script: str | None
    language: str | None
    dropped: list[Line] = field(default_factory=list)


def find_body(
    lines: list[Line],
    *,
    repeated: Callable[[str], bool] | None = None,
) -> Body:
    """Select the article's lines from ``lines`` (non-empty, in document order)."""
    if not lines:
        return Body([], [], [], None, None)
    start, end = _best_block(_scores(lines, None))
    block_text = " ".join(line.text for line in lines[start:end] if line.kind is Kind.PROSE)
    script = dominant_script(block_text)
    # Second pass: prose in another script than the body's no longer counts for the body.
    start, end = _best_block(_scores(lines, script))
    block = lines[start:end]
    prose = " ".join(line.text for line in block if line.kind is Kind.PROSE)
    language = identify(prose)[0] if len(prose) >= 40 else None
    _mark_drops(block, script, language, repeated)
    kept = [line for line in block if line.drop is None]
    dropped = [line for line in block if line.drop is not None]
    return Body(kept, lines[:start], lines[end:], script, language, dropped)


def _mark_drops(
    block: list[Line],
    script: str | None,
    language: str | None,
    repeated: Callable[[str], bool] | None,
) -> None:
    """Mark the lines inside the body that are not part of the article, with the reason."""
    in_related_box = False
    edges = {id(line) for line in block[:2] + block[-2:]}
    for line in block:
        if line.kind is Kind.RELATED:
            line.drop, in_related_box = "related-stories box", True
            continue
        if in_related_box:
            if _ends_box(line):
                in_related_box = False
            else:
                line.drop = "related-stories box"
                continue
        if line.kind in (Kind.FURNITURE, Kind.CAPTION, Kind.CREDIT):
            line.drop = line.kind.value
        elif _other_script(line, script):
            line.drop = "other script"
        elif _other_language(line, language):
            line.drop = "other language"
        elif (
            repeated is not None
            # a sentence the source repeats inside bodies is shared news; at their edges, a footer
            and (line.kind is not Kind.PROSE or id(line) in edges)
            and line.words <= MAX_LINE_WORDS_FOR_REPEAT
            and repeated(line.text)
        ):
            line.drop = "repeated across the source's documents"
    _drop_repeats_within(block)


def _other_script(line: Line, script: str | None) -> bool:
    if not script or not line.script or line.script == script:
        return False
    counts = script_counts(line.text)
    total = sum(counts.values())
    return counts[line.script] / total > 0.5


def _other_language(line: Line, language: str | None) -> bool:
    """A heading-like line confidently in another language than the body (same script: an
    English promo in a French article). Paragraphs are left alone: an article may quote one."""
    if not language or line.kind is not Kind.MEDIUM:
        return False
    lang, prob = identify(line.text)
    return lang != language and prob >= 0.99


def _drop_repeats_within(block: list[Line]) -> None:
    """Drop exact repeats and highlights: lines whose text reappears inside a longer body line."""
    kept = [line for line in block if line.drop is None]
    first: dict[str, Line] = {}
    for line in kept:
        key = normalise_line(LIST_ITEM.sub("", line.text))
        if key not in first:
            first[key] = line
            continue
        earlier = first[key]
        if LIST_ITEM.match(earlier.text) and not LIST_ITEM.match(line.text):
            earlier.drop = "highlight repeated in the body"  # keep the paragraph, drop the bullet
            first[key] = line
        else:
            line.drop = "repeated within the document"
    kept = [line for line in kept if line.drop is None]
    normalised = [(line, normalise_line(LIST_ITEM.sub("", line.text)).rstrip(".")) for line in kept]
    # Highlights sit at the top or come as list items; checking only those keeps this linear.
    candidates = [
        pair
        for i, pair in enumerate(normalised)
        if pair[0].words >= 6 and (i < _HIGHLIGHT_WINDOW or LIST_ITEM.match(pair[0].text))
    ]
    for line, key in candidates:
        for other, other_key in normalised:
            if other is not line and len(other_key) > len(key) and key in other_key:
                line.drop = "highlight repeated in the body"
                break
