"""The metrics of the public extraction and date benchmarks, each as its authors define it.

Written from the benchmarks' descriptions (see docs/evaluation.md for the exact rules and where
they come from). Each function takes gold and system output and returns plain numbers, so the
same scorer serves newsgraph and any reference system in the same run.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")


# --- Zyte article-extraction-benchmark: 4-gram shingles ------------------------------------------


def _shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")  # case-sensitive: \w+ only drops punctuation
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


@dataclass(slots=True, frozen=True)
class ShingleCounts:
    tp: float
    fp: float
    fn: float
    exact: bool


def shingle_counts(gold: str | None, predicted: str | None) -> ShingleCounts:
    """Per-page shingle overlap, normalised so that every page weighs the same."""
    g, p = _shingles(gold), _shingles(predicted)
    tp = fp = fn = 0.0
    for key in g.keys() | p.keys():
        t, q = g.get(key, 0), p.get(key, 0)
        tp += min(t, q)
        fp += max(0, q - t)
        fn += max(0, t - q)
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    exact = _WORD.findall(gold or "") == _WORD.findall(predicted or "")
    return ShingleCounts(tp, fp, fn, exact)


@dataclass(slots=True, frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    accuracy: float | None = None
    n: int = 0


def shingle_score(pages: Sequence[ShingleCounts]) -> PRF:
    """Macro-averaged precision and recall; F1 of the averages. A page with no output is left out
    of precision (it costs recall only), as in the benchmark's evaluate.py."""
    precisions, recalls = [], []
    for c in pages:
        if c.tp + c.fp > 0:
            precisions.append(1.0 if c.fp == c.fn == 0 else c.tp / (c.tp + c.fp))
        if c.tp + c.fn > 0:
            recalls.append(1.0 if c.fp == c.fn == 0 else c.tp / (c.tp + c.fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    accuracy = sum(c.exact for c in pages) / len(pages) if pages else 0.0
    return PRF(p, r, f, accuracy, len(pages))


# --- trafilatura's evaluation: snippets that must / must not appear ------------------------------


def _norm_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(slots=True)
class SnippetCounts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, other: SnippetCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.tn += other.tn
        self.fn += other.fn


def snippet_counts(output: str | None, with_: Iterable[str], without: Iterable[str]) -> SnippetCounts:
    """Each 'with' snippet found is a true positive, each 'without' snippet found a false positive
    (case-sensitive substring test after collapsing whitespace)."""
    with_, without = list(with_), list(without)
    text = _norm_ws(output) if isinstance(output, str) and output else None
    tp = sum(1 for s in with_ if text is not None and _norm_ws(s) in text)
    fp = sum(1 for s in without if text is not None and _norm_ws(s) in text)
    return SnippetCounts(tp=tp, fp=fp, tn=len(without) - fp, fn=len(with_) - tp)


def snippet_score(c: SnippetCounts) -> PRF:
    """Micro-averaged over all snippets of all pages."""
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    total = c.tp + c.tn + c.fp + c.fn
    acc = (c.tp + c.tn) / total if total else 0.0
    f = 2 * c.tp / (2 * c.tp + c.fp + c.fn) if c.tp else 0.0
    return PRF(p, r, f, acc, total)


# --- WCXB: lowercased bag-of-words F1, averaged per page -----------------------------------------


def bag_of_words(gold: str | None, predicted: str | None) -> tuple[float, float, float]:
    ref = _WORD.findall(gold.lower()) if gold else []
    pred = _WORD.findall(predicted.lower()) if predicted else []
    if not ref:
        return (1.0, 1.0, 1.0) if not pred else (0.0, 0.0, 0.0)
    if not pred:
        return (0.0, 0.0, 0.0)
    overlap = sum((Counter(pred) & Counter(ref)).values())
    p, r = overlap / len(pred), overlap / len(ref)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def mean_prf(pages: Sequence[tuple[float, float, float]]) -> PRF:
    """Means of per-page precision, recall and F1 (F1 is the mean of page F1s, not of P and R)."""
    n = len(pages)
    if not n:
        return PRF(0.0, 0.0, 0.0, None, 0)
    return PRF(
        sum(p for p, _, _ in pages) / n,
        sum(r for _, r, _ in pages) / n,
        sum(f for _, _, f in pages) / n,
        None,
        n,
    )


# --- DAnIEL (CleanEval word alignment) ------------------------------------------------------------

_URL_LINE = re.compile(r"^\s*URL.*$", re.M)
_CONTROL = re.compile(r"[\x00-\x1f]+")
_BLOCK_TAG = re.compile(r"<([phl])>", re.I)


def cleaneval_tokens(text: str) -> list[str]:
    """CleanEval's normalisation: URL lines out, control characters to spaces, each <p>/<h>/<l>
    tag a token of its own, then split on whitespace (case and punctuation kept)."""
    text = _URL_LINE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _BLOCK_TAG.sub(lambda m: f"\n<{m.group(1)}> ", text)
    text = re.sub(r"\s+", " ", text)
    return re.split(r"\s+", text)


def as_paragraph_markup(paragraphs: Sequence[str]) -> str:
    """System output in the form the DAnIEL evaluation writes it."""
    return "<p>" + "</p>\n<p>".join(paragraphs) + "</p>"


def cleaneval_prf(gold: str, output: str) -> tuple[float, float, float]:
    """Word-alignment precision, recall and F (0..1) between output and gold (difflib, autojunk on)."""
    out_words, gold_words = cleaneval_tokens(output), cleaneval_tokens(gold)
    tp = fp = fn = 0
    matcher = difflib.SequenceMatcher(None, out_words, gold_words)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            tp += i2 - i1
        else:
            fp += i2 - i1
            fn += j2 - j1
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- htmldate: day-exact publication dates ---------------------------------------------------------


@dataclass(slots=True)
class DateCounts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    pages: int = 0

    def add(self, gold: str | float | None, found: str | None) -> None:
        """A right date is a TP, a wrong one a FP, none a FN (plus a TN when there is no gold,
        as htmldate's evaluation counts it; its gold uses NaN, never None, for "no date")."""
        self.pages += 1
        no_gold = gold is None
        if found is None:
            if no_gold:
                self.tn += 1
            self.fn += 1
        elif isinstance(gold, str) and found == gold:
            self.tp += 1
        else:
            self.fp += 1

    def score(self) -> PRF:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = self.tp + self.tn + self.fp + self.fn
        acc = (self.tp + self.tn) / total if total else 0.0
        f = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0
        return PRF(p, r, f, acc, self.pages)


def is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
