"""Normalised forms of names, so that spellings, scripts and transliterations meet.

Two levels: ``fold`` for matching text against the knowledge base (case, accents, apostrophes,
Russian case endings), and ``person_key`` for deciding that two person names are one person
("Sergey Lavrov" / "Sergei Lavrov" / "Sergueï Lavrov"; "Assimi Goïta" / "Assimi Goita").
"""

from __future__ import annotations

import re
import unicodedata

TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_token(token: str) -> str:
    """One token, case- and accent-free (Russian й and ё folded to и and е alike)."""
    return strip_accents(token.casefold())


def fold_tokens(text: str) -> tuple[str, ...]:
    return tuple(fold_token(t) for t in TOKEN.findall(text))


def fold(text: str) -> str:
    return " ".join(fold_tokens(text))


_RU_VELAR = tuple("гкхжшщч")


def _russian_cases(word: str) -> list[str]:
    """Nominative, genitive, dative, accusative, instrumental, prepositional of one word, by its
    ending (regular declensions of nouns and adjectives; anything else is left as it is)."""

    def table(cut: int, *endings: str) -> list[str]:
        return [word[: len(word) - cut] + e for e in endings]

    if word.endswith("ая"):
        return table(2, "ая", "ой", "ой", "ую", "ой", "ой")
    if word.endswith(("ий", "ый")):
        return table(2, word[-2:], "ого", "ому", word[-2:], "им" if word.endswith("ий") else "ым", "ом")
    if word.endswith("ое"):
        return table(2, "ое", "ого", "ому", "ое", "ым", "ом")
    if word.endswith("ия"):
        return table(2, "ия", "ии", "ии", "ию", "ией", "ии")
    if word.endswith("я"):
        return table(1, "я", "и", "е", "ю", "ей", "е")
    if word.endswith("а"):
        return table(1, "а", "и" if word[:-1].endswith(_RU_VELAR) else "ы", "е", "у", "ой", "е")
    if word.endswith("ь"):  # masculine (Кремль) or feminine: both sets, the wrong ones never occur
        return table(1, "ь", "я", "ю", "ь", "ем", "е") + table(1, "и", "ью")
    if word[-1:] in "оеиуюэы" or not word[-1:].isalpha():
        return [word] * 6
    return table(0, "", "а", "у", "", "ом", "е")


def russian_case_forms(name: str) -> list[str]:
    """The forms a Russian name takes in its cases: "Россия" -> России, Россию, Россией...;
    "Российская Федерация" -> "Российской Федерации"...; indeclinable names (Мали) stay."""
    if not _CYRILLIC.search(name):
        return [name]
    words = [_russian_cases(word) if _CYRILLIC.search(word) else [word] * 6 for word in name.split(" ")]
    width = max(len(w) for w in words)
    forms = []
    for k in range(width):
        form = " ".join(w[k] if k < len(w) else w[0] for w in words)
        if form not in forms:
            forms.append(form)
    return forms


# Transliteration variants of person names that refer to the same person.
_NAME_VARIANTS = (
    (re.compile(r"ey\b"), "ei"),  # Sergey / Sergei, Alexey / Alexei
    (re.compile(r"gue"), "ge"),  # Sergueï (French) / Sergei
    (re.compile(r"ou"), "u"),  # Choïgou / Shoigu
    (re.compile(r"ye"), "e"),  # Yevkurov / Evkurov, Yevgeny / Evgeny
    (re.compile(r"kh"), "h"),  # Mikhail / Mihail
    (re.compile(r"sch|ch|sh"), "sh"),  # Chtchoukine / Shchukin
    (re.compile(r"dj"), "j"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(.)\1"), r"\1"),  # doubled letters
    (re.compile(r"y"), "i"),
)


def person_key(name: str) -> str:
    """A key under which transliteration variants of one person's name coincide."""
    words = [strip_accents(w.casefold()) for w in TOKEN.findall(name)]
    key = " ".join(words)
    for pattern, replacement in _NAME_VARIANTS:
        key = pattern.sub(replacement, key)
    return key


def slug(text: str) -> str:
    """A readable identifier fragment: "Sergey Lavrov" -> "sergey-lavrov"."""
    ascii_text = strip_accents(text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x"
