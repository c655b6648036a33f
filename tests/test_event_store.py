"""Events, quotes and places end to end: ingest into a real SQLite file, export, the `events`
command with its filters, linking one real-world event across outlets, re-runs, and an old
database migrated."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli_helpers import invoke as _invoke
from cli_helpers import read_jsonl as _read
from newsgraph.cli import app
from newsgraph.export import EVENT_FIELDS, QUOTE_EXTRA_FIELDS, QUOTE_FIELDS

WIRE = """date 2025-03-06
source: Sahel Wire

Washington punishes Bamako

The United States imposed sanctions on Mali on Wednesday, the White House said.
Mali's foreign minister Abdoulaye Diop condemned the decision.
"We will not bow to pressure," Diop told reporters in Bamako.
"""

DAILY = """date 2025-03-06
source: Niamey Daily

US sanctions on Mali

The United States imposed sanctions on Mali on Wednesday, according to the US Treasury.
Russia pledged to send wheat to Mali next month.
Niger did not sign the agreement with France.
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("events")
    (root / "in").mkdir()
    (root / "in" / "wire.txt").write_text(WIRE, encoding="utf-8")
    (root / "in" / "daily.txt").write_text(DAILY, encoding="utf-8")
    db = root / "news.db"
    _invoke("ingest", str(root / "in"), "--db", str(db))
    _invoke("export", "--db", str(db), "--out", str(root / "out"))
    return {
        "db": db,
        "root": root,
        "articles": {a["id"]: a for a in _read(root / "out" / "articles.jsonl")},
        "events": _read(root / "out" / "events.jsonl"),
        "quotes": _read(root / "out" / "quotes.jsonl"),
    }


def test_events_carry_the_contract_fields_and_exact_evidence(exported: dict[str, Any]) -> None:
    assert exported["events"]
    for event in exported["events"]:
        assert tuple(event) == EVENT_FIELDS
        text = exported["articles"][event["article_id"]]["text"]
        evidence, trigger = event["evidence"], event["trigger"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert text[trigger["start"] : trigger["end"]] == trigger["text"]
        assert evidence["start"] <= trigger["start"] < trigger["end"] <= evidence["end"]
        assert event["modality"] in ("asserted", "intended", "hypothetical", "negated")
        assert 0 < event["confidence"] <= 1


def test_sanctions_are_coded_dated_and_linked_across_the_two_outlets(exported: dict[str, Any]) -> None:
    sanctions = [e for e in exported["events"] if e["event"] == "SANCTION"]
    assert len(sanctions) == 2
    for event in sanctions:
        assert [p["code"] for p in event["actor"]] == ["USA"]
        assert [p["code"] for p in event["recipient"]] == ["MLI"]
        assert event["date"] == "2025-03-05"  # "on Wednesday" before a Thursday publication
        assert event["date_text"] and "Wednesday" in event["date_text"]
        assert event["reported_by"] == 2
    assert len({e["report_group"] for e in sanctions}) == 1


def test_attribution_modality_and_negation(exported: dict[str, Any]) -> None:
    events = exported["events"]
    wire_sanction = next(
        e for e in events if e["event"] == "SANCTION" and "White House said" in e["evidence"]["text"]
    )
    assert wire_sanction["attributed_to"] is not None
    pledge = next(e for e in events if "wheat" in e["evidence"]["text"])
    assert (pledge["event"], pledge["modality"]) == ("AID", "intended")
    assert pledge["cameo"].startswith("03")
    refusal = next(e for e in events if "did not sign" in e["evidence"]["text"])
    assert (refusal["event"], refusal["modality"]) == ("AGREE", "negated")
    condemn = next(e for e in events if e["event"] == "ACCUSE")
    assert condemn["actor"][0]["actor_id"] == "person:abdoulaye-diop"


def test_articles_carry_their_focus_countries(exported: dict[str, Any]) -> None:
    for article in exported["articles"].values():
        assert article["focus_countries"][:2] and "MLI" in article["focus_countries"]


def test_quotes_are_exported_with_their_speaker(exported: dict[str, Any]) -> None:
    quotes = exported["quotes"]
    assert quotes
    for quote in quotes:
        assert tuple(quote) == (*QUOTE_FIELDS, *QUOTE_EXTRA_FIELDS)
        text = exported["articles"][quote["article_id"]]["text"]
        assert text[quote["start"] : quote["end"]] == quote["text"]
    direct = next(q for q in quotes if q["text"].startswith("We will not bow"))
    assert direct["speaker"] == "person:abdoulaye-diop"


def test_the_events_command_filters(exported: dict[str, Any]) -> None:
    db = str(exported["db"])
    every = json.loads(_invoke("events", "--db", db, "--json", "--limit", "100"))
    assert len(every) == len(exported["events"])
    sanctions = json.loads(_invoke("events", "--db", db, "--json", "--type", "sanction"))
    assert {e["event"] for e in sanctions} == {"SANCTION"}
    by_outlet = json.loads(_invoke("events", "--db", db, "--json", "--outlet", "Niamey"))
    assert by_outlet and {e["outlet"] for e in by_outlet} == {"Niamey Daily"}
    by_actor = json.loads(_invoke("events", "--db", db, "--json", "--actor", "Diop"))
    assert by_actor and all(
        any(p["actor_id"] == "person:abdoulaye-diop" for p in e["actor"] + e["recipient"]) for e in by_actor
    )
    in_range = json.loads(
        _invoke("events", "--db", db, "--json", "--since", "2025-03-06", "--until", "2025-12")
    )
    assert in_range and all("2025-03-06" <= e["date"] <= "2025-12-31" for e in in_range)
    negated = json.loads(_invoke("events", "--db", db, "--json", "--modality", "negated"))
    assert negated and {e["modality"] for e in negated} == {"negated"}
    shown = _invoke("events", "--db", db, "--type", "SANCTION")
    assert "reported by 2 outlet(s)" in shown
    bad = CliRunner().invoke(app, ["events", "--db", db, "--since", "last week"])
    assert bad.exit_code != 0 and "YYYY" in bad.output


def test_rerunning_changes_nothing(exported: dict[str, Any]) -> None:
    db, root = str(exported["db"]), exported["root"]
    _invoke("ingest", str(root / "in"), "--db", db)
    _invoke("annotate", "--db", db, "--redo")
    _invoke("export", "--db", db, "--out", str(root / "again"))
    assert _read(root / "again" / "events.jsonl") == exported["events"]
    assert _read(root / "again" / "quotes.jsonl") == exported["quotes"]


def test_an_actor_stage_database_is_migrated_and_annotated_again(
    tmp_path: Path, exported: dict[str, Any]
) -> None:
    """A database made before events existed (schema 3) gains the tables and its articles are
    annotated again by the newer annotator."""
    db = tmp_path / "old.db"
    source = sqlite3.connect(exported["db"])
    source.backup(target := sqlite3.connect(db))
    source.close()
    for table in ("events", "event_actors", "quotes", "places", "stories", "story_aliases", "article_vectors",
                  "outlets"):  # fmt: skip
        target.execute(f"drop table {table}")
    for column in ("focus_countries", "duplicate_of", "story_score"):
        target.execute(f"alter table articles drop column {column}")
    target.execute("update articles set story_id = null")
    target.execute("delete from _migrations where id >= 4")
    target.execute("update articles set annotated = 3")
    target.commit()
    target.close()
    _invoke("annotate", "--db", str(db))
    _invoke("export", "--db", str(db), "--out", str(tmp_path / "out"))
    assert len(_read(tmp_path / "out" / "events.jsonl")) == len(exported["events"])
    stories = _read(tmp_path / "out" / "stories.jsonl")  # the migrated database is grouped too
    assert stories and all(a["story_id"] for a in _read(tmp_path / "out" / "articles.jsonl"))
