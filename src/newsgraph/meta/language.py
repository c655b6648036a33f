"""Which language and which script a piece of text is in.

Language identification uses py3langid (offline, a naive Bayes model over byte n-grams, ~100
languages). It is reliable on paragraphs and unreliable on three-word lines, so decisions about
short lines lean on the *script* (Latin, Cyrillic, Arabic, ...), which is certain.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any

# (first code point, last code point, script); letters outside these count as "Other".
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latin"),
    (0x0061, 0x007A, "Latin"),
    (0x00C0, 0x00D6, "Latin"),
    (0x00D8, 0x00F6, "Latin"),
    (0x00F8, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1200, 0x137F, "Ethiopic"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x9FFF, "Han"),
    (0xAC00, 0xD7AF, "Hangul"),
)


def _char_class(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


def _script_patterns() -> list[tuple[str, re.Pattern[str]]]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for lo, hi, name in _SCRIPT_RANGES:
        grouped.setdefault(name, []).append((lo, hi))
    # Latin's range includes punctuation-free letters only once we intersect with \w below
    return [(name, re.compile(f"[{_char_class(ranges)}]")) for name, ranges in grouped.items()]


_PATTERNS = _script_patterns()
_LETTER = re.compile(r"[^\W\d_]")


def script_counts(text: str) -> Counter[str]:
    """Letters per script in ``text`` (letters outside the known scripts count as "Other")."""
    counts: Counter[str] = Counter()
    letters = len(_LETTER.findall(text))
    if not letters:
        return counts
    for name, pattern in _PATTERNS:
        n = len(pattern.findall(text))
        if n:
            counts[name] += n
    other = letters - sum(counts.values())
    if other > 0:
        counts["Other"] = other
    return counts


def dominant_script(text: str) -> str | None:
    """The script of most letters in ``text``, or None if it has no letters."""
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """Return ``(ISO 639-1 code, probability)`` for ``text``."""
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)


def detect_language(text: str, *, min_chars: int = 40) -> str | None:
    """The language of an article body, or None when the text is too short to tell.

    Only the first few thousand characters are read: an article does not change language, and
    long bodies would otherwise dominate the cost.
    """
    sample = text[:5000]
    if sum(1 for ch in sample if ch.isalpha()) < min_chars:
        return None
    lang, _ = identify(sample)
    return lang
