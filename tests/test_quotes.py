"""Direct and reported quotes, and their speakers (events/quotes.py).

The short texts are written for these tests; the seed test checks only general properties of
what the five seed articles contain.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph import ingest
from newsgraph.actors import resolve_actors
from newsgraph.annotate import sentences_of
from newsgraph.events.quotes import MAX_QUOTE_CHARS, SPEECH_VERBS, Quote, find_quotes
from newsgraph.kb import KnowledgeBase, load_kb
from newsgraph.nlp import parse
from newsgraph.records import Mention
from newsgraph.store import Store

DIOP = "person:abdoulaye-diop"
LAVROV = "person:sergey-lavrov"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def quotes_of(text: str, language: str, kb: KnowledgeBase, *, parsed: bool = True) -> list[Quote]:
    doc = parse([text], language)[0] if parsed else None
    sentences = sentences_of(text, doc)
    mentions, _, _ = resolve_actors(text, doc, kb, sentences, "2024-05-01", language)
    found = find_quotes(text, doc, sentences, mentions, language)
    for quote in found:
        assert text[quote.start : quote.end] == quote.text
    return found


def only(found: list[Quote], kind: str, containing: str) -> Quote:
    matches = [q for q in found if q.kind == kind and containing in q.text]
    assert len(matches) == 1, found
    return matches[0]


def test_english_reported_then_direct_with_pronoun_speaker(kb: KnowledgeBase) -> None:
    text = (
        "Malian Foreign Minister Abdoulaye Diop said on Monday that Mali would stay in the alliance, "
        "after talks with Sergey Lavrov.\n\n"
        "“Our partners can count on us. We will not leave,” he said."
    )
    found = quotes_of(text, "en", kb)
    reported = only(found, "reported", "Mali would stay")
    assert reported.text.startswith("Mali would stay in the alliance")  # "that" is not part of it
    assert (reported.speaker, reported.cue, reported.how) == (DIOP, "say", "mention")
    direct = only(found, "direct", "count on us")
    assert direct.text == "Our partners can count on us. We will not leave"  # two sentences, no comma
    # The most recent speaker, not the most recent person (Lavrov), is who "he" is.
    assert (direct.speaker, direct.speaker_text, direct.how) == (DIOP, "he", "pronoun")


def test_straight_quotes_with_the_speaker_after_the_verb(kb: KnowledgeBase) -> None:
    text = 'Talks ended in Moscow.\n\n"We have close ties with Mali," added Sergey Lavrov during the visit.'
    direct = only(quotes_of(text, "en", kb), "direct", "close ties")
    assert direct.text == "We have close ties with Mali"
    assert (direct.speaker, direct.cue) == (LAVROV, "add")


def test_a_bare_role_noun_is_the_person_just_named(kb: KnowledgeBase) -> None:
    text = 'Sergey Lavrov met reporters in Moscow.\n\n"Russia is ready to help," the minister said.'
    direct = only(quotes_of(text, "en", kb), "direct", "ready to help")
    assert direct.speaker == LAVROV
    assert direct.speaker_text == "the minister"


def test_according_to(kb: KnowledgeBase) -> None:
    text = "According to Sergey Lavrov, Moscow is ready to train soldiers from the Sahel."
    reported = only(quotes_of(text, "en", kb), "reported", "Moscow is ready")
    assert reported.text == "Moscow is ready to train soldiers from the Sahel"
    assert (reported.speaker, reported.cue) == (LAVROV, "according to")


def test_a_quote_after_the_statement_is_unresolved_not_guessed(kb: KnowledgeBase) -> None:
    text = 'Mali and Russia signed a deal.\n\n"The presidents discussed security," the statement said.'
    direct = only(quotes_of(text, "en", kb), "direct", "presidents")
    assert (direct.speaker, direct.speaker_text, direct.cue) == (None, "the statement", "say")


def test_a_cueless_quote_paragraph_carries_on_the_quote_before(kb: KnowledgeBase) -> None:
    text = '"Russia is our partner," Abdoulaye Diop said. "We will keep working together."'
    found = quotes_of(text, "en", kb)
    second = only(found, "direct", "keep working")
    assert (second.speaker, second.how) == (DIOP, "continued")


def test_french_guillemets_selon_and_dialogue_dash(kb: KnowledgeBase) -> None:
    text = (
        "Le ministre malien des Affaires étrangères, Abdoulaye Diop, a rencontré Sergueï Lavrov jeudi.\n\n"
        "« Nous avons une vision commune de la sécurité », a déclaré le ministre malien.\n\n"
        "Selon lui, la Russie est un partenaire fiable. Sergueï Lavrov a affirmé que Moscou était prête "
        "à former les soldats maliens.\n\n"
        "« La Russie aidera le Sahel. Nous enverrons des instructeurs », a-t-il ajouté.\n\n"
        "— Nous ne céderons pas, a dit Abdoulaye Diop."
    )
    found = quotes_of(text, "fr", kb)
    first = only(found, "direct", "vision commune")
    assert first.text == "Nous avons une vision commune de la sécurité"  # inner spaces trimmed
    assert (first.speaker, first.cue) == (DIOP, "déclarer")
    selon = only(found, "reported", "partenaire fiable")
    assert (selon.text, selon.speaker, selon.how) == ("la Russie est un partenaire fiable", DIOP, "pronoun")
    affirmed = only(found, "reported", "Moscou était prête")
    assert (affirmed.speaker, affirmed.cue) == (LAVROV, "affirmer")
    inverted = only(found, "direct", "aidera le Sahel")
    assert (inverted.speaker, inverted.speaker_text, inverted.cue) == (LAVROV, "-il", "ajouter")
    dash = only(found, "direct", "céderons")
    assert (dash.text, dash.speaker, dash.cue) == ("Nous ne céderons pas", DIOP, "dire")


def test_apostrophes_are_not_quotes() -> None:
    text = "The three countries’ leaders met in Moscow’s centre. It's Mali's turn, the envoys' view."
    assert find_quotes(text, None, [], [], "en") == []
    heading = find_quotes("‘We have common views’\n\nThe talks went on.", None, [], [], "en")
    assert [q.text for q in heading] == ["We have common views"]
    possessive = find_quotes("He called it ‘the countries’ shared plan’ today.", None, [], [], "en")
    assert [q.text for q in possessive] == ["the countries’ shared plan"]


def test_an_unbalanced_mark_stops_at_the_paragraph() -> None:
    text = 'The allies were "conducting raids against strongholds.\n\nThe next paragraph "has" more.'
    found = find_quotes(text, None, [], [], "en")
    assert [q.text for q in found] == ["conducting raids against strongholds.", "has"]
    long_paragraph = 'He said "' + "word " * (MAX_QUOTE_CHARS // 4)
    assert find_quotes(long_paragraph, None, [], [], "en") == []  # no runaway quote


def _mention(text: str, words: str, actor_id: str) -> Mention:
    start = text.index(words)
    return Mention(actor_id, words, start, start + len(words), 0)


def test_without_a_parse_the_speaker_is_the_mention_next_to_the_speech_verb() -> None:
    text = (
        "Сергей Лавров встретился с коллегами.\n\n"
        "«Россия готова помочь странам Сахеля», — заявил Лавров журналистам.\n\n"
        "— Мы будем сотрудничать и дальше, — сказал он."
    )
    mentions = [
        _mention(text, "Сергей Лавров", LAVROV),
        _mention(text, "Лавров журналистам", LAVROV),
        _mention(text, "Россия", "state:RUS"),
    ]
    found = find_quotes(text, None, [], mentions, "ru")
    direct = only(found, "direct", "Россия готова")
    assert direct.text == "Россия готова помочь странам Сахеля"
    assert (direct.speaker, direct.cue, direct.how) == (LAVROV, "заявить", "nearby")
    dash = only(found, "direct", "сотрудничать")
    assert (dash.text, dash.speaker, dash.how) == ("Мы будем сотрудничать и дальше", LAVROV, "pronoun")


def test_no_parse_english_finds_a_surname_named_earlier(kb: KnowledgeBase) -> None:
    text = 'Abdoulaye Diop met reporters.\n\n"Russia is our partner," Diop said.'
    direct = only(quotes_of(text, "en", kb, parsed=False), "direct", "partner")
    assert direct.speaker == DIOP


@pytest.mark.parametrize("text", ["", "   ", '"', '""""', "“”«»‘’", "'''", "«", '" "', "\n\n\n"])
def test_bad_input_gives_no_quotes(text: str) -> None:
    assert find_quotes(text, None, [], [], "en") == []
    assert find_quotes(text, None, [], [], None) == []


def test_large_text_is_read_without_a_parse() -> None:
    text = ('Diop said "this is a test." And "another, unclosed mark.\n\n') * 5000
    found = find_quotes(text, None, [], [], "en")
    assert len(found) == 10000
    assert all(text[q.start : q.end] == q.text for q in found)


def test_speech_verbs_are_exposed_by_language() -> None:
    assert {"say", "tell", "warn", "deny"} <= SPEECH_VERBS["en"]
    assert {"déclarer", "affirmer", "dire", "souligner"} <= SPEECH_VERBS["fr"]
    assert {"заявить", "сказать"} <= SPEECH_VERBS["ru"]


def test_the_seed_articles(seeds_dir: Path, tmp_path: Path, kb: KnowledgeBase) -> None:
    with Store(tmp_path / "seeds.db") as store:
        ingest([str(seeds_dir)], store)
        articles = list(store.iter_articles())
    assert len(articles) == 5
    everything: list[Quote] = []
    for article in articles:
        text = str(article["text"])
        found = quotes_of(text, "en", kb)
        assert found, article["source"]
        for quote in found:
            assert quote.kind in ("direct", "reported")
            assert quote.text.strip() == quote.text and quote.text
            assert not quote.text.startswith(("“", '"', "«"))
        everything.extend(found)
    resolved = [q for q in everything if q.speaker is not None]
    assert len(resolved) >= 0.6 * len(everything)
    assert any(q.speaker == LAVROV and q.kind == "direct" for q in everything)
    assert any(q.speaker == LAVROV and q.kind == "reported" for q in everything)
    terrorist_state = [q for q in everything if q.text == "We consider Ukraine as simply a terrorist state"]
    assert [q.speaker for q in terrorist_state] == [DIOP]  # "the minister said", Diop named before
