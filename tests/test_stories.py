"""Stories: grouping rules on synthetic vectors, then the real stage on the demo corpus and the
seeds (real model, real SQLite file), the framing comparison, the commands, and bad input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from newsgraph import IngestOptions, ingest
from newsgraph.cli import app
from newsgraph.kb import load_kb
from newsgraph.store import Store
from newsgraph.stories import embed as embed_module
from newsgraph.stories import stage
from newsgraph.stories.cluster import (
    ClusterParams,
    StoryArticle,
    _headline,
    assign,
    containment,
    shingles,
    story_id_for,
)
from newsgraph.stories.embed import EmbeddingError, from_blob, lead_text, to_blob
from newsgraph.stories.framing import compare_story, mention_label

GOLD: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "demo_expected.yaml").read_text(encoding="utf-8")
)
DEMO = Path(str(resources.files("newsgraph.demo")))
CORPUS = DEMO / "corpus"


def _key(source: str) -> str:
    path, _, member = source.partition("#")
    return f"{Path(path).relative_to(CORPUS).as_posix()}#{member}"


pytestmark = pytest.mark.xdist_group("stories")


# --- the grouping rules, on vectors we control ------------------------------------------------


def _unit(seed: int, base: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vector = rng.normal(size=384) if base is None else base + noise * rng.normal(size=384)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def _article(aid: str, day: str | None, vector: np.ndarray, **kw: Any) -> StoryArticle:
    return StoryArticle(aid, dt.date.fromisoformat(day) if day else None, kw.pop("language", "en"),
                        kw.pop("outlet", None), kw.pop("title", aid), vector, **kw)  # fmt: skip


def test_close_articles_near_in_time_share_a_story_and_far_ones_do_not() -> None:
    topic_a, topic_b = _unit(1), _unit(2)
    articles = [
        _article("a1", "2025-04-03", _unit(10, topic_a, 0.01)),
        _article("a2", "2025-04-04", _unit(11, topic_a, 0.01)),
        _article("b1", "2025-04-03", _unit(12, topic_b, 0.01)),
        _article("a3", "2025-05-20", _unit(13, topic_a, 0.01)),  # same topic, seven weeks later
    ]
    result = {a.article_id: a.story_id for a in assign(articles, []).assignments}
    assert result["a1"] == result["a2"]
    assert len({result["a1"], result["b1"], result["a3"]}) == 3


def test_grouping_does_not_depend_on_input_order_and_ids_come_from_the_founder() -> None:
    topic = _unit(3)
    articles = [_article(f"x{i}", f"2025-06-0{1 + i % 2}", _unit(20 + i, topic, 0.01)) for i in range(6)]
    forward = {a.article_id: a.story_id for a in assign(articles, []).assignments}
    backward = {a.article_id: a.story_id for a in assign(list(reversed(articles)), []).assignments}
    assert forward == backward
    assert set(forward.values()) == {story_id_for("x0")}


def test_a_chain_of_daily_neighbours_does_not_become_one_endless_story() -> None:
    """Each day's article is close to the day before, but the first and the last are far apart."""
    start = _unit(4)
    articles, vector = [], start
    for day in range(20):
        vector = _unit(100 + day, vector, 0.012)
        articles.append(
            _article(f"d{day}", (dt.date(2025, 1, 1) + dt.timedelta(days=day)).isoformat(), vector)
        )
    stories = {a.story_id for a in assign(articles, []).assignments}
    assert len(stories) >= 5


def test_new_articles_join_stored_stories_without_changing_their_ids() -> None:
    topic = _unit(5)
    first = assign([_article("old", "2025-03-11", _unit(30, topic, 0.01))], stories := []).assignments
    later = assign([_article("new", "2025-03-12", _unit(31, topic, 0.01))], stories).assignments
    assert later[0].story_id == first[0].story_id == story_id_for("old")
    assert later[0].score < 1.0


def test_undated_articles_need_a_stronger_match() -> None:
    topic = _unit(6)
    dated = _article("dated", "2025-03-11", _unit(40, topic, 0.008))
    close = _article("close", None, _unit(41, topic, 0.008))
    loose = _article("loose", None, _unit(42, topic, 0.03))
    params = ClusterParams()
    result = {a.article_id: a.story_id for a in assign([dated, close, loose], [], params).assignments}
    assert float(np.dot(loose.vector, dated.vector)) < params.undated_link
    assert result["close"] == result["dated"] != result["loose"]


def test_a_near_copy_is_marked_and_stays_in_the_story() -> None:
    text = "Russia delivered two helicopters and armoured vehicles to Mali on Tuesday, officials said. " * 5
    vector = _unit(7)
    original = _article("orig", "2025-03-11", vector, shingles=shingles(text))
    copy = _article("copy", "2025-03-12", vector, shingles=shingles(text[:300] + " Read more on our site."))
    other = _article("other", "2025-03-11", vector, language="fr", shingles=shingles(text))
    result = {a.article_id: a for a in assign([original, copy, other], []).assignments}
    assert result["copy"].duplicate_of == "orig"
    assert result["copy"].story_id == result["orig"].story_id
    assert result["other"].duplicate_of is None  # another language is a translation, not a copy


def test_shingle_containment_of_unrelated_texts_is_low() -> None:
    a = shingles("The army said it repelled an attack near Anefis on Saturday morning.")
    b = shingles("Niger and Russia signed a memorandum on uranium exploration in Niamey.")
    assert containment(a, b) == 0.0
    assert containment(frozenset(), b) == 0.0


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("MOSCOW, April 3. /TASS/. Russia became the first country to recognise the AES. More.",
         "Russia became the first country to recognise the AES."),
        ("NIAMEY, Oct 12 (Northwire) - Niger blamed foreign sponsors. More.", "Niger blamed foreign sponsors."),
        ("BAMAKO (Reuters) - Mali said it had repelled an attack. More.", "Mali said it had repelled an attack."),
        ("U.S. officials met the E.U. delegation on Monday. More.", "U.S. officials met the E.U. delegation on Monday."),
    ],
)  # fmt: skip
def test_an_untitled_story_is_named_by_its_first_sentence_without_dateline(lead: str, expected: str) -> None:
    assert _headline(lead) == expected


def test_lead_text_is_short_and_does_not_repeat_the_title() -> None:
    body = "Mali's junta took delivery of helicopters. " + "More words follow here. " * 100
    lead = lead_text("Mali gets helicopters", body)
    assert lead.startswith("Mali gets helicopters. Mali's junta")
    assert len(lead) <= 600
    assert lead_text("Same", "Same words open the body") == "Same words open the body"


def test_vectors_round_trip_through_the_store_format_and_bad_blobs_are_refused() -> None:
    vector = _unit(8)
    assert np.allclose(from_blob(to_blob(vector)), vector, atol=1e-3)
    with pytest.raises(EmbeddingError):
        from_blob(b"\x00" * 10)


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Mali's military junta", "en", "military junta"),
        ("Russian mercenaries", "en", "mercenaries"),
        ("des instructeurs russes", "fr", "instructeurs"),
        ("The transitional authorities in Niamey", "en", "transitional authorities"),
        ("Vladimir Putin", "en", "vladimir putin"),
        ("FAMa", "fr", "FAMa"),
    ],
)
def test_mention_labels_drop_the_actors_own_names(text: str, language: str, label: str) -> None:
    assert mention_label(text, load_kb(()), language) == label


# --- the real stage: the demo corpus through ingest ----------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stories") / "demo.db"
    with Store(db) as store:
        summary = ingest([str(CORPUS)], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",)))
        assert summary.failed == 0
        assert summary.stories_new == len({g["story"] for g in GOLD.values() if g.get("story")})
    return db


def _by_gold_key(store: Store) -> dict[str, dict[str, Any]]:
    out = {}
    for source, article_id, story_id, duplicate_of in store.db.execute(
        "select s.source, a.id, a.story_id, a.duplicate_of from article_sources s"
        " join articles a on a.id = s.article_id"
    ):
        key = Path(source).relative_to(CORPUS).as_posix() if "#" not in source else _key(source)
        out[key] = {"id": article_id, "story": story_id, "duplicate_of": duplicate_of}
    return out


def test_the_demo_corpus_forms_exactly_its_gold_stories(demo_db: Path) -> None:
    with Store(demo_db) as store:
        found = _by_gold_key(store)
        assert store.db.execute("select count(*) from articles where story_id is null").fetchone()[0] == 0
    gold = {k: g["story"] for k, g in GOLD.items() if g.get("story") and k in found}
    assert len(gold) >= 30
    for a in gold:
        for b in gold:
            same_gold = gold[a] == gold[b]
            assert (found[a]["story"] == found[b]["story"]) == same_gold, (a, b)


def test_near_duplicates_match_the_gold(demo_db: Path) -> None:
    with Store(demo_db) as store:
        found = _by_gold_key(store)
    marked = {k for k, v in found.items() if v["duplicate_of"]}
    expected = {k for k, g in GOLD.items() if g.get("near_duplicate_of")}
    assert marked == expected
    for key in expected:
        assert found[key]["duplicate_of"] == found[GOLD[key]["near_duplicate_of"]]["id"]


def test_stories_are_exported_with_the_contract_fields(demo_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--db", str(demo_db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in (tmp_path / "stories.jsonl").read_text("utf-8").splitlines()]
    articles = {json.loads(line)["id"]: json.loads(line) for line in
                (tmp_path / "articles.jsonl").read_text("utf-8").splitlines()}  # fmt: skip
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text("utf-8").splitlines()]
    assert len(stories) == 8
    for story in stories:
        assert list(story)[:6] == [
            "id",
            "title",
            "article_ids",
            "first_published",
            "last_published",
            "languages",
        ]
        assert story["title"]
        assert set(story["languages"]) <= {"en", "fr"}
        for article_id in story["article_ids"]:
            assert articles[article_id]["story_id"] == story["id"]
        dates = [articles[a]["published"] for a in story["article_ids"] if articles[a]["published"]]
        assert story["first_published"] == min(dates) and story["last_published"] == max(dates)
    assert events and all(e["story_id"] == articles[e["article_id"]]["story_id"] for e in events)


def test_incremental_ingest_joins_old_stories_and_rerunning_changes_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    later = corpus / "text"  # the plain-text dumps arrive a day later
    held = tmp_path / "later"
    shutil.move(str(later), str(held))
    options = IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
    with Store(tmp_path / "news.db") as store:
        ingest([str(corpus)], store, options)
        before = {r[0]: r[1] for r in store.db.execute("select id, story_id from articles")}
        shutil.move(str(held), str(later))
        summary = ingest([str(corpus)], store, options)
        after = {r[0]: r[1] for r in store.db.execute("select id, story_id from articles")}
        assert summary.stories_joined > 0
        # an old story id stays valid: its own, or (merged by a bridging article) an alias
        assert all(store.resolve_story_id(s) == after[a] for a, s in before.items())
        assert sum(after[a] == s for a, s in before.items()) >= len(before) - 2
        assert len(set(after.values())) == 8
        merged = [s for s in set(before.values()) if s not in set(after.values())]
        for old in merged:
            story = store.story(old)
            assert story is not None and story["id"] == store.resolve_story_id(old)
        again = ingest([str(corpus)], store, options)
        assert (again.new, again.stories_new, again.stories_joined) == (0, 0, 0)
        assert {r[0]: r[1] for r in store.db.execute("select id, story_id from articles")} == after


def _story_with(store: Store, words: str) -> str:
    return next(s["id"] for s in store.stories() if words in (s["title"] or "").casefold())


def test_framing_shows_how_outlets_name_the_same_actors_with_evidence(demo_db: Path) -> None:
    with Store(demo_db) as store:
        framing = compare_story(store, _story_with(store, "ambush"))
        texts = {a["id"]: a["text"] for a in store.iter_articles()}
    assert framing is not None
    outlets = {o["name"]: o for o in framing["outlets"]}
    assert {"Northwire", "Horizon Monde", "Le Courrier du Djoliba"} <= set(outlets)
    assert outlets["Northwire"]["ownership"] == "private" and outlets["Northwire"]["country"] == "GBR"
    fighters = next(c for c in framing["loaded_terms"] if c["concept"] == "foreign fighters")
    assert any("mercenar" in t["term"] for t in fighters["by_outlet"]["Northwire"])
    russia = next(a for a in framing["naming"] if a["actor_id"] == "state:RUS")
    assert any(x["label"] == "mercenaries" for x in russia["by_outlet"]["Northwire"])
    for event in framing["events"]:
        assert set(event["reported_by"]).isdisjoint(event["omitted_by"])
        for seen in event["reported_by"].values():
            ev = seen["evidence"]
            assert texts[seen["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    for markers in framing["markers"].values():
        for item in markers["items"]:
            assert (
                texts[item["article_id"]][item["start"] : item["end"]].casefold().split()
                == item["marker"].split()
            )
    northwire_markers = framing["markers"]["Northwire"]["counts"]
    assert any(k.startswith("attribution: claim") for k in northwire_markers)
    for actor in framing["tone"]:
        for tone in actor["by_outlet"].values():
            assert -1 < tone["tone"] < 1


def test_state_and_private_outlets_frame_the_sanctions_story_differently(demo_db: Path) -> None:
    with Store(demo_db) as store:
        framing = compare_story(store, _story_with(store, "sanctions"))
    assert framing is not None
    terms = {c["concept"]: c["by_outlet"] for c in framing["loaded_terms"]}
    spa = {t["term"] for t in terms["foreign fighters"].get("Sever Press Agency", [])}
    assert any("instructor" in t for t in spa)
    assert not any("mercenar" in t for t in spa)


def test_story_command_prints_a_side_by_side_table_and_json(demo_db: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["stories", "--db", str(demo_db), "--json", "--min-outlets", "3"])
    assert listing.exit_code == 0, listing.output
    stories = json.loads(listing.output)
    assert stories and all(len(s["outlets"]) >= 3 for s in stories)
    table = runner.invoke(app, ["story", stories[0]["id"], "--db", str(demo_db), "--evidence"])
    assert table.exit_code == 0, table.output
    for outlet in stories[0]["outlets"]:
        assert outlet[:10] in table.output
    assert "tone toward" in table.output and "hedges and attribution" in table.output
    as_json = json.loads(
        runner.invoke(app, ["story", stories[0]["id"], "--db", str(demo_db), "--json"]).output
    )
    assert as_json["story"]["id"] == stories[0]["id"]
    missing = runner.invoke(app, ["story", "s-no-such-story", "--db", str(demo_db)])
    assert missing.exit_code == 1 and "no story" in missing.output


# --- the seeds --------------------------------------------------------------------------------


def test_the_seeds_form_the_stories_a_reader_would(tmp_path: Path) -> None:
    from conftest import shared_path

    folder = shared_path("corpora", "seeds")
    with Store(tmp_path / "seeds.db") as store:
        ingest([str(folder)], store)
        story = {Path(s).name[:3]: st for s, st in store.db.execute(
            "select s.source, a.story_id from article_sources s join articles a on a.id = s.article_id")}  # fmt: skip
        titles = [s["title"] for s in store.stories()]
    # the Moscow meeting of the Sahel foreign ministers with Lavrov, told by three outlets
    assert story["000"] == story["001"] == story["002"]
    # the Mali-Russia security talks (RT) and the ambassador's interview are stories of their own
    assert len({story["000"], story["003"], story["004"]}) == 3
    assert all(titles)


# --- bad input --------------------------------------------------------------------------------


def test_when_the_model_fails_articles_stay_ungrouped_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(texts: Any, batch: int = 32) -> Any:
        raise EmbeddingError("cannot load the embedding model: test")

    monkeypatch.setattr(stage, "embed", broken)
    monkeypatch.setattr(embed_module, "embed", broken)  # where the ingest workers embed leads
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps({"title": "Mali", "text": "Mali and Russia signed an agreement on Tuesday "
                                  "in Bamako, the government said, after two days of talks. " * 3}) + "\n")  # fmt: skip
    with Store(tmp_path / "news.db") as store:
        summary = ingest([str(source)], store)
        assert summary.new == 1
        assert any("stories not grouped" in n for n in summary.notes)
        assert store.db.execute("select story_id from articles").fetchone()[0] is None
    monkeypatch.undo()
    with Store(tmp_path / "news.db") as store:  # the next run groups what was left
        assert stage.group_stories(store).articles == 1


def test_hostile_titles_are_printed_escaped_and_odd_articles_are_grouped(tmp_path: Path) -> None:
    hostile = "[bold red]PWNED[/bold red] <script>alert(1)</script> \x1b[31m"
    records = [
        {"title": hostile, "text": "Niger and Benin traded accusations on Sunday after a pipeline blast "
         "near the border, officials in Niamey said. " * 4, "published": "2025-10-12", "outlet": "[link]x[/link]"},
        {"title": None, "text": "word " * 30, "published": "not a date"},
        {"title": "Huge", "text": ("Very long article about the Sahel and its politics. " * 20000)},
    ]  # fmt: skip
    source = tmp_path / "odd.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "odd.db"
    with Store(db) as store:
        summary = ingest([str(source)], store)
        assert summary.new == 3
        assert store.db.execute("select count(*) from articles where story_id is null").fetchone()[0] == 0
        story_id = store.db.execute("select story_id from articles where title like '%PWNED%'").fetchone()[0]
    runner = CliRunner()
    listing = runner.invoke(app, ["stories", "--db", str(db)])
    assert listing.exit_code == 0, listing.output
    shown = runner.invoke(app, ["story", story_id, "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "[bold red]PWNED[/bold red]" in shown.output.replace("\n", "")


def test_story_on_a_database_without_stories_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store(db).close()
    result = CliRunner().invoke(app, ["story", "s123", "--db", str(db)])
    assert result.exit_code == 1 and "no story" in result.output
    assert yaml.safe_load(CliRunner().invoke(app, ["stories", "--db", str(db), "--json"]).output) == []


def test_a_russian_report_joins_the_english_and_french_coverage(demo_db: Path, tmp_path: Path) -> None:
    """Our own Russian text about the demo's helicopter delivery (story E1): the multilingual
    vectors put it with the English and French reports of the same event."""
    db = tmp_path / "demo.db"
    with Store(demo_db) as source, Store(db) as copy:
        source.db.conn.backup(copy.db.conn)
    text = (
        "Россия передала Мали новую партию военной техники: два транспортно-боевых вертолёта и "
        "несколько бронированных машин. Церемония передачи прошла на авиабазе в Бамако в присутствии "
        "министра обороны Мали Садио Камары и посла России. Малийские военные заявили, что вертолёты "
        "позволят быстрее перебрасывать войска на север страны, где продолжаются нападения боевиков. "
        "Переходное правительство Мали благодарит Москву за выполнение своих обязательств."
    )
    record = {"title": "Россия передала Мали вертолёты и бронетехнику", "text": text,
              "published": "2025-03-11", "outlet": "Sever Press Agency"}  # fmt: skip
    source_file = tmp_path / "ru.jsonl"
    source_file.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with Store(db) as store:
        summary = ingest([str(source_file)], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",)))
        assert (summary.new, summary.stories_new, summary.stories_joined) == (1, 0, 1)
        story_id = store.db.execute("select story_id from articles where language = 'ru'").fetchone()[0]
        story = store.story(story_id)
    assert story is not None and "ru" in story["languages"] and {"en", "fr"} <= set(story["languages"])
    assert "helicopter" in (story["title"] or "").casefold()


def test_a_damaged_stored_vector_is_embedded_again(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    with Store(demo_db) as source, Store(db) as copy:
        source.db.conn.backup(copy.db.conn)
    with Store(db) as store:
        before = dict(store.db.execute("select id, story_id from articles").fetchall())
        store.db.execute("update article_vectors set vector = x'00ff' where rowid % 3 = 0")
        store.db.conn.commit()
        summary = stage.group_stories(store, rebuild=True)
        after = dict(store.db.execute("select id, story_id from articles").fetchall())
        assert summary.embedded > 0 and summary.articles == len(before)
        assert len(set(after.values())) == len(set(before.values()))


def test_a_bug_in_the_story_stage_does_not_undo_the_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(stage, "assign", broken)
    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps({"title": "Niger", "text": "Niger and Benin traded accusations on Sunday "
                                  "after a pipeline blast near the border, officials said. " * 3}) + "\n")  # fmt: skip
    with Store(tmp_path / "news.db") as store:
        summary = ingest([str(source)], store)
        assert summary.new == 1 and summary.annotated == 1
        assert any("internal error while grouping stories: RuntimeError: boom" in n for n in summary.notes)
        assert store.article_count() == 1


def test_grouping_a_batch_at_a_time_gives_the_same_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage holds one batch of new articles at a time (bounded memory); batches are taken
    oldest first and each sees the stories the earlier ones made, so the stories are the same."""
    from importlib import resources

    demo = Path(str(resources.files("newsgraph.demo")))
    whole = tmp_path / "whole.db"
    with Store(whole) as store:
        ingest(
            [str(demo / "corpus")], store, IngestOptions(stories=False, outlet_files=(demo / "outlets.yaml",))
        )
    batched = tmp_path / "batched.db"
    shutil.copy(whole, batched)
    partitions = []
    for db, size in ((whole, 1000), (batched, 4)):
        monkeypatch.setattr(stage, "STORY_BATCH", size)
        with Store(db) as store:
            assert stage.group_stories(store).articles > 20
            members: dict[str, list[str]] = {}
            for article, story in store.db.execute("select id, story_id from articles"):
                members.setdefault(story, []).append(article)
        partitions.append(sorted((story, sorted(ids)) for story, ids in members.items()))
    assert partitions[0] == partitions[1]
