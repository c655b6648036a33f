"""Quotes: what an article says someone said, and who said it.

Two kinds of quote are found:

* **direct** quotes: words inside quote marks (“ ” " ‘ ’ « » „ “) or on a French or Russian
  dialogue line that opens with a dash (— / –). The quote's text is what lies between the marks.
* **reported** speech: the complement clause of a speech verb ("Diop said *that Mali was
  ready*", "le ministre a affirmé *que ...*") and the clause an "according to X" / "selon X" /
  "по словам X" phrase qualifies. Reported speech needs the dependency parse, except "according
  to" phrases, which are also read from the surface.

Each quote gets a *cue* (the speech verb's lemma or the "according to" phrase) and a *speaker*:
the subject of the cue resolved to an actor through the article's mentions. Pronouns and bare
role nouns ("he", "elle", "the minister") that no mention covers are resolved by one documented
rule (see ``_antecedent``): the most recent person who spoke within the last three sentences,
else the most recent person mentioned there. Without a parse (Russian, or a parse that failed)
the speaker is the person mention nearest a speech-verb form next to the quote.

Nothing here raises on odd input: unbalanced marks are capped at the paragraph (and at
``MAX_QUOTE_CHARS``), and the work is linear in the length of the text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Mention
from .lexicon import load_lexicons


def _words(spaced: str) -> frozenset[str]:
    """A word list written as one spaced string, for lexicons that read as prose."""
    return frozenset(spaced.split())


MAX_QUOTE_CHARS = 1500
"""A quote mark left open is closed at the paragraph's end, and given up beyond this length: an
unbalanced mark must not swallow the rest of the article."""
_LOOKBACK_SENTENCES = 3
"""How many sentences back a pronoun or a bare role noun may find its speaker."""
_AFTER_TOKENS = 8
"""A speech verb this many words after a closing mark is the quote's cue ("..., the minister
said"); further away, it belongs to something else."""


@dataclass(slots=True)
class Quote:
    """One quotation in an article, with who said it when that can be told."""

    text: str
    """The quoted words: inside the marks (marks excluded) for a direct quote, the complement
    clause ("that ..." content, without "that") for reported speech."""
    start: int
    end: int
    """Offsets of ``text`` in the article text."""
    speaker: str | None
    """actor_id of the speaker, or None when unresolved."""
    speaker_text: str | None
    """The words naming the speaker in the text ("Diop", "the minister", "he")."""
    kind: str
    """``direct`` or ``reported``."""
    cue: str | None
    """The speech verb's lemma ("say", "déclarer"), or "according to" / "selon" / "по словам"."""
    sentence: int
    """Index of the sentence holding the cue, or the quote's start when there is no cue."""
    how: str = "none"
    """How the speaker was found: ``mention`` (a mention covers the cue's subject), ``pronoun``
    or ``role`` (the antecedent rule), ``nearby`` (no parse: the mention next to a speech verb),
    ``continued`` (a quote paragraph that carries on the quote before it), or ``none``."""


# --- lexicons -------------------------------------------------------------------------------------

SPEECH_VERBS: dict[str, frozenset[str]] = {
    **{language: lexicon.speech for language, lexicon in load_lexicons().items() if lexicon.speech},
    # Russian has no event lexicon (no dependency parse, no events): its list lives here
    "ru": _words(
        "заявить сказать сообщить отметить подчеркнуть добавить пояснить уточнить написать рассказать "
        "говорить заявлять сообщать отмечать подчёркивать"
    ),
}
"""Verbs that introduce speech, by language, as lemmas. English and French come from the event
lexicon's ``speech`` lists, so the quote stage and the event coder's attribution share one list."""

ACCORDING: dict[str, tuple[str, ...]] = {
    "en": ("according to",),
    "fr": ("selon", "d'après", "d’après"),
    "ru": ("по словам", "по мнению", "по данным"),
}
"""Phrases that attribute a clause to a source without a verb."""

_PRONOUNS: dict[str, frozenset[str]] = {
    "en": frozenset({"he", "she"}),
    "fr": frozenset({"il", "elle", "lui"}),
    "ru": frozenset({"он", "она", "него", "неё", "нее"}),
}
"""Singular personal pronouns that can name a speaker: resolved to a person by ``_antecedent``.
("they" / "ils" are left unresolved: a plural needs a group, not a person.)"""

_ROLE_NOUNS = _words(
    "minister president spokesman spokeswoman spokesperson ambassador envoy diplomat leader official "
    "chief secretary commander general colonel premier chairman chairwoman head governor mayor senator "
    "lawmaker prosecutor officer director adviser advisor king prince queen pope captain "
    "ministre président présidente porte-parole ambassadeur ambassadrice diplomate dirigeant dirigeante "
    "chef secrétaire commandant général gouverneur maire procureur responsable directeur directrice "
    "conseiller conseillère roi"
)
"""Nouns that, with a definite article and no mention on them, stand for a person already named
("the minister said")."""

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "expl:subj", "csubj"})
_INVERTED_SUBJECT_DEPS = frozenset({"dobj", "obj", "attr", "nsubj", "dep", "npadvmod", "appos", "obl"})
_INHERIT_SUBJECT_DEPS = frozenset({"advcl", "xcomp", "conj", "acl", "parataxis", "pcomp", "prep", "pobj"})
_CLAUSE_BOUNDARY_DEPS = frozenset({"relcl", "acl", "acl:relcl"})
"""A quote inside a relative clause is not the speech of the verb the clause hangs from."""
_SPAN_STOP_DEPS = frozenset(
    {"punct", "relcl", "acl", "acl:relcl", "appos", "cc", "conj", "advcl", "parataxis", "ccomp", "dep"}
)
_NOUNISH = frozenset({"NOUN", "PROPN", "PRON"})
_COMPLEMENT_DEPS = frozenset({"ccomp"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "qui", "lequel", "laquelle"})
_LEADING_MARKS = frozenset({"that", "que", "qu'", "qu’", "whether", "if"})


def _en_forms(lemma: str) -> set[str]:
    irregular = {
        "say": {"said", "says", "saying"},
        "tell": {"told", "tells", "telling"},
        "write": {"wrote", "written", "writes", "writing"},
        "admit": {"admitted", "admits", "admitting"},
    }
    if lemma in irregular:
        return irregular[lemma] | {lemma}
    forms = {lemma}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


_FR_IRREGULAR = {
    "dire": "dit dis disent dite dites disait disaient dira diront dirait disant",
    "écrire": "écrit écrits écrite écrivait écrivent écrira écrivant",
    "avertir": "averti avertie avertit avertissait avertissent avertira avertissant",
    "prévenir": "prévient préviennent prévenu prévenait prévenant",
    "soutenir": "soutient soutiennent soutenu soutenait soutenant",
    "répondre": "répond répondent répondu répondait répondant",
    "démentir": "dément démentent démenti démentait",
    "réagir": "réagi réagit réagissait réagissant",
    "rappeler": "rappelle rappellent rappelé rappelait rappelant",
    "répéter": "répète répètent répété répétait répétant",
    "lancer": "lance lancent lancé lançait lançant",
    "admettre": "admet admettent admis admettait",
    "reconnaître": "reconnaît reconnait reconnaissent reconnu reconnaissait",
    "promettre": "promet promettent promis promettait",
    "poursuivre": "poursuit poursuivent poursuivi poursuivait",
}
_FR_ER_ENDINGS = _words("e es ent ons ez é ée és ées ait aient ais a ant era eront erait èrent ât")


def _fr_forms(lemma: str) -> set[str]:
    if lemma in _FR_IRREGULAR:
        return set(_FR_IRREGULAR[lemma].split()) | {lemma}
    if lemma.endswith("er"):
        stem = lemma[:-2]
        return {stem + ending for ending in _FR_ER_ENDINGS} | {lemma}
    return {lemma}


_RU_FORMS = {
    "заявить": "заявил заявила заявили заявило",
    "заявлять": "заявляет заявляют заявлял заявляла",
    "сказать": "сказал сказала сказали",
    "говорить": "говорит говорят говорил говорила говорили",
    "сообщить": "сообщил сообщила сообщили",
    "сообщать": "сообщает сообщают сообщал сообщала",
    "отметить": "отметил отметила отметили",
    "отмечать": "отмечает отмечают",
    "подчеркнуть": "подчеркнул подчеркнула подчеркнули",
    "подчёркивать": "подчёркивает подчеркивает",
    "добавить": "добавил добавила добавили",
    "пояснить": "пояснил пояснила пояснили",
    "уточнить": "уточнил уточнила уточнили",
    "написать": "написал написала написали",
    "рассказать": "рассказал рассказала рассказали",
}


def _build_forms() -> dict[str, dict[str, str]]:
    """Surface form -> lemma, per language: the pipelines run without a lemmatizer, so speech
    verbs are recognised by their inflected forms."""
    forms: dict[str, dict[str, str]] = {"en": {}, "fr": {}, "ru": {}}
    for lemma in SPEECH_VERBS["en"]:
        forms["en"].update(dict.fromkeys(_en_forms(lemma), lemma))
    for lemma in SPEECH_VERBS["fr"]:
        forms["fr"].update(dict.fromkeys(_fr_forms(lemma), lemma))
    for lemma, words in _RU_FORMS.items():
        forms["ru"].update(dict.fromkeys(words.split(), lemma))
    return forms


_FORMS = _build_forms()
_ALL_FORMS: dict[str, str] = {k: v for table in _FORMS.values() for k, v in table.items()}


def _surface_pattern(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.I)


_SURFACE_SPEECH = {lang: _surface_pattern(table) for lang, table in _FORMS.items()}
_SURFACE_SPEECH_ANY = _surface_pattern(_ALL_FORMS)
_ACCORDING_SURFACE = {lang: _surface_pattern(phrases) for lang, phrases in ACCORDING.items()} | {
    None: _surface_pattern(p for phrases in ACCORDING.values() for p in phrases)
}

# --- direct quotes: scanning the marks -----------------------------------------------------------

_MARKS = re.compile(r"[\"“”„«»‘’'‹›]")
_OPEN_BOUNDARY = set(" \t\n\u00a0\u202f([{—–-/:;,") | {""}
_SPACE = " \t\n\r\u00a0\u202f\u2009"
_STOP_AFTER_WORD = re.compile(r"(?<=\w)[.!?;]")
_DASH_LINE = re.compile(r"[—–][ \u00a0\u202f]+")


@dataclass(slots=True)
class _Direct:
    start: int
    end: int
    open_mark: int
    """Offset of the opening mark (or dash); the quote's content follows it."""
    after: int
    """Offset just past the closing mark (or ``end`` when the quote was left open)."""
    paragraph: int
    closed: bool
    whole_paragraph: bool = False


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated when the text has blank lines, else one per line
    (texts extracted one paragraph per line)."""
    splitter = (
        re.compile(r"\n[ \t\u00a0]*\n\s*") if re.search(r"\n[ \t\u00a0]*\n", text) else re.compile(r"\n+")
    )
    spans, start = [], 0
    for match in splitter.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _char(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _opener_like(text: str, index: int, start: int) -> bool:
    before = _char(text, index - 1) if index > start else ""
    after = _char(text, index + 1)
    return (before in _OPEN_BOUNDARY or before in '“«"') and after != "" and after not in _SPACE


def _closer_like(text: str, index: int) -> bool:
    before = _char(text, index - 1)
    return before != "" and before not in _SPACE


def _single_closer_strength(text: str, index: int, end: int) -> int:
    """2: surely closes a single-quoted span; 1: maybe (a plural possessive, "countries’ combat");
    0: an apostrophe inside a word ("Moscow’s")."""
    after = _char(text, index + 1) if index + 1 < end else ""
    if after.isalnum() or not _closer_like(text, index):
        return 0
    if _char(text, index - 1) in "sS" and after in _SPACE and _char(text, index + 2).isalpha():
        return 1
    return 2


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SPACE + ",;:":
        start += 1
    while end > start and text[end - 1] in _SPACE + ",;:":
        end -= 1
    return start, end


def _scan_paragraph(text: str, p_start: int, p_end: int, index: int, out: list[_Direct]) -> None:
    """Pair the quote marks of one paragraph. Inside a quote only its own closer counts (marks of
    another kind are nested quotes and stay part of it); a quote still open at the paragraph's
    end is closed there, unless it is a single-quoted one (too likely a stray apostrophe)."""
    open_at = -1
    closers = ""
    single = False
    weak_close = -1
    for match in _MARKS.finditer(text, p_start, p_end):
        i, mark = match.start(), match.group()
        if open_at >= 0 and i - open_at > MAX_QUOTE_CHARS:
            open_at, weak_close = -1, -1  # give up on a runaway mark
        if open_at < 0:
            if mark in "«„‹":
                open_at, closers, single = i, {"«": "»", "„": "“”", "‹": "›"}[mark], False
            elif mark in '“"”' and _opener_like(text, i, p_start):
                open_at, closers, single = i, ('"' if mark == '"' else "”“"), False
            elif mark in "‘'" and _opener_like(text, i, p_start) and _char(text, i + 1).isalnum():
                open_at, closers, single, weak_close = i, "’'", True, -1
            continue
        if mark not in closers:
            continue
        if single:
            strength = _single_closer_strength(text, i, p_end)
            if strength == 1 and weak_close < 0:
                weak_close = i
            if strength < 2:
                continue
        elif mark == "“" and not _closer_like(text, i):
            continue
        _emit(text, open_at, i, i + 1, index, True, out)
        open_at, weak_close = -1, -1
    if open_at >= 0:
        if single:
            if weak_close >= 0:
                _emit(text, open_at, weak_close, weak_close + 1, index, True, out)
        elif p_end - open_at <= MAX_QUOTE_CHARS:
            _emit(text, open_at, p_end, p_end, index, False, out)


def _emit(text: str, open_at: int, close_at: int, after: int, paragraph: int, closed: bool,
          out: list[_Direct]) -> None:  # fmt: skip
    start, end = _trimmed(text, open_at + 1, close_at)
    if any(c.isalnum() for c in text[start:end]):
        out.append(_Direct(start, end, open_at, after, paragraph, closed))


def _dash_lines(text: str, paragraphs: list[tuple[int, int]], language: str | None,
                out: list[_Direct]) -> None:  # fmt: skip
    """French and Russian dialogue: a paragraph opening with a dash is speech up to the incise
    that names the speaker (", a-t-il déclaré", ", — заявил он")."""
    if language not in ("fr", "ru"):
        return
    taken = {d.paragraph for d in out}
    speech = _SURFACE_SPEECH[language]
    for index, (p_start, p_end) in enumerate(paragraphs):
        dash = _DASH_LINE.match(text, p_start, p_end)
        if dash is None or index in taken:
            continue
        end = p_end
        for comma in re.finditer(r",[ \u00a0]*(?:[—–][ \u00a0]*)?", text[dash.end() : p_end]):
            rest = text[dash.end() + comma.end() : p_end]
            verb = speech.search(rest, 0, 40)
            if verb is not None and verb.start() <= 25:
                end = dash.end() + comma.start()
                break
        start, end = _trimmed(text, dash.end(), end)
        if any(c.isalnum() for c in text[start:end]):
            out.append(_Direct(start, end, dash.start(), end, index, end == p_end))


# --- the article's index: sentences, tokens, mentions ----------------------------------------------


@dataclass(slots=True)
class _Article:
    text: str
    language: str | None
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    paragraphs: list[tuple[int, int]]
    paragraph_starts: list[int]
    mentions: list[Mention]
    mention_starts: list[int]
    longest_mention: int
    persons: list[Mention]
    person_starts: list[int]
    doc: Any | None
    token_starts: list[int] = field(default_factory=list)
    speakers: list[tuple[int, int, str]] = field(default_factory=list)
    """(offset, sentence, actor_id) of each person resolved as a speaker so far, in text order."""

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def sentence_span(self, offset: int) -> tuple[int, int]:
        if not self.sentences:
            return self.paragraph_span(offset)
        return self.sentences[self.sentence_of(offset)]

    def paragraph_span(self, offset: int) -> tuple[int, int]:
        index = max(0, bisect.bisect_right(self.paragraph_starts, offset) - 1)
        return self.paragraphs[index] if self.paragraphs else (0, len(self.text))

    def overlapping(self, start: int, end: int) -> list[Mention]:
        low = bisect.bisect_left(self.mention_starts, start - self.longest_mention)
        high = bisect.bisect_left(self.mention_starts, end)
        return [m for m in self.mentions[low:high] if m.start < end and start < m.end]

    def tokens(self, start: int, end: int) -> list[Any]:
        """The parse's tokens starting within [start, end)."""
        low = bisect.bisect_left(self.token_starts, start)
        high = bisect.bisect_left(self.token_starts, end)
        return [self.doc[i] for i in range(low, high)] if self.doc is not None else []

    def parsed_up_to(self, offset: int) -> bool:
        """Whether the parse reaches ``offset`` (long texts are parsed only up to a limit)."""
        if not self.token_starts or self.doc is None:
            return False
        last = self.doc[len(self.token_starts) - 1]
        parsed_end: int = last.idx + len(last.text) + len(last.whitespace_)
        return offset <= parsed_end


def _has_parse(doc: Any) -> bool:
    has_annotation = getattr(doc, "has_annotation", None)
    if not callable(has_annotation):
        return False  # the Russian shallow doc: sentences and entities, no tokens
    try:
        return bool(has_annotation("DEP"))
    except Exception:
        return False


def _lemma(token: Any, language: str | None) -> str | None:
    """The speech-verb lemma ``token`` is a form of, or None."""
    if token.pos_ not in ("VERB", "AUX") and not (token.pos_ == "NOUN" and token.tag_.startswith("VB")):
        return None
    lexicon = SPEECH_VERBS.get(language or "", frozenset())
    if token.lemma_ and token.lemma_.lower() in lexicon:
        return str(token.lemma_.lower())
    table = _FORMS.get(language or "", _ALL_FORMS)
    return table.get(token.lower_)


# --- speakers -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Source:
    """Who a cue points at: a span of text (the cue's subject, the "according to" object)."""

    start: int
    end: int
    head_start: int
    head_end: int
    head_lower: str
    definite: bool = False
    appositions: list[tuple[int, int]] = field(default_factory=list)
    """Spans in apposition to the head ("Russia's envoy, Vasily Nebenzya,"), tried when the
    head itself names no actor."""


def _source_of_token(token: Any) -> _Source:
    """The phrase a subject token heads: its left part whole, its right part only through
    modifiers ("the Ambassador of the Russian Federation to Mali"), not through a relative clause
    or apposition."""
    start = token.left_edge.idx
    end = token.idx + len(token.text)
    for child in token.rights:
        if child.dep_ in _SPAN_STOP_DEPS:
            break
        right = child.right_edge
        end = max(end, right.idx + len(right.text))
    definite = any(c.dep_ == "det" and c.lower_ in ("the", "le", "la", "l'", "l’") for c in token.lefts)
    lower = token.lower_.lstrip("-")
    lower = lower.removeprefix("t-")
    appositions = [
        (c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text))
        for c in token.rights
        if c.dep_ == "appos"
    ]
    return _Source(start, end, token.idx, token.idx + len(token.text), lower, definite, appositions)


def _past_euphonic_t(token: Any) -> Any:
    """French inversion "a-t-il": the "-t" is only there for the sound; the pronoun follows it."""
    if token.lower_.strip("-") == "t" and token.i + 1 < len(token.doc):
        return token.doc[token.i + 1]
    return token


def _subject(verb: Any, quote_before: bool, within: tuple[int, int] = (0, 0)) -> Any | None:
    """The speaker token of a speech verb: its subject; after a quote, the noun that follows the
    verb ("..., added the Ambassador", "..., a déclaré le ministre"); for a participle or a
    coordinated verb ("..., adding that"), the subject of the verb it hangs from."""
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS and not within[0] <= child.idx < within[1]:  # not the quote itself
            if child.lower_ in _RELATIVE_PRONOUNS and verb.dep_ in _CLAUSE_BOUNDARY_DEPS:
                return verb.head  # "Diop, who said ...": the noun the clause is about
            return _past_euphonic_t(child)
    if quote_before:
        for child in verb.rights:
            if child.dep_ in _INVERTED_SUBJECT_DEPS and child.pos_ in _NOUNISH:
                return child
    head = verb
    for _ in range(4):
        if head.dep_ not in _INHERIT_SUBJECT_DEPS or head.head.i == head.i:
            break
        head = head.head
        for child in head.children:
            if child.dep_ in _SUBJECT_DEPS:
                return child
    return None


def _pick(mentions: list[Mention]) -> Mention | None:
    persons = [m for m in mentions if m.actor_id.startswith("person:")]
    candidates = persons or mentions
    return candidates[0] if candidates else None


def _antecedent(article: _Article, offset: int) -> tuple[str | None, str]:
    """The person a pronoun or a bare role noun at ``offset`` stands for.

    The rule, deliberately simple: the most recent person resolved as a *speaker* within the last
    ``_LOOKBACK_SENTENCES`` sentences (the one the text is already quoting), else the most recent
    *person mention* starting before ``offset`` within those sentences. No gender, no number."""
    sentence = article.sentence_of(offset)
    for position, spoke_in, actor_id in reversed(article.speakers):
        if sentence - spoke_in > _LOOKBACK_SENTENCES:
            break  # speakers are recorded in text order: all the rest are further back
        if position < offset:
            return actor_id, "speaker"
    index = bisect.bisect_left(article.person_starts, offset) - 1
    while index >= 0:
        mention = article.persons[index]
        if sentence - mention.sentence > _LOOKBACK_SENTENCES:
            break
        if mention.end <= offset:
            return mention.actor_id, "person"
        index -= 1
    return None, "none"


def _resolve(article: _Article, source: _Source | None) -> tuple[str | None, str | None, str]:
    """(actor_id, speaker text, how) for a cue's source span."""
    if source is None:
        return None, None, "none"
    words = article.text[source.start : source.end]
    on_head = article.overlapping(source.head_start, source.head_end)
    language = article.language or ""
    pronouns = _PRONOUNS.get(language) or frozenset().union(*_PRONOUNS.values())
    if not on_head and source.head_lower in pronouns:
        actor_id, _ = _antecedent(article, source.head_start)
        return actor_id, words, "pronoun" if actor_id else "none"
    chosen = _pick(on_head) or _pick(article.overlapping(source.start, source.end))
    for a_start, a_end in source.appositions if chosen is None else ():
        chosen = _pick(article.overlapping(a_start, a_end))
        if chosen is not None:
            words = article.text[a_start:a_end]
            break
    if chosen is not None:
        return chosen.actor_id, words, "mention"
    if source.head_lower in _ROLE_NOUNS and source.definite:
        actor_id, _ = _antecedent(article, source.head_start)
        return actor_id, words, "role" if actor_id else "none"
    return None, words, "none"


# --- attributing direct quotes --------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    """A quote before its speaker is resolved, ordered by where its cue is."""

    start: int
    end: int
    kind: str
    cue: str | None
    cue_at: int
    source: _Source | None
    direct: _Direct | None = None
    window_speaker: tuple[str | None, str | None, str] | None = None


def _inside(directs: list[_Direct], starts: list[int], offset: int) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and directs[index].open_mark <= offset < directs[index].after


def _cue_of_direct(article: _Article, quote: _Direct, directs: list[_Direct], starts: list[int]) -> tuple[Any, bool] | None:  # fmt: skip
    """The speech-verb token a direct quote is attributed to, and whether the quote precedes it.

    In order: a speech verb within a few words after the closing mark ("..., he said"); a
    speech verb governing the quote ("Lavrov said it would “strengthen ...”"); the nearest speech
    verb before the quote in its sentence; a speech verb ending the previous paragraph with a
    colon ("Diop said:")."""
    language = article.language
    # The parser often ends a sentence at the closing mark, so the window runs to the next
    # sentence stop rather than to the parse's sentence end.
    paragraph_end = article.paragraph_span(quote.start)[1]
    window_end = min(paragraph_end, quote.after + 200)
    words = 0
    for token in article.tokens(quote.after, window_end):
        if token.is_punct and (token.text in '“«"‘„' or (words and token.text in (".", "!", "?", ";"))):
            break
        if _lemma(token, language):
            return token, True
        if not token.is_punct:
            words += 1
            if words >= _AFTER_TOKENS:
                break
    inside = article.tokens(quote.start, quote.end)
    best: Any | None = None
    for token in inside[:200]:
        head, steps = token.head, 0
        while steps < 6 and head.i != token.i and not (quote.start <= head.idx < quote.end):
            if head.dep_ in _CLAUSE_BOUNDARY_DEPS:
                break
            if _lemma(head, language) and not _inside(directs, starts, head.idx):
                if best is None or abs(head.idx - quote.start) < abs(best.idx - quote.start):
                    best = head
                break
            if head.head.i == head.i:
                break
            head, steps = head.head, steps + 1
    if best is not None:
        return best, best.idx > quote.start
    sentence_start = article.sentence_span(quote.open_mark)[0]
    paragraph_start = article.paragraph_span(quote.open_mark)[0]
    before = article.tokens(max(sentence_start, paragraph_start), quote.open_mark)
    for token in reversed(before):
        if _lemma(token, language) and not _inside(directs, starts, token.idx):
            return token, False
    if text_before_is_blank(article.text, paragraph_start, quote.open_mark):
        previous = bisect.bisect_right(article.paragraph_starts, paragraph_start) - 2
        if previous >= 0:
            p_start, p_end = article.paragraphs[previous]
            if article.text[p_start:p_end].rstrip().endswith(":"):
                for token in reversed(article.tokens(article.sentence_span(p_end - 1)[0], p_end)):
                    if _lemma(token, language):
                        return token, False
    return None


def text_before_is_blank(text: str, start: int, end: int) -> bool:
    return not any(c.isalnum() for c in text[start:end])


def _according_sources(article: _Article) -> list[_Found]:
    """Clauses attributed by "according to X" / "selon X" (parse), with X as the source."""
    found: list[_Found] = []
    doc: Any = article.doc
    language = article.language
    for token in doc if doc is not None else ():
        source_token: Any | None = None
        phrase_start = token.idx
        cue = ""
        lower = token.lower_
        if lower == "according" and language in ("en", None):
            to = next((c for c in token.children if c.lower_ == "to"), None)
            objects = [c for c in to.children if c.dep_ in ("pobj", "pcomp")] if to is not None else []
            if objects:
                source_token, cue = objects[0], "according to"
        elif lower in ("selon", "après") and token.dep_ == "case" and language in ("fr", None):
            if lower == "après":
                previous = doc[token.i - 1] if token.i > 0 else None
                if previous is None or previous.lower_ not in ("d'", "d’"):
                    continue
                phrase_start = previous.idx
            source_token, cue = token.head, ("selon" if lower == "selon" else "d'après")
        if source_token is None:
            continue
        source = _source_of_token(source_token)
        if cue != "according to":  # "selon" hangs from the source noun: the source follows it
            source.start = max(source.start, token.idx + len(token.text))
            source.start = _trimmed(article.text, source.start, source.end)[0]
        phrase_end = source.end
        clause_head = token.head if cue == "according to" else source_token.head
        if clause_head.i in (token.i, source_token.i):
            c_start, c_end = article.sentence_span(token.idx)
        else:
            c_start = min(clause_head.left_edge.idx, phrase_start)
            c_end = clause_head.right_edge.idx + len(clause_head.right_edge.text)
        before = _trimmed(article.text, c_start, phrase_start)
        after = _trimmed(article.text, phrase_end, c_end)
        after = (after[0], after[1] - (1 if article.text[after[1] - 1 : after[1]] in ".!?" else 0))
        start, end = after if after[1] - after[0] >= before[1] - before[0] else before
        start, end = _trimmed(article.text, start, end)
        if end - start >= 8:
            found.append(_Found(start, end, "reported", cue, token.idx, source))
    return found


def _reported(article: _Article, directs: list[_Direct], starts: list[int]) -> list[_Found]:
    """Complement clauses of speech verbs ("X said (that) ..."), not those that are a direct
    quote's own content (the cue of "“...,” he said")."""
    found: list[_Found] = []
    doc: Any = article.doc
    language, text = article.language, article.text
    for verb in doc if doc is not None else ():
        lemma = _lemma(verb, language)
        if lemma is None or _inside(directs, starts, verb.idx):
            continue
        for complement in verb.children:
            if complement.dep_ not in _COMPLEMENT_DEPS:
                continue
            first, last = complement.left_edge, complement.right_edge
            start, end = first.idx, last.idx + len(last.text)
            if first.lower_ in _LEADING_MARKS and first.i < complement.i:
                start = doc[first.i + 1].idx
            if verb.idx < start < verb.idx + 1 or start <= verb.idx < end:
                continue  # a complement that wraps its own verb is a parse error
            start, end = _trimmed(text, start, end)
            while end > start and text[end - 1] in ".!?":
                end -= 1
            start, end = _trimmed(text, start, end)
            if end - start < 8 or _mostly_quoted(directs, starts, start, end):
                continue
            subject = _subject(verb, quote_before=complement.i < verb.i)
            source = _source_of_token(subject) if subject is not None else None
            found.append(_Found(start, end, "reported", lemma, verb.idx, source))
    return found


def _mostly_quoted(directs: list[_Direct], starts: list[int], start: int, end: int) -> bool:
    low = max(0, bisect.bisect_right(starts, start) - 1)
    covered = 0
    for direct in directs[low:]:
        if direct.open_mark >= end:
            break
        covered += max(0, min(end, direct.after) - max(start, direct.open_mark))
    return covered * 2 >= end - start


# --- without a parse -------------------------------------------------------------------------------


def _window_speaker(article: _Article, quote: _Direct, directs: list[_Direct], starts: list[int]) -> tuple[str | None, int, tuple[str | None, str | None, str]]:  # fmt: skip
    """No parse: a speech-verb form just after the closing mark (or before the opening one) in
    the same sentence, and the person mention next to it (or a pronoun next to it)."""
    text, language = article.text, article.language
    speech = _SURFACE_SPEECH.get(language or "", _SURFACE_SPEECH_ANY)
    table = _FORMS.get(language or "", _ALL_FORMS)
    s_start, s_end = article.sentence_span(quote.start)
    p_start, p_end = article.paragraph_span(quote.start)
    s_end = max(s_end, article.sentence_span(max(quote.after - 1, quote.start))[1])
    after_end = min(p_end, quote.after + 60)  # the splitter may end a sentence at the closing mark
    stop = _STOP_AFTER_WORD.search(text, quote.after, after_end)
    verb = speech.search(text, quote.after, stop.end() if stop else after_end)
    if verb is None or len(text[quote.after : verb.start()].split()) > 4:
        window_start = max(s_start, p_start, quote.open_mark - 120)
        verbs = list(speech.finditer(text, window_start, quote.open_mark))
        verb = verbs[-1] if verbs else None
    if verb is None:
        return None, quote.start, (None, None, "none")
    lemma = table.get(verb.group().lower(), verb.group().lower())
    pronouns = frozenset().union(*_PRONOUNS.values())
    neighbours = (
        re.findall(r"\w+", text[verb.end() : verb.end() + 20])[:1]
        + re.findall(r"\w+", text[max(0, verb.start() - 20) : verb.start()])[-1:]
    )
    for word in neighbours:
        if word.lower() in pronouns:
            actor_id, _ = _antecedent(article, verb.start())
            return lemma, verb.start(), (actor_id, word, "pronoun" if actor_id else "none")
        surname = _surname_before(article, word, verb.start())
        if surname is not None:
            return lemma, verb.start(), (surname, word, "nearby")
    low, high = max(s_start, p_start, verb.start() - 60), min(max(s_end, quote.after), p_end, verb.end() + 60)
    nearby = [m for m in article.overlapping(low, high) if not _inside(directs, starts, m.start)]
    nearby.sort(
        key=lambda m: (
            not m.actor_id.startswith("person:"),
            min(abs(m.start - verb.end()), abs(verb.start() - m.end)),
        )
    )
    if nearby:
        return lemma, verb.start(), (nearby[0].actor_id, nearby[0].text, "nearby")
    return lemma, verb.start(), (None, None, "none")


def _surname_before(article: _Article, word: str, offset: int) -> str | None:
    """The person named earlier in full whose last name is ``word`` (without a parse, a bare
    "Diop" next to "said" gets no mention of its own)."""
    if not word[:1].isupper():
        return None
    last = bisect.bisect_left(article.person_starts, offset) - 1
    for index in range(last, max(-1, last - 200), -1):
        mention = article.persons[index]
        if mention.text.split()[-1:] == [word]:
            return mention.actor_id
    return None


def _according_surface(article: _Article, directs: list[_Direct], starts: list[int]) -> list[_Found]:
    """No parse: "according to X, ..." / "..., selon X." / "По словам X, ..." read off the
    surface; X ends at the next comma or sentence end."""
    found: list[_Found] = []
    text = article.text
    pattern = _ACCORDING_SURFACE.get(article.language, _ACCORDING_SURFACE[None])
    for match in pattern.finditer(text):
        if _inside(directs, starts, match.start()):
            continue
        s_start, s_end = article.sentence_span(match.start())
        comma = text.find(",", match.end(), s_end)
        source_end = comma if comma >= 0 else s_end
        source_end = _trimmed(text, match.end(), source_end)[1]
        while source_end > match.end() and text[source_end - 1] in ".!?":
            source_end -= 1
        if source_end - match.end() > 80 or source_end <= match.end():
            continue
        if text_before_is_blank(text, s_start, match.start()) and comma >= 0:
            start, end = _trimmed(text, comma + 1, s_end)
        else:
            start, end = _trimmed(text, s_start, match.start())
        while end > start and text[end - 1] in ".!?":
            end -= 1
        if end - start < 8:
            continue
        mentions = article.overlapping(match.end(), source_end)
        chosen = _pick(mentions)
        words = text[match.end() : source_end].strip()
        speaker = (chosen.actor_id, words, "mention") if chosen else (None, words, "none")
        found.append(
            _Found(start, end, "reported", match.group().lower(), match.start(), None, None, speaker)
        )
    return found


# --- the entry point -------------------------------------------------------------------------------


def find_quotes(
    text: str,
    doc: Any | None,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    language: str | None,
) -> list[Quote]:
    """Direct and reported quotes in ``text`` with their speakers, in text order.

    ``doc`` is the parse (a spaCy ``Doc``) or None / a shallow doc without tokens, in which case
    only direct quotes and "according to" phrases are found and speakers come from the mentions
    next to a speech-verb form. Never raises: on input it cannot read it returns what it has."""
    try:
        return _find_quotes(text or "", doc, list(sentences or ()), list(mentions or ()), language)
    except Exception:  # bad input must cost the article its quotes, never the pipeline its run
        return []


def _find_quotes(text: str, doc: Any | None, sentences: list[tuple[int, int]], mentions: list[Mention],
                 language: str | None) -> list[Quote]:  # fmt: skip
    if not text.strip():
        return []
    paragraphs = _paragraphs(text)
    directs: list[_Direct] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        _scan_paragraph(text, p_start, p_end, index, directs)
    _dash_lines(text, paragraphs, language, directs)
    directs.sort(key=lambda d: d.open_mark)
    for direct in directs:
        p_start, p_end = paragraphs[direct.paragraph]
        direct.whole_paragraph = text_before_is_blank(text, p_start, direct.open_mark) and not any(
            c.isalnum() for c in text[direct.after : p_end]
        )
    starts = [d.open_mark for d in directs]
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))
    persons = [m for m in mentions if m.actor_id.startswith("person:")]
    parsed = doc is not None and _has_parse(doc)
    article = _Article(
        text=text,
        language=language,
        sentences=sentences,
        sentence_starts=[s for s, _ in sentences],
        paragraphs=paragraphs,
        paragraph_starts=[s for s, _ in paragraphs],
        mentions=mentions,
        mention_starts=[m.start for m in mentions],
        longest_mention=max((m.end - m.start for m in mentions), default=0),
        persons=persons,
        person_starts=[m.start for m in persons],
        doc=doc if parsed else None,
        token_starts=[t.idx for t in doc] if parsed and doc is not None else [],
    )
    found: list[_Found] = []
    for direct in directs:
        if article.parsed_up_to(direct.after):
            cue = _cue_of_direct(article, direct, directs, starts)
            if cue is not None:
                verb, quote_before = cue
                subject = _subject(verb, quote_before, (direct.start, direct.end))
                source = _source_of_token(subject) if subject is not None else None
                lemma = _lemma(verb, language)
                found.append(_Found(direct.start, direct.end, "direct", lemma, verb.idx, source, direct))
            else:
                found.append(_Found(direct.start, direct.end, "direct", None, direct.start, None, direct))
        else:
            lemma, cue_at, speaker = _window_speaker(article, direct, directs, starts)
            found.append(_Found(direct.start, direct.end, "direct", lemma, cue_at, None, direct, speaker))
    if article.doc is not None:
        found.extend(_reported(article, directs, starts))
        found.extend(_according_sources(article))
    else:
        found.extend(_according_surface(article, directs, starts))
    return _attribute(article, found)


def _attribute(article: _Article, found: list[_Found]) -> list[Quote]:
    """Resolve speakers in the order the cues come, so that a pronoun finds the speaker before
    it; then let quote paragraphs without a cue carry on the quote before them."""
    found.sort(key=lambda f: (f.cue_at, f.start))
    quotes: list[tuple[_Found, Quote]] = []
    for item in found:
        if item.window_speaker is not None:
            speaker, words, how = item.window_speaker
        else:
            speaker, words, how = _resolve(article, item.source)
        sentence = article.sentence_of(item.cue_at)
        if speaker is not None and speaker.startswith("person:"):
            article.speakers.append((item.cue_at, sentence, speaker))
        text = article.text[item.start : item.end]
        quotes.append(
            (item, Quote(text, item.start, item.end, speaker, words, item.kind, item.cue, sentence, how))
        )
    quotes.sort(key=lambda pair: (pair[1].start, pair[1].end))
    directs = [(f.direct, q) for f, q in quotes if f.direct is not None]
    for (direct, quote), (following, next_quote) in zip(
        reversed(directs[:-1]), reversed(directs[1:]), strict=True
    ):
        if (quote.speaker is None and not direct.closed and next_quote.speaker is not None
                and quote.cue is None and following.paragraph == direct.paragraph + 1
                and following.open_mark == article.paragraphs[following.paragraph][0]):  # fmt: skip
            _carry(quote, next_quote)
    for (previous, before), (direct, quote) in itertools.pairwise(directs):
        if (quote.speaker is None and quote.cue is None and before.speaker is not None
                and quote.text.rstrip("”\"»’").endswith((".", "!", "?", "…"))
                and (_carries_on(article.text, previous, direct))):  # fmt: skip
            _carry(quote, before)
    return [quote for _, quote in quotes]


def _carries_on(text: str, previous: _Direct, direct: _Direct) -> bool:
    """Whether a quote without a cue carries on the quote before it: a quote paragraph right
    after a quoted paragraph, or a quoted sentence right after the attributed one ("“A,” Diop
    said. “B.”")."""
    if direct.whole_paragraph and direct.paragraph - previous.paragraph <= 1:
        return True
    between = text[previous.after : direct.open_mark].rstrip()
    tail = text[direct.after : direct.after + 200].split("\n", 1)[0]
    return (
        direct.paragraph == previous.paragraph
        and len(between) <= 80
        and between.endswith((".", "!", "?", ":"))
        and not any(c.isalnum() for c in tail)
    )


def _carry(quote: Quote, source: Quote) -> None:
    quote.speaker, quote.speaker_text, quote.cue, quote.how = (
        source.speaker,
        source.speaker_text,
        source.cue,
        "continued",
    )
