"""The dashboard and HTTP API: every page and its JSON twin, downloads, escaping of hostile text,
the token, read-only access while ingest writes, and a real server on loopback."""

from __future__ import annotations

import csv
import http.client
import io
import itertools
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from importlib import resources
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsgraph import IngestOptions, ingest
from newsgraph.cli import app as cli_app
from newsgraph.store import Store
from newsgraph.web.app import create_app

pytestmark = pytest.mark.xdist_group("web")

DEMO = Path(str(resources.files("newsgraph.demo")))
HOSTILE_TITLE = '<script>alert("title")</script> Niger pipeline'
HOSTILE_TEXT = (
    'Niger accused Benin on Sunday <img src=x onerror="alert(1)"> of sheltering the saboteurs of the '
    "pipeline, officials in Niamey said. <script>document.title='pwned'</script> The government of "
    "Niger said the blast near the border was an act of terrorism, and Benin rejected the accusation. "
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "demo.db"
    hostile = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    hostile.write_text(json.dumps({"title": HOSTILE_TITLE, "text": HOSTILE_TEXT * 2, "published": "2025-10-12",
                                   "outlet": "<b onmouseover=alert(2)>Evil Outlet</b>",
                                   "url": "javascript:alert(3)"}) + "\n", encoding="utf-8")  # fmt: skip
    with Store(db) as store:
        ingest(
            [str(DEMO / "corpus"), str(hostile)], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
        )
    return db


@pytest.fixture(scope="module")
def client(demo_db: Path) -> TestClient:
    return TestClient(create_app(demo_db))


def _first(client: TestClient, path: str, key: str = "id") -> Any:
    data = client.get(path).json()
    return (data["hits"] if isinstance(data, dict) else data)[0][key]


def test_every_page_renders_and_its_json_twin_holds_the_same_data(client: TestClient) -> None:
    story_id = _first(client, "/api/stories?min_outlets=3")
    article_id = _first(client, "/api/search?q=uranium")
    pages = ["/", "/?q=Wagner", "/?language=fr", "/stories", f"/stories/{story_id}", f"/articles/{article_id}",
             "/actors", "/actors/state:RUS", "/events", "/events?actor=RUS&type=SANCTION", "/network", "/timeline",
             "/map", "/map?type=ASSAULT"]  # fmt: skip
    for path in pages:
        html = client.get(path)
        assert html.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html")
        api_path = "/api/search" + path[1:] if path.startswith("/?") or path == "/" else "/api" + path
        twin = client.get(api_path)
        assert twin.status_code == 200, api_path
        assert twin.headers["content-type"].startswith("application/json")
    story = client.get(f"/api/stories/{story_id}").json()
    page = client.get(f"/stories/{story_id}").text
    for outlet in story["outlets"]:
        assert str(markupsafe.escape(outlet["name"])) in page
    article = client.get(f"/api/articles/{article_id}").json()
    assert "".join(s["text"] for s in article["segments"]) == article["text"]
    network = client.get("/api/network").json()
    ids = {n["id"] for n in network["nodes"]}
    assert network["edges"] and all(e["source"] in ids and e["target"] in ids for e in network["edges"])
    points = client.get("/api/map").json()
    assert points and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 and p["examples"] for p in points)


def test_search_filters_and_facets(client: TestClient) -> None:
    everything = client.get("/api/search").json()
    french = client.get("/api/search?language=fr").json()
    assert 0 < french["total"] < everything["total"]
    assert all(h["language"] == "fr" for h in french["hits"])
    languages = {f["value"]: f["count"] for f in everything["facets"]["language"]}
    assert languages["fr"] == french["total"]
    by_actor = client.get("/api/search?actor=state:BEN").json()
    assert by_actor["total"] > 0
    hits = client.get('/api/search?q="Africa Corps"').json()
    assert hits["total"] > 0 and any(p["hit"] for h in hits["hits"] for p in h["snippet"])
    assert client.get("/api/search?since=not-a-date").status_code == 422


def test_search_and_events_answer_alike_whichever_filter_drives(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common actor or event type is checked article by article, a rare one is looked up first:
    both plans must give the same hits, totals and events."""
    from newsgraph.web import queries

    asks = [queries.SearchFilters(actor="state:RUS"), queries.SearchFilters(event="ASSAULT"),
            queries.SearchFilters(q="Niger", actor="state:RUS", language="en"), queries.SearchFilters(actor="state:NER", page=2)]  # fmt: skip
    answers = []
    for walk in (True, False):
        monkeypatch.setattr(Store, "walk_in_order", lambda *args, walk=walk, **kwargs: walk)
        with Store(demo_db, readonly=True) as store:
            found = [queries.search(store, ask) for ask in asks]
            events = [
                store.events(actor=a, event=e, limit=500) for a, e in (("RUS", None), ("state:NER", "ACCUSE"))
            ]
            mentions = [store.actor_mentions("state:RUS", limit=7), store.actor_mentions("state:MLI")]
        answers.append(([(s["total"], [h["id"] for h in s["hits"]], s["facets"]) for s in found],
                        [[e["id"] for e in rows] for rows in events], mentions))  # fmt: skip
    assert answers[0] == answers[1]
    assert all(total for total, _, _ in answers[0][0][:3]) and all(answers[0][1])
    assert len(answers[0][2][0]) == 7 and answers[0][2][1]


def test_an_actors_relations_add_up_over_time(client: TestClient) -> None:
    data = client.get("/api/actors/state:RUS").json()
    chart = data["relations_over_time"]
    months = chart["months"]
    assert months and all(len(row["cells"]) == len(months) for row in chart["rows"])
    for earlier, later in itertools.pairwise(months):  # consecutive months, none skipped
        year, month = map(int, earlier.split("-"))
        assert later == (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    for relation, row in zip(data["relations"], chart["rows"], strict=False):
        assert relation["actor_id"] == row["actor_id"]
        assert sum(c["events"] for c in row["cells"]) == sum(
            m["events"] for m in relation["by_month"].values()
        )
        assert sum(m["events"] for m in relation["by_month"].values()) <= relation["events"]


def test_a_broad_search_counts_up_to_a_cap(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.web import queries

    monkeypatch.setattr(queries, "FACET_SAMPLE", 3)
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    with Store(demo_db, readonly=True) as store:
        narrowed = queries.search(store, queries.SearchFilters(language="en"))
        exact = queries.search(store, queries.SearchFilters(q="Niger"))
    assert narrowed["total"] == 5 and narrowed["total_is_lower_bound"]
    assert exact["total"] > 5 and not exact["total_is_lower_bound"]  # the full-text index counts cheaply


def test_lists_download_as_csv_and_jsonl(client: TestClient) -> None:
    for path in ("/api/events", "/api/stories", "/api/actors", "/api/search?q=Niger"):
        sep = "&" if "?" in path else "?"
        as_csv = client.get(f"{path}{sep}format=csv")
        assert as_csv.status_code == 200 and "attachment" in as_csv.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(as_csv.text)))
        lines = client.get(f"{path}{sep}format=jsonl").text.splitlines()
        assert rows and len(rows) == len(lines)
        assert json.loads(lines[0])
    assert client.get("/api/events?format=xml").status_code == 400


def test_hostile_article_text_renders_inert(client: TestClient) -> None:
    article_id = client.get("/api/search?q=saboteurs").json()["hits"][0]["id"]
    for path in (f"/articles/{article_id}", "/?q=saboteurs", "/stories", "/events?outlet=Evil"):
        body = client.get(path).text
        assert "<script>alert" not in body and "<script>document" not in body
        assert "<img src=x" not in body and "<b onmouseover" not in body
        assert 'href="javascript:' not in body
    page = client.get(f"/articles/{article_id}").text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in page or "&lt;script&gt;" in page
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_pages_carry_no_inline_script_or_style(client: TestClient) -> None:
    story_id = _first(client, "/api/stories")
    for path in ("/", "/stories", f"/stories/{story_id}", "/actors/state:RUS", "/events"):
        body = client.get(path).text
        assert "<script>" not in body and " onclick=" not in body and " style=" not in body


def test_unknown_ids_are_404_and_writes_are_refused(client: TestClient) -> None:
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/api/actors/person:nobody").status_code == 404
    assert client.post("/api/search").status_code == 405


def test_a_token_is_required_when_set(demo_db: Path) -> None:
    guarded = TestClient(create_app(demo_db, token="s3cret"))
    assert guarded.get("/api/stories").status_code == 401
    assert guarded.get("/api/stories?token=wrong").status_code == 401
    first = guarded.get("/stories?token=s3cret")
    assert first.status_code == 200
    assert guarded.get("/api/stories").status_code == 200  # the cookie it set
    assert (
        TestClient(create_app(demo_db, token="s3cret"))
        .get("/api/stories", headers={"Authorization": "Bearer s3cret"})
        .status_code
        == 200
    )


def test_serve_refuses_an_open_bind_without_a_token(demo_db: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(demo_db), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--token" in result.output
    missing = CliRunner().invoke(cli_app, ["serve", "--db", str(demo_db.parent / "none.db")])
    assert missing.exit_code == 2


def test_pages_keep_working_while_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    Store(db).close()
    client = TestClient(create_app(db))
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with Store(db) as store:
                ingest([str(DEMO / "corpus")], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",)))
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    statuses = []
    while writer.is_alive():
        statuses += [client.get("/api/search").status_code, client.get("/stories").status_code,
                     client.get("/api/actors").status_code]  # fmt: skip
        time.sleep(0.05)
    writer.join()
    assert not errors
    assert len(statuses) > 4 and set(statuses) == {200}
    assert client.get("/api/search").json()["total"] > 30
    # cached pages are recomputed once the database has changed
    assert len(client.get("/api/actors").json()) > 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_real_server_on_loopback(demo_db: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "serve", "--db", str(demo_db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stories", timeout=2) as response:
                    stories = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not come up")
        assert stories
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/stories/{stories[0]['id']}", timeout=5
        ) as response:
            assert response.status == 200
            assert "how each outlet" in response.read().decode().lower() or stories[0]["id"]
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers.get("server") is None  # no software banner
        # the loopback server answers to loopback names only (DNS rebinding)
        for host, status in ((f"localhost:{port}", 200), ("evil.example", 400), ("[::1]", 200)):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/stories", headers={"Host": host})
            assert connection.getresponse().status == status, host
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
