"""A bounded load test on loopback: a real ``newsgraph serve`` answers 50 concurrent clients for
NEWSGRAPH_LOAD_SECONDS (30 by default) while a ``newsgraph ingest`` writes a hundred new articles
into the same database file. No 5xx, no connection error; the figures (requests, errors, p50,
p95, rows written meanwhile) are printed (``-s``) and written to ``load.json`` in the test's
temporary folder.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import httpx
import pytest

from newsgraph import IngestOptions, Store, ingest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load")]

DEMO = Path(str(resources.files("newsgraph.demo")))
SECONDS = float(os.environ.get("NEWSGRAPH_LOAD_SECONDS", "30"))
CLIENTS = 50

# --- a small generator of news articles (our own sentences, recombined) ---------------------------

_PLACES = ["Bamako", "Niamey", "Ouagadougou", "Gao", "Timbuktu", "Agadez", "Dosso", "Kidal", "Mopti", "Ségou"]
_STATES = ["Mali", "Niger", "Burkina Faso", "Russia", "France", "Algeria", "Benin", "Chad", "Senegal", "Togo"]
_SUBJECTS = ["The transitional government", "The army", "The foreign ministry", "A regional bloc",
             "The ministry of mines", "Opposition politicians", "The national assembly", "Local officials"]  # fmt: skip
_VERBS = ["signed an agreement with", "accused", "met officials from", "suspended cooperation with",
          "announced new talks with", "criticised", "promised aid to", "expelled the ambassador of"]  # fmt: skip
_TOPICS = ["grain deliveries", "a gold refinery", "border security", "military instructors", "fuel subsidies",
           "a railway line", "uranium exports", "radio broadcasts", "school construction", "drought relief"]  # fmt: skip


def generated_article(number: int) -> dict[str, str]:
    """A distinct article: its number is in the title and the text, and its sentences vary."""
    rnd = random.Random(number)
    place, state, other = rnd.choice(_PLACES), rnd.choice(_STATES), rnd.choice(_STATES)
    topic = rnd.choice(_TOPICS)
    sentences = [
        f"{rnd.choice(_SUBJECTS)} of {state} {rnd.choice(_VERBS)} {other} on {rnd.choice(['Monday', 'Tuesday', 'Friday'])} "
        f"over {topic}, officials in {place} said in statement number {number}.",
        f"The talks in {place} followed weeks of tension about {rnd.choice(_TOPICS)}, according to a "
        f"spokesman who asked that his name not be used because he was not allowed to speak to reporters.",
        f"{rnd.choice(_SUBJECTS)} said {rnd.randint(2, 900)} people had been affected and that "
        f"{rnd.choice(_TOPICS)} would be discussed again within {rnd.randint(2, 30)} days.",
        f"Residents of {rnd.choice(_PLACES)} told our correspondent that prices at the market had risen "
        f"by {rnd.randint(5, 60)} percent since the start of the year.",
    ]
    rnd.shuffle(sentences)
    return {
        "title": f"{state} and {other} at odds over {topic} ({number})",
        "text": "\n\n".join(sentences),
        "published": f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        "outlet": rnd.choice(["Sahel Wire", "Northwire", "Continental Ledger"]),
        "url": f"https://load.example/news/{number}",
    }


def write_articles(folder: Path, count: int) -> None:
    """Half as one JSON Lines file, half as plain-text dumps."""
    folder.mkdir(parents=True)
    records = [generated_article(n) for n in range(count)]
    half = count // 2
    lines = "".join(json.dumps(r) + "\n" for r in records[:half])
    (folder / "wire.jsonl").write_text(lines, encoding="utf-8")
    for record in records[half:]:
        dump = f"{record['url']}\nTitle: {record['title']}\nPublished: {record['published']}\n\n{record['text']}\n"
        (folder / f"{record['url'].rsplit('/', 1)[1]}.txt").write_text(dump, encoding="utf-8")


# --- the server ----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited: {server.stdout.read().decode() if server.stdout else ''}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("the server did not come up within 60 s")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _articles(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("select count(*) from articles").fetchone()[0])


def test_fifty_clients_while_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "load.db"
    with Store(db) as store:
        ingest([str(DEMO / "corpus")], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",)))
    new_articles = tmp_path / "new"
    write_articles(new_articles, 100)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    writer: subprocess.Popen[bytes] | None = None
    try:
        _wait_for(f"{base}/api/stories", server)
        first = httpx.get(f"{base}/api/stories", timeout=10)
        assert not any(ch.isdigit() for ch in first.headers.get("server", "")), first.headers.get("server")
        story = first.json()[0]["id"]
        article = httpx.get(f"{base}/api/search?q=Niger", timeout=10).json()["hits"][0]["id"]
        paths = [
            "/", "/?q=Niger", "/?q=Wagner&language=en", "/stories", f"/stories/{story}", f"/articles/{article}",
            "/actors", "/actors/state:RUS", "/events", "/events?actor=RUS", "/network", "/timeline", "/map",
            "/api/search?q=grain", "/api/search?language=fr", "/api/stories?min_outlets=2", f"/api/stories/{story}",
            f"/api/articles/{article}", "/api/actors", "/api/actors/state:MLI", "/api/events?limit=50",
            "/api/map", "/api/network", "/api/timeline?type=ASSAULT", "/static/app.css",
        ]  # fmt: skip
        before = _articles(db)
        writer = subprocess.Popen(
            [sys.executable, "-m", "newsgraph", "ingest", str(new_articles), "--db", str(db), "--quiet", "--json",
             "--outlets", str(DEMO / "outlets.yaml")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        # the clients start once the writer is writing (its first commit), so that the two overlap
        deadline = time.monotonic() + 120
        while _articles(db) == before and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert writer.poll() is None, "the writer finished before the load began: give it more articles"
        at_start = _articles(db)

        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        failures: Counter[str] = Counter()
        lock = threading.Lock()
        stop = time.monotonic() + SECONDS

        def client(number: int) -> None:
            rnd = random.Random(number)
            with httpx.Client(base_url=base, timeout=30) as http:
                while time.monotonic() < stop:
                    path = rnd.choice(paths)
                    started = time.monotonic()
                    try:
                        response = http.get(path)
                        response.read()
                    except httpx.HTTPError as exc:
                        with lock:
                            failures[f"{type(exc).__name__} on {path}"] += 1
                        continue
                    with lock:
                        latencies.append(time.monotonic() - started)
                        statuses[response.status_code] += 1
                        if response.status_code >= 500:
                            failures[f"{response.status_code} on {path}"] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 60)
        elapsed = time.monotonic() - started
        written_during_load = _articles(db) - at_start
        writing_at_end = writer.poll() is None
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode()[-2000:]
        summary = json.loads(out)
        assert server.poll() is None, "the server died during the load"
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
            writer.wait()
        server.terminate()
        server.wait(timeout=10)

    figures = {
        "seconds": round(elapsed, 1),
        "clients": CLIENTS,
        "requests": sum(statuses.values()),
        "requests_per_second": round(sum(statuses.values()) / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "connection_errors": sum(v for k, v in failures.items() if not k[0].isdigit()),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
        "articles_written_before_load": at_start - before,
        "articles_written_during_load": written_during_load,
        "writer_still_writing_at_end": writing_at_end,
        "ingest_new_articles": summary.get("new"),
    }
    (tmp_path / "load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"\nload test: {json.dumps(figures)}")

    assert not failures, dict(failures)
    assert set(statuses) == {200}, statuses
    assert figures["requests"] >= CLIENTS * SECONDS / 10, figures  # the server kept answering
    assert summary["new"] == 100 and summary["failed"] == 0, summary
    # readers never block the writer in WAL mode (a very short run may end between two commits)
    assert written_during_load > 0 or SECONDS < 15, "the writer wrote nothing while the clients read"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from articles").fetchone()[0] == before + 100
