"""Repairing text that was decoded with the wrong character set.

Two kinds of damage are common in news dumps:

* UTF-8 read as a Western code page ("CafÃ©", "â€™"): ftfy repairs these reliably.
* UTF-8 read as an East Asian double-byte code page, most often GBK, which ftfy leaves alone:
  ``’`` (E2 80 99) followed by ``s`` becomes ``鈥檚``. The bytes can be recovered by encoding the
  damaged run back with the same code page and decoding it as UTF-8. Where a UTF-8 byte was paired
  with a byte the code page rejects (typically a closing quote before a space), the decoder
  replaced it by U+FFFD and the byte is lost; we then know only the first bytes of the character,
  which narrows it to a few punctuation marks, and choose among them by the quotes around it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import ftfy

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities in a text dump may be quoted on purpose; HTML is parsed elsewhere
    uncurl_quotes=False,  # curly quotes are part of the text, and quote detection relies on them
    fix_character_width=False,
    fix_line_breaks=True,
    normalization="NFC",
    explain=False,
)

# Code pages that turn UTF-8 into CJK-looking text, in the order of how often we meet them.
_DOUBLE_BYTE_CODECS = ("gbk", "gb18030", "big5", "shift_jis", "euc_kr")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LOST = "\ufffd"
# What recovered runs may hold: Latin, Greek and Cyrillic letters, punctuation, the euro sign and
# our placeholders for lost bytes; anything else means the guessed code page is wrong.
_PLAUSIBLE_RECOVERY = re.compile(
    "[\x20-\x7e\u00a0-\u024f\u0370-\u03ff\u0400-\u04ff\u2010-\u205e\u20ac\ue000\ue001]+"
)
_MAX_ENUMERATED = 10

# A lost final byte of a 3-byte UTF-8 character: the bytes we still have, and what they can be.
_CANDIDATES: dict[bytes, tuple[str, ...]] = {
    b"\xe2\x80": ("”", "’", "—", "–", "…", "“", "‘", "•"),
    b"\xe2\x82": ("€",),
}
_PLACEHOLDER = {b"\xe2\x80": "\ue000", b"\xe2\x82": "\ue001"}
_PLACEHOLDER_CHOICES = {"\ue000": _CANDIDATES[b"\xe2\x80"], "\ue001": _CANDIDATES[b"\xe2\x82"]}


@dataclass(slots=True, frozen=True)
class Repair:
    text: str
    repairs: tuple[str, ...]
    """What was done, e.g. ``("ftfy", "utf-8 read as gbk: 14 runs, 9 lost bytes guessed")``."""


def repair_mojibake(text: str) -> Repair:
    """Return ``text`` with encoding damage repaired, and a list of what was repaired."""
    repairs: list[str] = []
    fixed = ftfy.fix_text(text, config=_FTFY_CONFIG)
    if fixed != text:
        repairs.append("ftfy: encoding or control characters repaired")
    if _CJK.search(fixed):
        recovered, note = _undo_double_byte_misdecoding(fixed)
        if note:
            fixed = recovered
            repairs.append(note)
    return Repair(fixed, tuple(repairs))


def _undo_double_byte_misdecoding(text: str) -> tuple[str, str | None]:
    """Re-encode CJK-looking runs with the code page that explains them best, decode as UTF-8."""
    runs = [m for m in _NON_ASCII_RUN.finditer(text) if _CJK.search(m.group())]
    if not runs:
        return text, None
    cjk_chars = sum(len(_CJK.findall(m.group())) for m in runs)
    best: tuple[int, str, dict[int, str], int] | None = None
    for codec in _DOUBLE_BYTE_CODECS:
        converted: dict[int, str] = {}
        explained = 0
        lost = 0
        for match in runs:
            result = _recover_run(match.group(), codec)
            if result is None:
                continue
            recovered, n_lost = result
            converted[match.start()] = recovered
            explained += len(_CJK.findall(match.group()))
            lost += n_lost
        if best is None or explained > best[0]:
            best = (explained, codec, converted, lost)
    assert best is not None
    explained, codec, converted, lost = best
    # Genuine CJK text hardly ever re-decodes as UTF-8; damaged text nearly always does.
    if not explained or explained < 0.9 * cjk_chars:
        return text, None
    pieces: list[str] = []
    cursor = 0
    for match in runs:
        if match.start() in converted:
            pieces.append(text[cursor : match.start()])
            pieces.append(converted[match.start()])
            cursor = match.end()
    pieces.append(text[cursor:])
    repaired = _resolve_lost_punctuation("".join(pieces))
    note = f"utf-8 read as {codec}: {len(converted)} runs recovered"
    if lost:
        note += f", {lost} lost byte(s) restored from context"
    return repaired, note


def _recover_run(run: str, codec: str) -> tuple[str, int] | None:
    """Turn one damaged run back into the text it was, or None if ``codec`` cannot explain it."""
    out: list[str] = []
    pending = bytearray()
    lost = 0
    for ch in run:
        if ch == _LOST:
            # the bytes of the unfinished character are all we have of it
            tail = _unfinished_tail(bytes(pending))
            if tail is None or tail not in _PLACEHOLDER:
                return None
            head = bytes(pending[: len(pending) - len(tail)])
            try:
                out.append(head.decode("utf-8"))
            except UnicodeDecodeError:
                return None
            out.append(_PLACEHOLDER[tail])
            pending.clear()
            lost += 1
            continue
        try:
            pending += ch.encode(codec)
        except UnicodeEncodeError:
            return None
    try:
        out.append(bytes(pending).decode("utf-8"))
    except UnicodeDecodeError:
        return None
    recovered = "".join(out)
    if not _PLAUSIBLE_RECOVERY.fullmatch(recovered):
        return None  # still CJK, or odd symbols and combining marks: this codec does not explain it
    return recovered, lost


def _unfinished_tail(data: bytes) -> bytes | None:
    """The trailing bytes of ``data`` that start a UTF-8 character but do not finish it."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:
            continue  # continuation byte: keep looking for the lead
        need = 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 else 4 if byte >> 3 == 0b11110 else 0
        return data[-back:] if need > back else None
    return None


def _resolve_lost_punctuation(text: str) -> str:
    """Replace each placeholder by the punctuation mark that fits its context best."""
    if "\ue000" not in text and "\ue001" not in text:
        return text
    text = text.replace("\ue001", "€")
    return "\n".join(_resolve_line(line) for line in text.split("\n"))


def _resolve_line(line: str) -> str:
    slots = [i for i, ch in enumerate(line) if ch == "\ue000"]
    if not slots:
        return line
    chars = list(line)
    quote_slots: list[int] = []
    for i in slots:
        before = line[i - 1] if i > 0 else ""
        after = line[i + 1] if i + 1 < len(line) else ""
        if before == " " and after == " ":
            chars[i] = "—"  # a spaced dash
        elif before.isdigit() and after.isdigit():
            chars[i] = "–"  # a range
        else:
            quote_slots.append(i)  # before a space, punctuation or the line end: a closing mark
    if quote_slots:
        choices = _best_quote_assignment("".join(chars), quote_slots)
        for i, choice in zip(quote_slots, choices, strict=True):
            chars[i] = choice
    return "".join(chars)


def _best_quote_assignment(line: str, slots: list[int]) -> tuple[str, ...]:
    """Choose ” or ’ for each slot so that the line's quotes balance and apostrophes look right.

    Lines rarely hold more than a handful of lost marks, so every assignment is scored; past
    ``_MAX_ENUMERATED`` slots each is decided alone, left to right.
    """
    if len(slots) > _MAX_ENUMERATED:
        return tuple(_best_quote_assignment(line, [slot])[0] for slot in slots)
    best_score = float("-inf")
    best: tuple[str, ...] = tuple("”" for _ in slots)
    for combo in itertools.product(("”", "’"), repeat=len(slots)):
        chars = list(line)
        for i, c in zip(slots, combo, strict=True):
            chars[i] = c
        score = _quote_score("".join(chars), set(slots))
        if score > best_score:
            best_score, best = score, combo
    return best


def _quote_score(line: str, slot_set: set[int]) -> float:
    score = 0.0
    double_open = False
    single_open = False
    for i, ch in enumerate(line):
        before = line[i - 1] if i > 0 else ""
        if ch == "“":
            if double_open:
                score -= 1.0
            double_open = True
        elif ch == "”":
            score += 0.0 if double_open else -2.0
            if i in slot_set and before in ".,!?;:":
                score += 1.0
            double_open = False
        elif ch == "‘":
            single_open = True
        elif ch == "’":
            if single_open:
                single_open = False
            elif i in slot_set:
                if before in "sSzZ":
                    score += 0.5  # plural possessive: "the countries’ forces"
                elif before in ".,!?;:":
                    score -= 1.0
                else:
                    score -= 0.5
    if double_open:
        score -= 1.0
    return score
