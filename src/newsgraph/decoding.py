"""Bytes to text, saying what it cost.

News files come in UTF-8, in legacy code pages (windows-1251 for Russian, windows-1252 and
latin-1 for French), with and without byte-order marks, and sometimes as UTF-8 with a few broken
bytes. We decode each the way it was written, and report any byte we could not map.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from .errors import BinaryInput

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(slots=True, frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None
    """Set when bytes had to be replaced or guessed; goes to the errors table as a warning."""


def decode_bytes(data: bytes, *, html: bool = False) -> Decoded:
    """Decode ``data``: byte-order mark, then strict UTF-8, then a declared HTML charset, then a
    detected code page; broken UTF-8 is decoded with U+FFFD for the bad bytes and a warning."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                break
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_charset(data)
        if declared and declared != "utf-8":
            try:
                return Decoded(data.decode(declared), declared)
            except (UnicodeDecodeError, LookupError):
                pass
    bad, multibyte = _utf8_damage(data)
    # Valid multi-byte sequences are strong evidence of UTF-8: legacy code pages almost never
    # produce them by chance. A few stray bytes do not make a UTF-8 file something else.
    if multibyte and bad <= multibyte:
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", f"invalid UTF-8: {bad} undecodable byte sequence(s) replaced")
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        if multibyte:
            text = data.decode("utf-8", errors="replace")
            return Decoded(text, "utf-8", f"invalid UTF-8: {bad} byte sequence(s) replaced")
        raise BinaryInput("undecodable text: no character encoding fits")
    encoding = best.encoding
    return Decoded(
        data.decode(encoding, errors="replace"),
        encoding,
        f"not valid UTF-8: decoded as {encoding}",
    )


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii", "ignore")).name
    except LookupError:
        return None


def _utf8_damage(data: bytes) -> tuple[int, int]:
    """Count (invalid sequences, valid multi-byte characters) when reading ``data`` as UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return bad, multibyte
