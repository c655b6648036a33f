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
    if word.endswith("й"):  # Николай, Абдулай, Сергей
        return table(1, "й", "я", "ю", "й", "ем", "е")
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


_RU_FUNCTION_WORDS = {
    "за",
    "в",
    "во",
    "на",
    "по",
    "с",
    "со",
    "и",
    "для",
    "о",
    "об",
    "при",
    "к",
    "от",
    "до",
    "из",
}


def russian_case_forms(name: str) -> list[str]:
    """The forms a Russian name takes in its cases: "Россия" -> России, Россию, Россией...;
    "Российская Федерация" -> "Российской Федерации"...; indeclinable names (Мали) stay."""
    if not _CYRILLIC.search(name):
        return [name]
    words: list[list[str]] = []
    frozen = False  # a name declines up to its head noun; what follows keeps its own case
    for word in name.split(" "):
        if word.lower() in _RU_FUNCTION_WORDS:
            frozen = True
        declines = _CYRILLIC.search(word) and not frozen
        words.append(_russian_cases(word) if declines else [word] * 6)
        if declines and not word.lower().endswith(("ый", "ий", "ой", "ая", "яя", "ое", "ее")):
            frozen = True  # the head noun: "Группа [поддержки ислама]", "Коалиция [патриотов]"
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


# Russian case endings, longest first: stripped from Cyrillic name words so that "Ибрагим Мусса",
# "Ибрагима Муссы" and "Ибрагимом Муссой" share one key. A key, not a lemma: it only has to be
# the same for every case of one name.
_RU_ENDINGS = (
    "еем", "ием", "ого", "его", "ому", "ему", "ыми", "ими",
    "ой", "ей", "ый", "ий", "ия", "ию", "ея", "ею", "ом", "ем", "ым", "им", "ую", "юю", "ая", "яя", "ою",
    "а", "я", "у", "ю", "е", "ы", "и", "й", "ь", "о",
)  # fmt: skip
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
})  # fmt: skip


def transliterate(text: str) -> str:
    """Cyrillic to Latin letters (a plain scheme for identifiers, not for display)."""
    return text.lower().translate(_TRANSLIT)


def _russian_stem(word: str) -> str:
    """Strip case endings until none is left (Ибрагимом -> Ибрагим -> Ибраг, as Ибрагим does)."""
    while True:
        ending = next((e for e in _RU_ENDINGS if word.endswith(e) and len(word) - len(e) >= 3), None)
        if ending is None:
            return word
        word = word[: -len(ending)]


def person_key(name: str) -> str:
    """A key under which transliteration variants of one person's name coincide (and, for names
    in Cyrillic, the grammatical cases of one name)."""
    words = [
        transliterate(_russian_stem(w.casefold().replace("ё", "е")))
        if _CYRILLIC.search(w)
        else strip_accents(w.casefold())
        for w in TOKEN.findall(name)
    ]
    key = " ".join(words)
    for pattern, replacement in _NAME_VARIANTS:
        key = pattern.sub(replacement, key)
    return key


def slug(text: str) -> str:
    """A readable identifier fragment: "Sergey Lavrov" -> "sergey-lavrov"."""
    ascii_text = strip_accents(transliterate(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x"
