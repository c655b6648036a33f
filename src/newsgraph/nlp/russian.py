"""Russian: sentences and named entities, without a full parse.

spaCy ships no Russian model as a pinned PyPI package we can use. The ``natasha`` package (MIT)
carries, inside its wheel, the navec word embeddings and the slovnet NER model trained on Russian
news; we load those two files directly with ``navec`` and ``slovnet`` (not through ``natasha``'s
own module, whose import pulls in pymorphy2 and, through it, setuptools' ``pkg_resources``).
Sentences come from ``razdel``, within paragraphs (razdel does not split at line breaks).

What this gives is a *shallow doc*: the same ``sents`` and ``ents`` the actor stage reads from a
spaCy ``Doc`` (character offsets and labels), and no tokens, so the rules that need parts of
speech simply find none.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError

LOGGER = logging.getLogger(__name__)

EMBEDDINGS = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
NER_MODEL = "data/model/slovnet_ner_news_v1.tar"
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
_PARAGRAPH = re.compile(r"[^\n]+")
_CHUNK = 2_000
"""Paragraphs longer than this are tagged in pieces (at sentence ends) to bound memory."""


@dataclass(slots=True, frozen=True)
class ShallowSpan:
    start_char: int
    end_char: int
    text: str
    label_: str = ""


@dataclass(slots=True)
class ShallowDoc:
    """Sentences and entities of one text, with character offsets into it."""

    text: str
    sents: list[ShallowSpan] = field(default_factory=list)
    ents: list[ShallowSpan] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter(())  # no tokens: no parts of speech


def _natasha_folder() -> Path:
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the natasha package (Russian NER weights) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def load_russian_ner() -> Any:
    """The slovnet NER model with its embeddings, loaded once per process."""
    from navec import Navec
    from slovnet import NER

    folder = _natasha_folder()
    ner = NER.load(str(folder / NER_MODEL))
    ner.navec(Navec.load(str(folder / EMBEDDINGS)))
    return ner


def _pieces(text: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """(start of a piece, sentence spans in it) for each paragraph, long ones cut at sentences."""
    from razdel import sentenize

    pieces = []
    for paragraph in _PARAGRAPH.finditer(text):
        sentences = [
            (paragraph.start() + s.start, paragraph.start() + s.stop)
            for s in sentenize(paragraph.group())
            if s.text.strip()
        ]
        current: list[tuple[int, int]] = []
        for span in sentences:
            if current and span[1] - current[0][0] > _CHUNK:
                pieces.append((current[0][0], current))
                current = []
            current.append(span)
        if current:
            pieces.append((current[0][0], current))
    return pieces


def parse_russian(texts: list[str]) -> list[ShallowDoc]:
    ner = load_russian_ner()
    docs = []
    for text in texts:
        doc = ShallowDoc(text)
        pieces = _pieces(text)
        chunks = [text[start : spans[-1][1]] for start, spans in pieces]
        for (start, spans), markup in zip(pieces, ner.map(chunks), strict=True):
            doc.sents.extend(ShallowSpan(s, e, text[s:e]) for s, e in spans)
            for span in markup.spans:
                label = LABELS.get(span.type)
                if label:
                    s, e = start + span.start, start + span.stop
                    doc.ents.append(ShallowSpan(s, e, text[s:e], label))
        docs.append(doc)
    return docs
