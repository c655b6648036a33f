"""Event coding: PLOVER type, parties, modality, attribution, hedges, dates and offsets.

Every sentence here is written for these tests (none comes from a benchmark). Each test states one
promise of ``newsgraph.events.code`` or ``newsgraph.events.lexicon`` and fails if it is broken.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from newsgraph.annotate import ArticleText, annotate
from newsgraph.errors import ConfigError
from newsgraph.events.code import code_events
from newsgraph.events.lexicon import PLOVER_TYPES, build_lexicon, load_lexicons, parse_sense
from newsgraph.kb import load_kb
from newsgraph.nlp import parse
from newsgraph.records import ActorRecord, Annotation, EventRecord, Mention, Participant

PUBLISHED = "2025-04-03"
"""A Thursday."""


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_kb()


def run(
    text: str, kb, language: str = "en", published: str | None = PUBLISHED, article_id: str = "a"
) -> Annotation:  # type: ignore[no-untyped-def]
    ann = next(annotate([ArticleText(article_id, text, language, published)], kb))
    assert ann.error is None, ann.error
    return ann


def only(ann: Annotation, kind: str) -> EventRecord:
    """The one event of type ``kind`` in the annotation."""
    found = [e for e in ann.events if e.event == kind]
    assert len(found) == 1, [(e.event, e.trigger) for e in ann.events]
    return found[0]


def ids(parties: list[Participant]) -> set[str]:
    return {p.actor_id for p in parties if p.actor_id}


def assert_offsets(text: str, events: list[EventRecord]) -> None:
    for e in events:
        assert 0 <= e.evidence_start <= e.trigger_start < e.trigger_end <= e.evidence_end <= len(text)
        assert text[e.trigger_start : e.trigger_end] == e.trigger
        assert e.event in PLOVER_TYPES


# --- English ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Senegal met Gambia in Banjul to talk about fishing.", "Senegal met with Gambia to talk about fishing."],
)
def test_meeting_is_consult_with_both_parties_as_actors(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    event = only(run(text, kb), "CONSULT")
    assert event.trigger.startswith("met")
    assert ids(event.actor) == {"state:SEN", "state:GMB"}
    assert event.recipient == []
    assert event.modality == "asserted"


def test_imposed_sanctions_codes_sanction_from_actor_to_recipient(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("The European Union imposed sanctions on Belarus over the election.", kb), "SANCTION")
    assert ids(event.actor) == {"org:EU"}
    assert ids(event.recipient) == {"state:BLR"}
    assert event.trigger == "imposed sanctions"
    assert event.cameo is not None and event.cameo.startswith("16")
    assert event.modality == "asserted"


def mention(text: str, words: str, actor_id: str, country: str) -> Mention:
    start = text.index(words)
    return Mention(actor_id, words, start, start + len(words), 0, country)


def test_the_event_noun_is_not_a_recipient() -> None:
    text = "Turkey sent Syrian mercenaries to Libya."
    doc = parse([text], "en")[0]
    mentions = [
        mention(text, "Turkey", "state:TUR", "TUR"),
        mention(text, "Syrian mercenaries", "state:SYR", "SYR"),
        mention(text, "Libya", "state:LBY", "LBY"),
    ]
    actors = [ActorRecord(m.actor_id, m.text, "state", m.country, m.country) for m in mentions]
    events = code_events("a", text, doc, [(0, len(text))], mentions, actors, "en", published=PUBLISHED)
    assert [e.event for e in events] == ["MOBILIZE"]
    assert ids(events[0].actor) == {"state:TUR"}
    assert ids(events[0].recipient) == {"state:LBY"}


def test_accusation_swallows_the_act_it_alleges(kb) -> None:  # type: ignore[no-untyped-def]
    ann = run("Kenya accused Uganda of shelling border villages.", kb)
    assert [e.event for e in ann.events] == ["ACCUSE"]
    event = ann.events[0]
    assert event.trigger == "accused"
    assert ids(event.actor) == {"state:KEN"}
    assert ids(event.recipient) == {"state:UGA"}


def test_pledge_to_send_aid_is_intended_aid(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Japan pledged to send medical aid to Nepal.", kb), "AID")
    assert event.modality == "intended"
    assert event.cameo is not None and event.cameo.startswith("03")
    assert ids(event.actor) == {"state:JPN"}
    assert "state:NPL" in ids(event.recipient)


def test_future_sanctions_are_an_intended_threat(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Canada will impose sanctions on Iran next month.", kb), "SANCTION")
    assert event.modality == "intended"
    assert event.cameo is not None and event.cameo.startswith("13")
    assert ids(event.actor) == {"state:CAN"}
    assert "state:IRN" in ids(event.recipient)


def test_did_not_sign_is_negated(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Brazil did not sign the agreement.", kb), "AGREE")
    assert event.modality == "negated"
    assert "state:BRA" in ids(event.actor)


def test_conditional_clause_is_hypothetical(kb) -> None:  # type: ignore[no-untyped-def]
    ann = run("If Russia attacks Ukraine, NATO could impose sanctions on Russia.", kb)
    attack = only(ann, "ASSAULT")
    assert attack.modality == "hypothetical"
    assert ids(attack.actor) == {"state:RUS"}
    sanction = only(ann, "SANCTION")
    assert sanction.modality == "hypothetical"
    assert ids(sanction.actor) == {"org:NATO"}


def test_plain_past_is_asserted(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Russia attacked Ukraine.", kb), "ASSAULT")
    assert event.modality == "asserted"
    assert event.attributed_to is None
    assert event.hedges == []


def test_trailing_speech_verb_attributes_the_event(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Ukraine shelled Russian positions overnight, the Kremlin said.", kb), "ASSAULT")
    assert ids(event.actor) == {"state:UKR"}
    assert event.attributed_to == "state:RUS"


def test_according_to_attributes_the_event(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(
        run("Syrian forces attacked Turkish soldiers, according to Human Rights Watch.", kb), "ASSAULT"
    )
    assert event.attributed_to == "org:HRW"


def test_unsupported_claim_records_the_hedge(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Ethiopia accused Eritrea of arming rebels without offering evidence.", kb), "ACCUSE")
    assert event.hedges == ["without offering evidence"]


def test_evidence_is_the_sentence_and_trigger_is_the_words(kb) -> None:  # type: ignore[no-untyped-def]
    sentences = [
        "Ghana criticized Togo over the border closure.",
        "Later that day, Nigeria met with Benin in Cotonou.",
        "The weather was mild.",
    ]
    text = "  " + "  ".join(sentences) + "\n"
    ann = run(text, kb)
    assert {e.event for e in ann.events} == {"ACCUSE", "CONSULT"}
    assert_offsets(text, ann.events)
    for event in ann.events:
        assert text[event.evidence_start : event.evidence_end] == sentences[event.sentence]
    assert only(ann, "CONSULT").sentence == 1
    assert only(ann, "CONSULT").trigger == "met with"


def test_weekday_resolves_within_the_week_of_publication(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("China criticized Japan on Thursday.", kb, published="2025-04-05T09:30:00Z"), "ACCUSE")
    assert event.date == "2025-04-03"
    assert event.date_text == "Thursday"  # the date stage leaves the preposition out


def test_no_date_in_sentence_falls_back_to_publication(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("China criticized Japan.", kb, published="2025-04-05T09:30:00Z"), "ACCUSE")
    assert event.date == "2025-04-05"
    assert event.date_text is None


def test_no_date_and_no_publication_date(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("China criticized Japan.", kb, published=None), "ACCUSE")
    assert event.date is None and event.date_text is None


def test_a_date_phrase_is_not_a_party(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Senegal met Gambia on Tuesday.", kb), "CONSULT")
    assert event.date == "2025-04-01"
    assert [p.text for p in event.actor + event.recipient] == ["Senegal", "Gambia"]


# --- French -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Le Sénégal a rencontré le Mali à Dakar.", "La Côte d'Ivoire s'est entretenue avec le Ghana."],
)
def test_french_meeting_is_consult(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    ann = run(text, kb, "fr")
    event = only(ann, "CONSULT")
    expected = {"state:SEN", "state:MLI"} if "Sénégal" in text else {"state:CIV", "state:GHA"}
    assert ids(event.actor) == expected
    assert event.recipient == []
    assert event.modality == "asserted"


def test_french_sanctions(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("L'Union européenne a imposé des sanctions à la Biélorussie.", kb, "fr"), "SANCTION")
    assert ids(event.actor) == {"org:EU"}
    assert ids(event.recipient) == {"state:BLR"}
    assert event.trigger == "imposé des sanctions"


def test_french_negation(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(run("Le Niger n'a pas signé l'accord.", kb, "fr"), "AGREE")
    assert event.modality == "negated"
    assert "state:NER" in ids(event.actor)


def test_french_selon_attributes(kb) -> None:  # type: ignore[no-untyped-def]
    event = only(
        run("Selon Human Rights Watch, le Burkina Faso a arrêté des journalistes.", kb, "fr"), "COERCE"
    )
    assert ids(event.actor) == {"state:BFA"}
    assert event.attributed_to == "org:HRW"


# --- lexicon ----------------------------------------------------------------------------------------


def test_shipped_lexicon_loads() -> None:
    lexicons = load_lexicons()
    assert {"en", "fr"} <= set(lexicons)
    assert lexicons["en"].verbs["meet"].event == "CONSULT"
    assert lexicons["en"].verbs["meet"].reciprocal
    assert lexicons["fr"].verbs["rencontrer"].event == "CONSULT"
    assert lexicons["en"].light_verbs["impose"]["sanction"] is None
    assert lexicons["en"].objects["sanction"].event == "SANCTION"
    assert lexicons["en"].hedges.search("He spoke without providing any evidence.")


def test_every_sense_is_a_plover_type_with_a_cameo_code() -> None:
    assert len(PLOVER_TYPES) == 16 and len(set(PLOVER_TYPES)) == 16
    for language, lexicon in load_lexicons().items():
        senses = [*lexicon.verbs.values(), *lexicon.phrasal.values(), *lexicon.objects.values()]
        senses += [s for nouns in lexicon.light_verbs.values() for s in nouns.values() if s is not None]
        assert len(senses) > 50, language
        for sense in senses:
            assert sense.event in PLOVER_TYPES, (language, sense)
            assert re.fullmatch(r"\d{2,4}", sense.cameo), (language, sense)


def test_parse_sense_reads_type_mode_code_and_flags() -> None:
    sense = parse_sense("ASSAULT:firearms 193 reciprocal absorb", "test")
    assert (sense.event, sense.mode, sense.cameo, sense.reciprocal, sense.absorb) == (
        "ASSAULT",
        "firearms",
        "193",
        True,
        True,
    )
    assert parse_sense("AID 070", "test").mode is None


@pytest.mark.parametrize(
    "entry",
    [
        "",
        "CONSULT",
        "MEETING 040",
        "consult 040",
        "CONSULT forty",
        "CONSULT 04000",
        "CONSULT 040 sideways",
        None,
        40,
    ],
)
def test_malformed_sense_is_a_config_error(entry: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_sense(entry, "en verbs gather")
    assert "en verbs gather" in raised.value.reason


@pytest.mark.parametrize(
    "data",
    [
        {"verbs": {"gather": "CONSULT"}},
        {"phrasal": {"sit down": "PARLEY 040"}},
        {"objects": {"talk": "CONSULT 040 loudly"}},
        {"objects": {"talk": "CONSULT 046"}, "light_verbs": {"hold": ["picnic"]}},
        {"objects": {"strike": "ASSAULT 190"}, "light_verbs": {"stage": ["strike=WALKOUT 143"]}},
    ],
)
def test_malformed_lexicon_is_a_config_error(data: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        build_lexicon("xx", data)


def test_minimal_lexicon_builds() -> None:
    lexicon = build_lexicon(
        "xx", {"verbs": {"gather": "CONSULT 040 reciprocal"}, "light_verbs": {}, "hedges": ["maybe"]}
    )
    assert lexicon.verbs["gather"].reciprocal
    assert lexicon.phrasal == {} and lexicon.objects == {}
    assert lexicon.hedges.search("it was maybe so")
    assert build_lexicon("xx", {}).hedges.search("anything at all") is None


# --- bad input --------------------------------------------------------------------------------------


def test_no_parse_no_events() -> None:
    text = "Russia attacked Ukraine."
    assert code_events("a", text, None, [(0, len(text))], [], [], "en", published=PUBLISHED) == []


def test_language_without_lexicon_has_no_events(kb) -> None:  # type: ignore[no-untyped-def]
    english = run("Russia attacked Ukraine.", kb)
    assert english.events, "the English parse should give an event for the comparison to mean anything"
    assert run("Russland griff die Ukraine an.", kb, "de").events == []
    # the same English parse and actors, declared as a language the lexicon lacks
    text = "Russia attacked Ukraine."
    doc = parse([text], "en")[0]
    sentences = english.sentences
    for language in ("de", None, ""):
        assert code_events("a", text, doc, sentences, english.mentions, english.actors, language) == []


@pytest.mark.parametrize("text", ["", " ", "\n\n\t\n", ".", "!!! ??? ..."])
def test_empty_text(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(text, kb).events == []
    assert run(text, kb, "fr").events == []


@pytest.mark.parametrize(
    "text",
    [
        "Russia \x00\x01\x02 attacked \x1b[31m Ukraine \x7f\x08 on \ufffd\ufffd Monday.\x0c\x0b",
        "\x00" * 300 + "Mali met with Niger." + "\x00" * 300,
        "Chad \u202e\u200b\u200d criticized \udcff Sudan. " + "".join(chr(i) for i in range(32)) * 5,
        "��\x8f\x9d Togo met Ghana ÿþ\x00\x00 \x1f\x1f%PDF-1.4 ############ ��",
    ],
)
def test_binary_junk_and_control_chars(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    ann = run(text, kb)
    assert_offsets(text, ann.events)


@pytest.mark.slow
def test_very_long_text_keeps_valid_offsets(kb) -> None:  # type: ignore[no-untyped-def]
    block = "Senegal criticized Gambia on Monday. Niger met with Chad in Niamey. The rain kept falling. "
    text = block * (200_500 // len(block) + 1)  # past the parser's 200,000-character cut
    assert len(text) > 200_000
    ann = run(text, kb)
    assert len(ann.events) > 1000
    assert {e.event for e in ann.events} == {"ACCUSE", "CONSULT"}
    assert_offsets(text, ann.events)
    for event in ann.events:
        assert event.evidence_end <= 200_000  # no event from the unparsed tail
    assert len({e.id for e in ann.events}) == len(ann.events)


# --- ids --------------------------------------------------------------------------------------------


def test_event_ids_are_stable_and_unique(kb) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ghana criticized Togo over the border closure. Nigeria met with Benin in Cotonou. "
        "Kenya accused Uganda of shelling border villages."
    )
    first = [e.id for e in run(text, kb).events]
    second = [e.id for e in run(text, kb).events]
    assert len(first) == 3
    assert first == second
    assert all(i.startswith("ev-") for i in first)
    assert len(set(first)) == len(first)
    other = [e.id for e in run(text, kb, article_id="b").events]
    assert not set(other) & set(first)
