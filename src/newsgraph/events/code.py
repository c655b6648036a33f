"""Event coding: who did what to whom, per sentence, from the dependency parse and the lexicon.

For each sentence the coder looks for *triggers*: a verb in the lexicon ("condemned"), a verb
with its particle ("pulled out"), or a light verb with an event noun as its object ("imposed
sanctions", "held talks"). For each trigger it then reads, from the parse:

* the **actor**: the subject (or the "by" agent of a passive); a pronoun subject stands for the
  speaker of the clause it is reported in, else for the last actor of a fitting kind;
* the **recipient**: the object, the indirect object, or the object of "against", "on", "to"...;
  for reciprocal events ("met with", "signed an agreement with") the "with" party joins the
  actors instead, as PLOVER codes meetings;
* the **modality**: negated ("did not", "failed to", "denied"), intended (a promise, plan or
  offer: "pledged to send", "will sign"), hypothetical ("could", "if"), else asserted;
* the **attribution**: the subject of the speech verb the event is reported under ("Diop said
  that...", "..., the Kremlin said") or the "according to" source, and any hedge words;
* the **date** and **place** stated in the sentence, nearest the trigger first.

Only actors that the actor stage resolved count as parties: an event with no party at all is not
coded. Everything crosses out as plain ``EventRecord``s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..places.resolve import PlaceMention
from ..records import ActorRecord, EventRecord, Mention, Participant
from .dates import DateMention
from .lexicon import Lexicon, Sense, lexicon_for

SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl:subj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "nsubj:pass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "obj", "dative", "iobj", "attr"})
CLAUSE_DEPS = frozenset(
    {"relcl", "acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "appos"}
)
RECIPIENT_PREPS = {
    "en": frozenset(
        {"to", "on", "against", "toward", "towards", "at", "upon", "into", "over", "for", "from"}
    ),
    "fr": frozenset({"à", "contre", "sur", "envers", "vers", "au", "aux", "de", "du", "des"}),
}
RECIPROCAL_PREPS = {"en": frozenset({"with", "between", "among"}), "fr": frozenset({"avec", "entre"})}
OWNER_PREPS = frozenset({"of", "from", "by", "de", "du", "des", "d'", "par"})
"""Prepositions that tie a phrase to whose it is: "officials of Mali", "a call by Annan"."""
LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "à", "dans", "en", "près", "au", "aux"})
"""Prepositions that place an event; "to", "à", "au" also name recipients ("sent troops to Mali")."""
PLACE_ONLY_PREPS = frozenset({"in", "near", "outside", "inside", "dans", "en", "près"})
NEGATION_WORDS = frozenset(
    {"not", "n't", "never", "no", "pas", "jamais", "aucun", "aucune", "plus", "nullement"}
)
FUTURE_AUX = frozenset({"will", "shall", "'ll", "aller"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "si"})
ACCORDING = {"en": ("according", "to"), "fr": ("selon", "")}
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her", "il", "elle", "lui"})
REPORT_NOUNS = frozenset(
    [
        "statement",
        "report",
        "announcement",
        "claim",
        "communique",
        "communiqué",
        "declaration",
        "assurance",
        "promise",
        "déclaration",
        "annonce",
        "rapport",
        "affirmation",
        "promesse",
    ]
)
"""Nouns whose "that" clause is reported speech, like a speech verb's."""
POSSESSIVES = frozenset({"its", "their", "his", "her", "son", "sa", "ses", "leur", "leurs"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "ils", "elles", "eux", "leur", "leurs"})
PRONOUNS_ANY = frozenset({"it", "they", "them", "ils", "elles", "its", "their"})
"""Third-person pronouns only: "we" and "I" speak for a speaker the quote stage resolves."""
ANTECEDENT_WINDOW = 400
"""How far back (characters) a pronoun's antecedent may be: beyond it, guessing does more harm."""
THREAT_MODES = {"ASSAULT": "violence", "SANCTION": "relations", "COERCE": "restrict"}
INTENT_CAMEO = {"AID": "033", "COOPERATE": "031", "CONSULT": "036", "CONCEDE": "035", "AGREE": "030",
                "SUPPORT": "032", "PROTEST": "133", "SANCTION": "1312", "COERCE": "132", "ASSAULT": "138",
                "MOBILIZE": "138", "REJECT": "130", "RETREAT": "035", "REQUEST": "030", "ACCUSE": "130"}  # fmt: skip
"""CAMEO codes a stated intention to cooperate (03x) or to act against someone (13x): CAMEO, like
PLOVER, files "will impose sanctions" as a threat and "pledged aid" as an intent to cooperate."""
VIOLENT_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST"})
CONFLICT_TYPES = frozenset(
    {"PROTEST", "SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "REJECT", "ACCUSE", "THREATEN"}
)
CONTEXT_WORDS = {
    "military": r"militar\w*|troops?|soldiers?|arms|weapons?|defen[cs]e|troupes?|soldats?|armes?|défense",
    "economic": r"econom\w*|trade|investment|loans?|wheat|grain|fertili[sz]ers?|oil|gas|mining|gold|uranium|"
    r"commerc\w*|blé|engrais|pétrole|minier|minière|or\b",
    "humanitarian": r"humanitarian|refugees?|famine|food aid|humanitaire|réfugiés?",
    "election": r"elections?|electoral|vote|élections?|électoral\w*|scrutin",
    "terrorism": r"terror\w*|jihad\w*|djihad\w*|islamist\w*",
    "diplomatic": r"diplomat\w*|ambassad\w*|embassy|ambassade",
    "nuclear": r"nuclear|nucléaire",
    "legal": r"court|judicial|tribunal|juge|justice",
}
CONTEXT_PATTERNS = {name: re.compile(rf"\b(?:{words})\b", re.I) for name, words in CONTEXT_WORDS.items()}


@dataclass(slots=True)
class _Trigger:
    head: Any
    """The token whose arguments are the event's (the verb, or the light verb)."""
    sense: Sense
    tokens: list[Any]
    noun: Any | None = None
    """The event noun when a light verb carries the event ("sanctions" in "imposed sanctions")."""
    inner: _Trigger | None = None
    """The complement's trigger this one absorbed ("threatened to *suspend aid* to Niger"): its
    recipients are this event's when it names none of its own."""
    clause: Any | None = None
    """For a demand read from a reported obligation ("said Mali must..."), the reported clause:
    its subject is the recipient."""


@dataclass(slots=True)
class _Context:
    text: str
    language: str
    lexicon: Lexicon
    mentions: Sequence[Mention]
    actors: dict[str, ActorRecord]
    mention_at: dict[int, Mention] = field(default_factory=dict)
    """Token index → the mention covering that token."""
    quotes: Sequence[Any] = ()
    """``quotes.Quote`` records: an event stated inside a quote is claimed by its speaker."""


def code_events(
    article_id: str,
    text: str,
    doc: Any,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    actors: Sequence[ActorRecord],
    language: str | None,
    *,
    published: str | None = None,
    dates: Sequence[DateMention] = (),
    places: Sequence[PlaceMention] = (),
    quotes: Sequence[Any] = (),
) -> list[EventRecord]:
    """Every event the article's sentences state. Needs a dependency parse: without one (no
    model for the language), there are no events."""
    lexicon = lexicon_for(language)
    if doc is None or lexicon is None or not hasattr(doc, "sents") or not hasattr(doc, "vocab"):
        return []
    context = _Context(text, lexicon.language, lexicon, mentions, {a.id: a for a in actors}, quotes=quotes)
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None:
            for token in span:
                context.mention_at.setdefault(token.i, mention)
    events: list[EventRecord] = []
    for index, (start, end) in enumerate(sentences):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        for trigger in _absorb(_triggers(span, lexicon), lexicon):
            event = _code_trigger(trigger, index, span, context, article_id, published, dates, places)
            if event is not None:
                events.append(event)
    return events


# --- triggers ----------------------------------------------------------------------------------------


def _lemma(token: Any) -> str:
    return str(token.lemma_ or token.text).lower()


def _known_lemma(token: Any, lexicon: Lexicon) -> str:
    """The token's lemma, or, when the lemmatizer missed ("staged" → "stag"), the first form the
    lexicon knows among the regular English inflections of its text."""
    lemma = _lemma(token)
    known = lexicon.verbs.keys() | lexicon.light_verbs.keys() | lexicon.speech | lexicon.occur_verbs
    if lemma in known or lexicon.language != "en":
        return lemma
    text = str(token.text).lower()
    for suffix, ending in (
        ("ied", "y"),
        ("ed", "e"),
        ("ed", ""),
        ("d", ""),
        ("ing", "e"),
        ("ing", ""),
        ("es", ""),
        ("s", ""),
    ):
        if text.endswith(suffix) and (candidate := text[: len(text) - len(suffix)] + ending) in known:
            return candidate
    return lemma


def _noun_lemma(token: Any) -> str:
    lemma = _lemma(token)
    text = token.text.lower()
    return lemma if lemma != text or not text.endswith("s") else text[:-1]


def _triggers(sentence: Any, lexicon: Lexicon) -> list[_Trigger]:
    found: list[_Trigger] = []
    for token in sentence:
        predicate = token.pos_ == "ADJ" and token.dep_ == "acomp"  # "Israel is opposed to..."
        if (
            token.pos_ not in ("VERB", "AUX")
            and not (token.pos_ == "NOUN" and token.dep_ == "ROOT")
            and not predicate
        ):
            continue
        lemma = _known_lemma(token, lexicon)
        trigger = _phrasal(token, lemma, lexicon) or _light(token, lemma, lexicon)
        if trigger is None and lemma in lexicon.verbs and (token.pos_ == "VERB" or predicate):
            sense = lexicon.verbs[lemma]
            if lemma in lexicon.abstract_object and any(
                c.dep_ in ("dobj", "obj") and c.ent_type_ == "" and c.pos_ == "NOUN" for c in token.children
            ):  # "welcomed the statement" praises; "welcomed the minister" hosts
                sense = lexicon.abstract_object[lemma]
            trigger = _Trigger(token, sense, [token])
        if trigger is None and lemma in lexicon.speech:
            trigger = _demand(token, lexicon)
        if trigger is None and lemma in lexicon.occur_verbs:
            trigger = _occurring(token, lexicon)
        if trigger is not None and trigger.sense is not NOT_AN_EVENT:
            found.append(trigger)
    return found


QUESTION_WORDS = frozenset(
    {"about", "if", "whether", "why", "how", "what", "when", "who", "si", "pourquoi", "comment"}
)


def _reports_a_question(verb: Any) -> bool:
    """Whether ``verb`` ("asked", "a demandé") reports a question rather than a request."""
    for child in verb.children:
        if child.dep_ in ("prep", "obl") and _preposition(child) in ("about", "sur"):
            return True
        if child.dep_ in ("ccomp", "advcl", "xcomp") and any(
            g.text.lower() in QUESTION_WORDS and g.i < child.i for g in child.subtree
        ):
            return True
    return False


def _occurring(verb: Any, lexicon: Lexicon) -> _Trigger | None:
    """ "Clashes erupted between X and Y", "riots continued": the subject noun is the event, and
    its own phrase names the parties."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.pos_ == "NOUN" and _noun_lemma(child) in lexicon.objects:
            return _Trigger(verb, lexicon.objects[_noun_lemma(child)], [child, verb], child)
    return None


def _demand(verb: Any, lexicon: Lexicon) -> _Trigger | None:
    """ "X said Y must/should Z" is X demanding Z of Y (CAMEO 10): a speech verb whose reported
    clause carries an obligation modal."""
    for clause in verb.children:
        if clause.dep_ != "ccomp":
            continue
        modals = [
            c
            for c in clause.children
            if c.dep_ in ("aux", "aux:tense") and c.text.lower() in lexicon.obligation
        ]
        modals += [c for c in clause.children if _lemma(c) in lexicon.obligation and c.dep_ == "xcomp"]
        if modals or (_lemma(clause) in lexicon.obligation and clause.pos_ in ("VERB", "AUX")):
            return _Trigger(verb, Sense("REQUEST", None, "100"), [verb, *modals[:1]], clause=clause)
    return None


def _phrasal(token: Any, lemma: str, lexicon: Lexicon) -> _Trigger | None:
    for child in token.children:
        if (
            child.dep_ in ("prt", "prep", "compound:prt", "obl", "obl:arg", "mark", "case")
            or child.i == token.i + 1
        ):
            word = child.text.lower()
            if (lemma, word) in lexicon.not_events:  # "signed up for a job", "seized power"
                return _Trigger(token, NOT_AN_EVENT, [token, child])
            if child.dep_ == "mark" or (
                child.i == token.i + 1 and child.dep_ not in ("prt", "prep", "compound:prt", "dobj", "obj")
            ):
                continue  # a particle, a preposition or a set object ("opened fire") makes a phrasal verb
            if (
                child.dep_ == "prep"
                and word not in ("up", "down", "out", "off", "over")
                and not any(g.dep_ in ("pobj", "pcomp") for g in child.children)
            ):
                continue  # a preposition without its object is not the verb's ("protest ... failure to")
            if (lemma, word) in lexicon.phrasal:
                return _Trigger(token, lexicon.phrasal[(lemma, word)], [token, child])
            for grandchild in child.children:  # French "appeler à": the preposition hangs on its object
                if (
                    grandchild.dep_ in ("case", "mark")
                    and (lemma, grandchild.text.lower()) in lexicon.phrasal
                ):
                    return _Trigger(
                        token, lexicon.phrasal[(lemma, grandchild.text.lower())], [token, grandchild]
                    )
    return None


NOT_AN_EVENT = Sense("AGREE", None, "000")
"""Marks a phrasal verb the lexicon lists as no event ("sign up"): the verb is then skipped."""

STOPPED = {
    "AID": Sense("SANCTION", "discontinue", "162"), "CONSULT": Sense("SANCTION", "withdraw", "164"),
    "COOPERATE": Sense("SANCTION", None, "160"), "AGREE": Sense("SANCTION", None, "160"),
    "SUPPORT": Sense("SANCTION", None, "160"), "SANCTION": Sense("RETREAT", "ease", "085"),
    "COERCE": Sense("CONCEDE", None, "081"), "PROTEST": Sense("CONCEDE", None, "082"),
    "ASSAULT": Sense("RETREAT", "ceasefire", "087"), "MOBILIZE": Sense("RETREAT", "withdraw", "087"),
}  # fmt: skip
"""What stopping an event is (after CAMEO 08 and 16): cutting aid or talks reduces relations,
lifting sanctions eases them, lifting curbs yields, ending an offensive de-escalates."""
STOPPED_BY_MODE = {"curfew": Sense("RETREAT", None, "0813"), "martial-law": Sense("RETREAT", None, "0814")}
QUANTITY_NOUNS = frozenset(
    [
        "ton",
        "tonne",
        "kg",
        "kilogram",
        "shipment",
        "consignment",
        "batch",
        "amount",
        "number",
        "package",
        "worth",
        "quantity",
        "cargo",
        "supply",
        "tonne",
        "lot",
        "livraison",
        "cargaison",
        "quantité",
    ]
)
"""Heads that measure the real object: "25,000 tons of food aid", "une cargaison d'armes"."""


def _light(token: Any, lemma: str, lexicon: Lexicon) -> _Trigger | None:
    nouns: dict[str, Sense | None] | None = lexicon.light_verbs.get(lemma)
    stops = lemma in lexicon.stop_verbs
    suppresses = lemma in lexicon.suppress_verbs
    if not nouns and not stops and not suppresses:
        return None
    candidates = []
    for child in token.children:
        if child.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS | {"obl", "obl:arg", "obl:mod", "prep", "prt"}:
            target = child
            if child.dep_ in ("prep", "prt"):  # "carried out an attack", "reached to an agreement"
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is None and child.dep_ == "prt":
                    target = next((c for c in token.children if c.dep_ in OBJECT_DEPS), None)
            if target is not None:
                candidates.append(target)
                candidates.extend(c for c in target.children if c.dep_ == "conj")
                if _noun_lemma(target) in QUANTITY_NOUNS or _noun_lemma(target) not in lexicon.objects:
                    # "sent 700 kg of medicine", "lifted the state of emergency"
                    for of in target.children:
                        candidates.extend(c for c in of.children if c.dep_ in ("pobj", "nmod"))
                        if of.dep_ == "nmod":
                            candidates.append(of)
    for noun in candidates:
        if noun.pos_ not in ("NOUN", "PROPN"):
            continue
        modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
        for word in [noun, *modifiers]:
            word_lemma = _noun_lemma(word)
            qualified = next(
                (lexicon.qualified[(_noun_lemma(m), word_lemma)] for m in modifiers
                 if (_noun_lemma(m), word_lemma) in lexicon.qualified),
                None,
            )  # fmt: skip
            if (
                suppresses
                and word_lemma in lexicon.objects
                and (qualified or lexicon.objects[word_lemma]).event == "PROTEST"
            ):
                return _Trigger(token, Sense("COERCE", "restrict", "175"), [token, noun], noun)
            if nouns and word_lemma in nouns:  # "held talks", "cut ties", "mediation efforts"
                sense = qualified or nouns[word_lemma] or lexicon.objects[word_lemma]
                return _Trigger(token, sense, [token, noun], noun)
            if stops and noun.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS and word_lemma in lexicon.objects:
                # "halted aid", "lifted the curfew" (the thing ended is the object, not a "with")
                stopped_sense = lexicon.objects[word_lemma]
                stopped = STOPPED_BY_MODE.get(stopped_sense.mode or "") or STOPPED.get(stopped_sense.event)
                if stopped is not None:
                    return _Trigger(token, stopped, [token, noun], noun)
    return None


def _absorb(triggers: list[_Trigger], lexicon: Lexicon) -> list[_Trigger]:
    """Drop the triggers that an absorbing trigger governs ("agreed to *cooperate*",
    "accused Mali of *attacking*"), folding their type into the outer event's mode."""
    heads = {t.head.i: t for t in triggers}
    absorbed: set[int] = set()
    for trigger in triggers:
        if trigger.sense.event in ("PROTEST", "COERCE"):  # "rallied to demand X": the protest only
            for inner in _complements(trigger.head):
                if inner.i in heads and heads[inner.i].sense.event in ("REQUEST", "ACCUSE"):
                    absorbed.add(inner.i)
            continue
        if not trigger.sense.absorb:
            continue
        for inner in _complements(trigger.head):
            if inner.i in heads and inner.i != trigger.head.i:
                absorbed.add(inner.i)
                trigger.inner = heads[inner.i]
                inner_sense = heads[inner.i].sense
                if trigger.sense.event == "THREATEN" and inner_sense.event in THREAT_MODES:
                    trigger.sense = dataclasses.replace(trigger.sense, mode=THREAT_MODES[inner_sense.event])
    return [t for t in triggers if t.head.i not in absorbed]


def _complements(token: Any) -> list[Any]:
    """Verbal complements of ``token``: xcomp, ccomp, and the clause of "of"/"for"/"de"."""
    out = []
    for child in token.children:
        if child.dep_ in ("xcomp", "ccomp", "pcomp", "advcl"):
            out.append(child)
        elif child.dep_ in ("prep", "obl", "obl:arg", "mark"):
            out.extend(c for c in child.children if c.dep_ in ("pcomp", "pobj") and c.pos_ == "VERB")
        if child.dep_ in ("dobj", "obj"):  # "accused Mali of attacking": the clause hangs on the object
            for grandchild in child.children:
                if grandchild.dep_ in ("prep", "acl"):
                    out.extend(c for c in grandchild.children if c.pos_ == "VERB")
                    if grandchild.pos_ == "VERB":
                        out.append(grandchild)
    return out


# --- one event ---------------------------------------------------------------------------------------


def _code_trigger(
    trigger: _Trigger,
    sentence_index: int,
    sentence: Any,
    context: _Context,
    article_id: str,
    published: str | None,
    dates: Sequence[DateMention],
    places: Sequence[PlaceMention],
) -> EventRecord | None:
    head, sense = trigger.head, trigger.sense
    actors, recipients, used_pronoun = _parties(trigger, context)
    objects = [c for c in head.children if c.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS]
    # (a passive's subject is its object: "the journalist was arrested" names who was arrested)
    owners = [g for c in objects for g in c.children if g.dep_ in ("poss", "nmod:poss", "compound")]
    if trigger.clause is not None and not recipients:
        return None
    if sense.needscomplement and _reports_a_question(head):
        return None  # "asked firms about staffing", "asked whether..." report questions, not requests
    if (
        sense.needsobject
        and not any(p.actor_id for p in recipients)
        and not any(c.i in context.mention_at or _group_of_people(c) for c in objects + owners)
    ):
        return None  # "released the hostages" codes through its noun; "received information" is no event
    if sense.objactor and any(not _names_someone(c, context) for c in objects if c.dep_ in ("dobj", "obj")):
        return None  # "met the demands", "a rencontré des difficultés": not a meeting
    if sense.reciprocal:  # PLOVER codes every party to a meeting or an agreement as an actor
        actors = _unique(actors + _reciprocal_parties(trigger, context) + recipients)
        recipients = []
    recipients = [
        p for p in recipients if p.actor_id is None or p.actor_id not in {a.actor_id for a in actors}
    ]
    resolved_any = any(p.actor_id for p in actors + recipients)
    doer_named = bool(actors)
    victims_named = sense.event in VIOLENT_TYPES and bool(actors or recipients)
    location = _location(trigger, sentence, places, actors + recipients)
    placed_violence = sense.event in ("ASSAULT", "PROTEST") and location is not None
    if not (resolved_any or doer_named or victims_named or placed_violence):
        return None  # nobody resolved, and no subject doing the deed: too little to code
    # (an attack or a protest is still coded with no party when the sentence says where it was:
    # "an attack killed twenty in eastern Burkina Faso")
    modality, _ = _modality(head, trigger.noun, context)
    claimant = _speaker(head, sentence, context)
    if claimant is None:
        claimant = next(
            (_Claimant(q.speaker, q.speaker_text or "") for q in context.quotes
             if q.kind == "direct" and q.start <= head.idx < q.end and (q.speaker or q.speaker_text)),
            None,
        )  # fmt: skip
    speaker = claimant.actor_id if claimant is not None else None
    if speaker is not None and modality == "intended" and _same_side(speaker, actors, context):
        speaker, claimant = None, None  # an actor announcing its own plan: the announcement is the event
    sentence_text = context.text[sentence.start_char : sentence.end_char]
    hedges = sorted({m.group(0).lower() for m in context.lexicon.hedges.finditer(sentence_text)})
    unconfirmed = _denied_report(head, context.lexicon)
    if unconfirmed:
        hedges.append(unconfirmed)  # "did not confirm that...": the claim is reported as unconfirmed
    conditional = any(
        "Mood=Cnd" in str(t.morph)
        for t in [head, *head.children]
        if t.i == head.i or t.dep_.startswith("aux")
    )
    if context.language == "fr" and conditional and modality == "asserted" and speaker is None:
        hedges.append("conditionnel")  # French news writes unconfirmed reports in the conditional
    cameo = sense.cameo
    if modality == "intended" and sense.event not in ("AGREE", "THREATEN"):
        cameo = INTENT_CAMEO.get(sense.event, "030")
    date, date_text = _date(trigger, sentence, dates, published)
    if (
        sense.event == "CONSULT"
        and sense.mode == "visit"
        and not recipients
        and location
        and location["country"]
    ):
        # "arrived in Amman on a visit": the visited state hosts it (PLOVER's recipient)
        host = f"state:{location['country']}"
        if all(p.actor_id != host for p in actors):
            known = host if host in context.actors else None  # only ids the actors table holds
            recipients = [
                Participant(known, location["country"], location["country"], None, location["text"])
            ]
    trigger_start = min(t.idx for t in trigger.tokens)
    trigger_end = max(t.idx + len(t.text) for t in trigger.tokens)
    resolved = [p for p in actors + recipients if p.actor_id]
    confidence = 0.4 + 0.2 * bool(actors) + 0.1 * bool(recipients or len(actors) > 1) + 0.1 * bool(resolved)
    confidence += (
        0.05 * (trigger.noun is None) - 0.1 * used_pronoun + 0.1 * _main_clause(head, context.lexicon)
    )
    event = EventRecord(
        article_id=article_id,
        sentence=sentence_index,
        event=sense.event,
        mode=sense.mode,
        context=_contexts(sense, sentence_text),
        cameo=cameo,
        actor=actors,
        recipient=recipients,
        modality=modality,
        attributed_to=speaker,
        attributed_text=claimant.text if claimant is not None and claimant.text else None,
        hedges=hedges,
        date=date,
        date_text=date_text,
        location=location,
        evidence_start=sentence.start_char,
        evidence_end=sentence.end_char,
        trigger=context.text[trigger_start:trigger_end],
        trigger_start=trigger_start,
        trigger_end=trigger_end,
        confidence=round(min(confidence, 0.95), 2),
    )
    key = f"{article_id}|{sentence_index}|{trigger_start}|{sense.event}"
    event.id = "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return event


def _parties(trigger: _Trigger, context: _Context) -> tuple[list[Participant], list[Participant], bool]:
    head = trigger.head
    actors: list[Participant] = []
    recipients: list[Participant] = []
    used_pronoun = False
    subject = _subject(head)
    if subject is not None:
        found, pronoun = _phrase_parties(subject, context)
        used_pronoun |= pronoun
        participle = head.tag_ == "VBN" or (
            "VerbForm=Part" in str(head.morph) and "Tense=Past" in str(head.morph)
        )
        bare_participle = (
            participle
            and head.dep_ in ("acl", "advcl")
            and not any(c.dep_.startswith("aux") for c in head.children)
        )  # "a company accused of...", "Asked if he would resign, he said..."
        adjectival = (
            subject.dep_ in PASSIVE_SUBJECT_DEPS
            and not any(c.dep_ in ("agent", "obl:agent") for c in head.children)
            and any(c.dep_ == "prep" and c.text.lower() in ("to", "against") for c in head.children)
        )
        # "Israel is opposed to French mediation": a state of the subject, not a passive
        passive = (subject.dep_ in PASSIVE_SUBJECT_DEPS and not adjectival) or bare_participle
        if passive and trigger.noun is None:  # "Mali was attacked", "a company accused of..."
            recipients += found
        else:
            actors += found
    if trigger.clause is not None:  # "said Mali must hold elections": Mali is asked
        obliged = _subject(trigger.clause)
        recipients += _phrase_parties(obliged, context)[0] if obliged is not None else []
        return _unique(actors), [p for p in _unique(recipients) if p.actor_id], used_pronoun
    for child in head.children:
        if child.dep_ in ("agent", "obl:agent"):
            for grandchild in [child, *child.children]:
                if grandchild.dep_ in ("pobj", "obl:agent") or (
                    grandchild.i == child.i and child.dep_ == "obl:agent"
                ):
                    actors += _phrase_parties(grandchild, context)[0]
        elif child.dep_ in OBJECT_DEPS and (trigger.noun is None or child.i != trigger.noun.i):
            found = _phrase_parties(child, context)[0]
            recipients += found
            if not found:  # "broke off relations with Ukraine", "lifted the ban on Wagner"
                for grandchild in child.children:
                    if grandchild.dep_ in ("prep", "nmod"):
                        recipients += _prep_parties(
                            grandchild, context, trigger.sense.reciprocal, for_recipient=True
                        )
        elif child.dep_ in ("prep", "obl", "obl:arg", "obl:mod"):
            recipients += _prep_parties(child, context, trigger.sense.reciprocal, for_recipient=True)
    if subject is None and not trigger.sense.nosubject:
        # a subject the parser cut off ("Washington menace de..." parsed as two roots): the
        # actor named just before the verb, with no other verb between
        for token in reversed(list(head.doc[max(head.sent.start, head.i - 3) : head.i])):
            if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "aux:tense", "aux:pass"):
                break
            if token.i in context.mention_at and token.dep_ in ("ROOT", "nsubj", "dep", "appos", "npadvmod"):
                actors.append(_participant(context.mention_at[token.i], context))
                break
    if trigger.inner is not None and not recipients:
        recipients += _parties(trigger.inner, context)[1]
    if trigger.sense.event in ("REQUEST", "THREATEN") and not recipients:
        # "demanded that Hamas renounce...": whoever is asked to act is the recipient
        for clause in (c for c in head.children if c.dep_ == "ccomp"):
            asked = _subject(clause)
            if asked is not None and asked.pos_ != "PRON":
                recipients += [p for p in _phrase_parties(asked, context)[0] if p.actor_id]
    if trigger.noun is not None:
        for child in trigger.noun.children:
            if child.dep_ in ("prep", "nmod", "obl"):
                recipients += _prep_parties(child, context, trigger.sense.reciprocal, for_recipient=True)
            elif child.dep_ in ("amod", "compound", "poss", "nmod:poss") and trigger.sense.event in (
                "SANCTION",
                "AID",
            ):
                recipients += _phrase_parties(child, context)[0]  # "Western sanctions": no; "US aid"
    return _unique(actors), _unique(recipients), used_pronoun


def _subject(head: Any) -> Any | None:
    """The subject of ``head``, or of the verb it is coordinated with or controlled by."""
    token = head
    for _ in range(4):
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS:
                return child
        if token.dep_ in ("xcomp", "conj", "advcl", "acomp") and token.head.i != token.i:
            token = token.head
        elif token.dep_ in ("relcl", "acl", "acl:relcl") and token.head.i != token.i:
            return token.head
        else:
            return None
    return None


def _prep_parties(
    prep: Any, context: _Context, reciprocal: bool, *, for_recipient: bool
) -> list[Participant]:
    """Parties named under a preposition: recipients for "against/to/on", none for "with" (those
    are reciprocal and read separately) or for places ("in Bamako")."""
    word = _preposition(prep)
    if word in RECIPROCAL_PREPS.get(context.language, frozenset()):
        if reciprocal:
            return []  # read by _reciprocal_parties: the "with" party is an actor
        word = "to"  # "cut ties with Kyiv": the other side receives the act
    if word != "to" and (
        word in PLACE_ONLY_PREPS or word not in RECIPIENT_PREPS.get(context.language, frozenset())
    ):
        return []
    objects = [c for c in prep.children if c.dep_ in ("pobj",)] if prep.dep_ == "prep" else [prep]
    parties: list[Participant] = []
    for obj in objects:  # (a capital named as the scene is no party: _phrase_parties drops it)
        parties += _phrase_parties(obj, context)[0]
    return parties


def _preposition(token: Any) -> str:
    if token.dep_ == "prep":
        return str(token.text).lower()
    case = next((c for c in token.children if c.dep_ in ("case", "mark")), None)
    return str(case.text).lower() if case is not None else ""


def _reciprocal_parties(trigger: _Trigger, context: _Context) -> list[Participant]:
    parties: list[Participant] = []
    for owner in filter(None, (trigger.head, trigger.noun)):
        for child in owner.children:
            if child.dep_ in ("prep", "obl", "obl:arg", "obl:mod", "nmod") and _preposition(
                child
            ) in RECIPROCAL_PREPS.get(context.language, frozenset()):
                objects = [c for c in child.children if c.dep_ == "pobj"] if child.dep_ == "prep" else [child]
                for obj in objects:
                    parties += _phrase_parties(obj, context)[0]
    return parties


def _phrase_parties(token: Any, context: _Context) -> tuple[list[Participant], bool]:
    """The actors a noun phrase names: each coordinated head's own mention ("Mali and Niger"),
    else the mention nearest the head within its phrase ("officials of Mali"); a pronoun head
    is resolved to the last fitting actor before it."""
    heads = [token]
    for item in heads:
        heads.extend(c for c in item.children if c.dep_ in ("conj", "appos") and c not in heads)
    parties: list[Participant] = []
    pronoun = False
    for item in heads:
        if item.tag_ in ("WDT", "WP") or (item.pos_ == "PRON" and item.lemma_ in ("qui", "que", "lequel")):
            relative = item.head  # "Russia, which has been sending": the clause's head noun
            while relative.dep_ not in ("relcl", "acl:relcl") and relative.head.i != relative.i:
                relative = relative.head
            if relative.dep_ in ("relcl", "acl:relcl"):
                item = relative.head
        mention = context.mention_at.get(item.i)
        if mention is None and item.pos_ == "PRON":
            mention = _antecedent(item, context)
            pronoun = mention is not None
            if mention is not None and item.text.lower() in PLURAL_PRONOUNS:
                span = item.doc.char_span(mention.start, mention.end, alignment_mode="expand")
                for other in _coordination_group(span.root, context) if span is not None else []:
                    parties.append(_participant(other, context))
        if mention is None:
            mention = _nearest_in_phrase(item, context)
            if mention is not None:
                span = item.doc.char_span(mention.start, mention.end, alignment_mode="expand")
                for other in _coordinated(span.root, context) if span is not None else []:
                    parties.append(_participant(other, context))
        if mention is not None and mention.how == "capital" and mention.sector == "CVL":
            mention = None  # a capital named as a place ("protesters in Conakry"), not its government
        if mention is not None:
            party = _participant(mention, context)
            if party.country is None and not (party.actor_id or "").startswith("state:"):
                qualifier = next(
                    (m for t in item.subtree if t.i < item.i and t.dep_ in ("compound", "amod", "poss", "nmod", "nmod:poss")
                     for m in [context.mention_at.get(t.i)] if m is not None and m.actor_id.startswith("state:")),
                    None,
                )  # fmt: skip
                if qualifier is not None:  # "U.S. Secretary of State Warren Christopher"
                    party.country = qualifier.country or qualifier.actor_id.split(":", 1)[1]
                    party.code = party.code or party.country
            parties.append(party)
        elif _group_of_people(item) and (owner := _possessor(item, context)) is not None:
            parties.append(_participant(owner, context))  # "its fighters": the group the pronoun stands for
        elif _group_of_people(item) and not any(
            c.dep_ == "appos" and c.i in context.mention_at for c in item.children
        ):  # "the minister, Karamoko Traoré": the name stands for the title
            # "gunmen", "protesters", "police": a party the actor stage could not name is kept
            # with its words and no actor id, so the event is still counted and shown
            phrase = _phrase_text(item, context)
            parties.append(Participant(None, None, None, None, phrase))
    # "Russia's Foreign Minister Sergey Lavrov": the state only qualifies the person who acts;
    # "U.S. Secretary of State Warren Christopher": a person the knowledge base gives no country
    # takes the state that qualifies him in the phrase
    states = [p for p in parties if p.actor_id and p.actor_id.startswith("state:")]
    others = [p for p in parties if p.actor_id and not p.actor_id.startswith("state:")]
    if len(states) == 1 and others:
        for person in others:
            if person.country is None:
                person.country = states[0].code
                person.code = person.code or states[0].code
    people = {p.country for p in others}
    parties = [p for p in parties if not (p in states and p.code in people)]
    return _unique(parties), pronoun


GROUP_NOUNS = frozenset(
    [
        "gunman",
        "gunmen",
        "militant",
        "rebel",
        "jihadist",
        "insurgent",
        "fighter",
        "attacker",
        "assailant",
        "terrorist",
        "bandit",
        "militia",
        "soldier",
        "troop",
        "force",
        "army",
        "police",
        "policeman",
        "officer",
        "guard",
        "protester",
        "demonstrator",
        "activist",
        "student",
        "worker",
        "farmer",
        "civilian",
        "villager",
        "resident",
        "youth",
        "crowd",
        "mob",
        "supporter",
        "opponent",
        "official",
        "authority",
        "government",
        "leader",
        "minister",
        "diplomat",
        "envoy",
        "lawmaker",
        "deputy",
        "junta",
        "regime",
        "mercenary",
        "contractor",
        "prisoner",
        "hostage",
        "detainee",
        "refugee",
        "migrant",
        "journalist",
        "man",
        "woman",
        "people",
        "group",
        "party",
        "union",
        "homme",
        "femme",
        "jeune",
        "manifestant",
        "soldat",
        "militaire",
        "policier",
        "gendarme",
        "rebelle",
        "djihadiste",
        "jihadiste",
        "terroriste",
        "assaillant",
        "combattant",
        "milice",
        "civil",
        "habitant",
        "villageois",
        "étudiant",
        "ouvrier",
        "agriculteur",
        "autorité",
        "gouvernement",
        "dirigeant",
        "ministre",
        "diplomate",
        "député",
        "junte",
        "régime",
        "mercenaire",
        "otage",
        "détenu",
        "prisonnier",
        "réfugié",
        "migrant",
        "journaliste",
        "groupe",
        "parti",
        "syndicat",
        "foule",
        "opposant",
        "partisan",
        "activiste",
        "cadre",
        "suspect",
        "officier",
        "responsable",
        "membre",
        "élu",
        "ex-président",
        "président",
        "premier",
        "personne",
        "individu",
        "armée",
        "police",
        "gendarmerie",
        "fundamentalist",
        "extremist",
        "separatist",
        "nationalist",
        "loyalist",
        "dissident",
        "inmate",
        "landowner",
        "islamiste",
        "séparatiste",
        "herder",
        "bomber",
        "sniper",
        "kidnapper",
        "pirate",
        "smuggler",
        "poacher",
        "criminal",
        "thug",
        "vigilante",
        "member",
        "personnel",
        "unit",
        "battalion",
        "brigade",
        "squad",
        "patrol",
        "convoy",
        "jet",
        "aircraft",
        "warplane",
        "drone",
        "helicopter",
        "artillery",
        "fighter-jet",
        "settler",
        "pilgrim",
        "worshipper",
        "protestor",
        "teacher",
        "doctor",
        "nurse",
        "trader",
        "driver",
        "miner",
        "elder",
        "chief",
        "cleric",
        "commander",
        "general",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "agency",
        "committee",
        "court",
        "parliament",
        "council",
        "organization",
        "organisation",
        "movement",
        "coalition",
        "alliance",
        "administration",
        "ministry",
        "hacker",
        "rioter",
        "looter",
        "chef",
        "commandant",
        "porte-parole",
        "agence",
        "comité",
        "tribunal",
        "parlement",
        "conseil",
        "mouvement",
        "ministère",
    ]
)
"""Heads of phrases that name people acting together ("gunmen", "des manifestants"): such a
party is kept with its words even when no actor could be resolved. Other unresolved phrases
("the decision", "measures") are objects, not parties."""


def _names_someone(token: Any, context: _Context) -> bool:
    """Whether a noun phrase names an actor or a group of people itself ("his counterpart, Diop",
    "the rebels"), not merely mentions one inside ("a distinction of India")."""
    heads = [token, *(c for c in token.children if c.dep_ in ("appos", "conj"))]
    return any(h.i in context.mention_at or _group_of_people(h) for h in heads)


def _possessor(token: Any, context: _Context) -> Mention | None:
    """The actor a possessive pronoun on ``token`` stands for ("its fighters", "ses soldats")."""
    for child in token.children:
        if child.dep_ in ("poss", "nmod:poss", "det") and child.text.lower() in POSSESSIVES:
            return _antecedent(child, context)
    return None


COUNT_HEADS = frozenset(
    {"thousand", "hundred", "dozen", "million", "score", "number", "millier", "centaine", "dizaine"}
)
"""Heads that count a group: "thousands of students", "des milliers de manifestants"."""


def _group_of_people(token: Any) -> bool:
    if token.dep_ == "appos":
        return False
    if _noun_lemma(token) in COUNT_HEADS or token.pos_ == "NUM":
        counted = [g for c in token.children if c.dep_ in ("prep", "nmod") for g in [c, *c.children]]
        return any(g.pos_ == "NOUN" and _noun_lemma(g) in GROUP_NOUNS for g in counted)
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    return _noun_lemma(token) in GROUP_NOUNS or token.ent_type_ in ("PERSON", "PER", "NORP")


def _phrase_text(head: Any, context: _Context) -> str:
    tokens = [t for t in head.subtree if t.i <= head.i and t.dep_ not in CLAUSE_DEPS and t.dep_ != "punct"]
    while len(tokens) > 1 and tokens[0].dep_ in ("cc", "case", "punct", "mark"):
        tokens = tokens[1:]  # "et des journalistes", "aux soldats": the words of the party only
    tokens = tokens or [head]
    return context.text[tokens[0].idx : head.idx + len(head.text)]


def _nearest_in_phrase(head: Any, context: _Context) -> Mention | None:
    best: tuple[int, Mention, Any] | None = None
    stack = [c for c in head.children if c.dep_ not in CLAUSE_DEPS]
    while stack:
        token = stack.pop()
        if (
            token.dep_ in ("prep", "nmod", "obl")
            and _preposition(token) not in OWNER_PREPS
            and token.dep_ == "prep"
        ):
            continue
        mention = context.mention_at.get(token.i)
        if mention is not None and (best is None or abs(token.i - head.i) < best[0]):
            best = (abs(token.i - head.i), mention, token)
        stack.extend(c for c in token.children if c.dep_ not in CLAUSE_DEPS)
    return best[1] if best else None


def _coordination_group(token: Any, context: _Context) -> list[Mention]:
    """Every mention coordinated with ``token``, before or after it ("Mali, Burkina Faso and
    Niger" for "them")."""
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    head_mention = context.mention_at.get(first.i)
    return ([head_mention] if head_mention else []) + _coordinated(first, context)


def _coordinated(token: Any, context: _Context) -> list[Mention]:
    """Mentions of the words coordinated with ``token`` ("from Mali, Niger and Burkina Faso")."""
    found = []
    queue = [c for c in token.children if c.dep_ == "conj"]
    while queue:
        item = queue.pop(0)
        mention = context.mention_at.get(item.i)
        if mention is not None:
            found.append(mention)
        queue.extend(c for c in item.children if c.dep_ == "conj")
    return found


def _antecedent(pronoun: Any, context: _Context) -> Mention | None:
    """A pronoun stands for the speaker of the clause it is reported under ("Mali said it
    would..."), else for the last actor before it of a fitting kind."""
    word = pronoun.text.lower()
    if word not in PRONOUNS_PERSON | PRONOUNS_ANY:
        return None
    token = pronoun.head
    for _ in range(4):
        if token.dep_ in ("ccomp", "parataxis") and token.head.i != token.i:
            subject = _subject(token.head)
            if subject is not None and subject.i != pronoun.i:
                mention = context.mention_at.get(subject.i) or _nearest_in_phrase(subject, context)
                if mention is not None:
                    return mention
        if token.head.i == token.i:
            break
        token = token.head
    start = pronoun.idx
    for mention in reversed(context.mentions):
        if mention.end > start:
            continue
        if start - mention.end > ANTECEDENT_WINDOW:
            return None
        kind = context.actors[mention.actor_id].kind if mention.actor_id in context.actors else None
        if word in PRONOUNS_PERSON and kind != "person":
            continue
        if word not in PRONOUNS_PERSON and kind == "person":
            continue
        if word in PLURAL_PRONOUNS and not _plural(mention, pronoun.doc, context):
            continue  # "their troops" after "Moscow ... the three countries": not Moscow
        return mention
    return None


def _plural(mention: Mention, doc: Any, context: _Context) -> bool:
    """Whether a mention can stand for "they": a group ("Malian troops", a list) or one of
    several coordinated names ("Mali, Niger and Burkina Faso")."""
    if mention.how in ("group", "list", "demonym"):
        return True
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and len(_coordination_group(span.root, context)) > 1


def _participant(mention: Mention, context: _Context) -> Participant:
    actor = context.actors.get(mention.actor_id)
    code = actor.code if actor is not None and actor.code else mention.country
    return Participant(mention.actor_id, code, mention.country, mention.sector, mention.text)


def _unique(parties: list[Participant]) -> list[Participant]:
    seen: set[str] = set()
    out = []
    for party in parties:
        key = party.actor_id or f"text:{party.text.lower()}"
        if key not in seen:
            seen.add(key)
            out.append(party)
    return out


# --- modality, attribution, context -----------------------------------------------------------------


def _modality(head: Any, noun: Any | None, context: _Context) -> tuple[str, bool]:
    """(modality, whether a commitment verb made it intended)."""
    lexicon = context.lexicon
    if _negated(head) or (noun is not None and _negated(noun)):
        return "negated", False
    token = head
    reported = _reported(head, lexicon)
    for _ in range(5):
        aux = {_lemma(c) for c in token.children if c.dep_ in ("aux", "aux:tense", "aux:pass")}
        aux |= {c.text.lower() for c in token.children if c.dep_ == "aux"}
        if token.dep_ in ("advcl",) and any(
            _lemma(c) in CONDITIONAL_MARKS for c in token.children if c.dep_ == "mark"
        ):
            return "hypothetical", False
        if aux & FUTURE_AUX or "Tense=Fut" in str(token.morph):
            return "intended", False
        if aux & lexicon.hypothetical:
            return ("intended" if reported and aux & {"would"} else "hypothetical"), False
        if token.i != head.i and _lemma(token) in lexicon.intent:
            return "intended", True
        if token.i != head.i and _lemma(token) in lexicon.negators:
            return "negated", False
        if token.i != head.i and _negated(token) and token.dep_ != "ROOT":
            return "negated", False
        if (
            token.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "pcomp", "pobj", "prep", "obl", "obl:arg")
            or token.head.i == token.i
        ):
            break
        token = token.head
    if "Mood=Cnd" in str(head.morph) and not reported and context.language != "fr":
        return "hypothetical", False
    return "asserted", False


def _main_clause(head: Any, lexicon: Lexicon) -> bool:
    """Whether ``head`` states the sentence's main news: its root, a verb coordinated with the
    root, or the clause a speech verb reports. Purpose and participle clauses ("to demand",
    "killing") say less."""
    token = head
    for _ in range(4):
        if token.dep_ == "ROOT" or token.head.i == token.i:
            return True
        if token.dep_ in ("ccomp", "parataxis") and _lemma(token.head) in lexicon.speech:
            return True
        if token.dep_ not in ("conj", "xcomp"):
            return False
        token = token.head
    return False


def _denied_report(head: Any, lexicon: Lexicon) -> str | None:
    """The words of a negated speech verb the event is reported under ("did not confirm")."""
    token = head
    for _ in range(5):
        if token.head.i == token.i:
            return None
        if (
            token.dep_ in ("ccomp", "parataxis")
            and _lemma(token.head) in lexicon.speech
            and _negated(token.head)
        ):
            verb = token.head
            words = [c for c in verb.children if c.dep_ in ("aux", "neg", "advmod") and c.i < verb.i] + [verb]
            start = min(w.idx for w in words)
            return str(verb.doc.text[start : verb.idx + len(verb.text)]).lower()
        token = token.head
    return None


def _reported(head: Any, lexicon: Lexicon) -> bool:
    """Whether ``head`` sits in a clause reported under a speech verb ("said it would...")."""
    token = head
    for _ in range(5):
        if token.head.i == token.i:
            return False
        if token.dep_ in ("ccomp", "parataxis") and _lemma(token.head) in lexicon.speech:
            return True
        if token.dep_ in ("acl", "ccomp") and _noun_lemma(token.head) in REPORT_NOUNS:
            return True  # "a statement that Russia would deliver..."
        token = token.head
    return False


def _negated(token: Any) -> bool:
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "det") and child.text.lower() in NEGATION_WORDS):
            return True
        if child.dep_ == "advmod" and "Polarity=Neg" in str(child.morph):
            return True
    return False


@dataclass(slots=True)
class _Claimant:
    """Who claims an event: the actor when resolved, and always the words that name them."""

    actor_id: str | None
    text: str


def _speaker(head: Any, sentence: Any, context: _Context) -> _Claimant | None:
    """Who the sentence says claims the event: the subject of the speech verb governing it, of a
    speech verb in parenthesis ("..., Diop said"), or the "according to" source."""
    lexicon = context.lexicon
    token = head
    for _ in range(6):
        if token.head.i == token.i:
            break
        if token.dep_ in ("ccomp", "parataxis", "xcomp", "conj") and _lemma(token.head) in lexicon.speech:
            return _subject_actor(token.head, context)
        token = token.head
    for child in [*head.children, *token.children]:
        if (
            child.dep_ in ("parataxis", "ccomp", "advcl")
            and _lemma(child) in lexicon.speech
            and child.i > head.i
        ):
            return _subject_actor(child, context)
    first, second = ACCORDING.get(context.language, ("", ""))
    governing = {t.i for t in [head, *head.ancestors]}
    for word in sentence:
        if word.text.lower() == first:
            after = word.doc[word.i + 1] if word.i + 1 < len(word.doc) else None
            if second and (after is None or after.text.lower() != second):
                continue
            attached = word.head if word.dep_ != "ROOT" else word
            if context.language == "en" and attached.i not in governing:
                continue  # "according to" qualifies another clause of the sentence
            for item in word.doc[word.i + 1 : min(word.i + 8, sentence.end)]:
                mention = context.mention_at.get(item.i)
                if mention is not None:
                    return _Claimant(mention.actor_id, mention.text)
            source = next((c for c in [*word.children, *(g for c in word.children for g in c.children)]
                           if c.pos_ in ("NOUN", "PROPN")), None)  # fmt: skip
            if source is not None:  # "according to witnesses": unresolved, but said
                return _Claimant(None, _phrase_text(source, context))
    return None


def _same_side(speaker: str, actors: list[Participant], context: _Context) -> bool:
    """Whether the speaker is one of the actors, or speaks for one ("Lavrov said Russia would")."""
    countries = {m.country for m in context.mentions if m.actor_id == speaker and m.country}
    return any(p.actor_id == speaker or (p.code and p.code in countries) for p in actors)


def _subject_actor(verb: Any, context: _Context) -> _Claimant | None:
    subject = _subject(verb)
    if subject is None:
        return None
    parties, _ = _phrase_parties(subject, context)
    resolved = next((p for p in parties if p.actor_id), None)
    if resolved is not None:
        return _Claimant(resolved.actor_id, resolved.text)
    return _Claimant(None, _phrase_text(subject, context))


def _contexts(sense: Sense, sentence_text: str) -> list[str]:
    found = []
    if sense.mode in ("military", "economic", "humanitarian"):
        found.append(sense.mode)
    if sense.cameo.startswith(("062", "072", "0312", "154", "152")):
        found.append("military")
    for name, pattern in CONTEXT_PATTERNS.items():
        if name not in found and pattern.search(sentence_text):
            found.append(name)
    return found


# --- date and place ----------------------------------------------------------------------------------


def _date(
    trigger: _Trigger, sentence: Any, dates: Sequence[DateMention], published: str | None
) -> tuple[str | None, str | None]:
    """The date the sentence gives, nearest the trigger; else the publication date (no date_text)."""
    inside = [d for d in dates if sentence.start_char <= d.start and d.end <= sentence.end_char]
    if inside:
        anchor = trigger.head.idx
        best = min(inside, key=lambda d: abs(d.start - anchor))
        return best.value, best.text
    return (published[:10] if published else None), None


def _in_clause(token: Any, head: Any) -> bool:
    """Whether ``token`` belongs to the clause of ``head`` (not to a clause embedded in it)."""
    item = token
    for _ in range(12):
        if item.i == head.i:
            return True
        if (
            item.dep_ in ("ccomp", "relcl", "acl:relcl", "parataxis", "advcl", "csubj")
            or item.head.i == item.i
        ):
            return False
        item = item.head
    return False


def _location(
    trigger: _Trigger, sentence: Any, places: Sequence[PlaceMention], parties: list[Participant]
) -> dict[str, Any] | None:
    inside = [p for p in places if sentence.start_char <= p.start and p.end <= sentence.end_char]
    if not inside:
        return None
    doc = sentence.doc
    scored: list[tuple[int, PlaceMention]] = []
    party_texts = {p.text for p in parties}
    for place in inside:
        span = doc.char_span(place.start, place.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        locative = root.head.i != root.i and (
            root.head.text.lower() in LOCATIVE_PREPS
            or any(c.dep_ == "case" and c.text.lower() in LOCATIVE_PREPS for c in root.children)
        )
        if not locative and (place.text in party_texts or place.place.kind == "country"):
            continue  # a country named without "in"/"à" is usually a party, not the scene
        own_clause = _in_clause(root, trigger.head)
        if not own_clause and place.place.kind != "city":
            continue  # "in this part of Africa" inside a quote is not where the accusation was made
        scored.append(((0 if locative else 1) + (0 if own_clause else 2), place))
    if not scored:
        return None
    anchor = trigger.head.idx
    best = min(scored, key=lambda item: (item[0], abs(item[1].start - anchor)))[1]
    where = best.place
    return {
        "name": where.name,
        "country": where.country,
        "lat": where.lat,
        "lon": where.lon,
        "text": best.text,
    }
