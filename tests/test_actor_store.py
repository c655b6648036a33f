"""The actor stage end to end: ingest into a real SQLite file, export, the `actors` command,
re-runs, cross-article merging and a failing article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import invoke as _invoke
from cli_helpers import read_jsonl as _read
from newsgraph import annotate as annotate_module
from newsgraph.export import ACTOR_FIELDS, MENTION_EXTRA_FIELDS, MENTION_FIELDS

FIRST = """date 2025-04-03

Lavrov hosts Sahel ministers

Russia's Foreign Minister Sergey Lavrov received his Malian counterpart Abdoulaye Diop in Moscow on Thursday.
Lavrov said Russian instructors would stay in Mali. The Malian minister thanked the Kremlin.
"""

SECOND = """date 2025-04-05

Diop back in Bamako

Mali's Foreign Minister Abdoulaye Diop returned to Bamako on Saturday after talks with Sergei Lavrov.
Malian troops and the junta in Niamey were also discussed.
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("actors")
    (root / "in").mkdir()
    (root / "in" / "first.txt").write_text(FIRST, encoding="utf-8")
    (root / "in" / "second.txt").write_text(SECOND, encoding="utf-8")
    db = root / "news.db"
    _invoke("ingest", str(root / "in"), "--db", str(db))
    _invoke("export", "--db", str(db), "--out", str(root / "out"))
    return {
        "db": db,
        "root": root,
        "articles": {a["id"]: a for a in _read(root / "out" / "articles.jsonl")},
        "actors": {a["id"]: a for a in _read(root / "out" / "actors.jsonl")},
        "mentions": _read(root / "out" / "mentions.jsonl"),
    }


def test_mentions_carry_the_contract_fields_and_exact_offsets(exported: dict[str, Any]) -> None:
    assert exported["mentions"]
    for mention in exported["mentions"]:
        assert set(mention) == {*MENTION_FIELDS, *MENTION_EXTRA_FIELDS}
        text = exported["articles"][mention["article_id"]]["text"]
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["actor_id"] in exported["actors"]


def test_one_person_across_articles_and_spellings_with_roles_and_evidence(exported: dict[str, Any]) -> None:
    lavrov = exported["actors"]["person:sergey-lavrov"]
    assert set(lavrov) == set(ACTOR_FIELDS)
    assert {"Sergey Lavrov", "Sergei Lavrov", "Lavrov"} <= set(lavrov["aliases"])
    assert lavrov["country"] == "RUS"
    role = next(r for r in lavrov["roles"] if "Foreign Minister" in r["title"])
    assert role["country"] == "RUS" and "Sergey Lavrov" in role["evidence"]
    diop = [m for m in exported["mentions"] if m["actor_id"] == "person:abdoulaye-diop"]
    assert len({m["article_id"] for m in diop}) == 2
    assert all((m["country"], m["sector"]) == ("MLI", "GOV") for m in diop)


def test_groups_titles_and_seats_resolve(exported: dict[str, Any]) -> None:
    found = {(m["text"], m["actor_id"], m["sector"]) for m in exported["mentions"]}
    assert ("Russian instructors", "state:RUS", "MIL") in found
    assert ("Malian troops", "state:MLI", "MIL") in found
    assert ("Kremlin", "state:RUS", "GOV") in found
    assert ("The Malian minister", "person:abdoulaye-diop", "GOV") in found


def test_the_actors_command_lists_and_shows(exported: dict[str, Any]) -> None:
    listing = _invoke("actors", "--db", str(exported["db"]))
    assert "Sergey Lavrov" in listing and "Mali" in listing
    shown = json.loads(_invoke("actors", "Lavrov", "--db", str(exported["db"]), "--json"))
    text = json.dumps(shown, ensure_ascii=False)
    assert "person:sergey-lavrov" in text and "Foreign Minister" in text


def test_rerunning_ingest_and_annotate_changes_nothing(exported: dict[str, Any]) -> None:
    db, root = exported["db"], exported["root"]
    _invoke("ingest", str(root / "in"), "--db", str(db))
    _invoke("annotate", "--db", str(db), "--redo")
    _invoke("export", "--db", str(db), "--out", str(root / "again"))
    assert _read(root / "again" / "mentions.jsonl") == exported["mentions"]
    assert {a["id"]: a for a in _read(root / "again" / "actors.jsonl")} == exported["actors"]


def test_an_article_that_breaks_the_stage_is_reported_and_the_rest_annotated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_text(SECOND, encoding="utf-8")
    real = annotate_module.resolve_actors

    def flaky(text: str, *args: Any, **kwargs: Any) -> Any:
        if "Bamako" in text:
            raise RuntimeError("boom")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(annotate_module, "resolve_actors", flaky)
    db = tmp_path / "news.db"
    _invoke("ingest", str(tmp_path / "in"), "--db", str(db), "--no-annotate")
    output = _invoke("annotate", "--db", str(db))
    assert "2 article(s)" in output and "1 failed" in output
    errors = json.loads(_invoke("stats", "--db", str(db), "--json"))
    assert "annotation failed" in json.dumps(errors)
