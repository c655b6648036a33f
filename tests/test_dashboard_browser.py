"""The dashboard in a real headless Chromium (Debian's ``chromium``, driven by Playwright), served
by a real ``newsgraph serve`` on loopback. Skips, saying why, when either is missing."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from newsgraph import IngestOptions, ingest
from newsgraph.store import Store

pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
DEMO = Path(str(resources.files("newsgraph.demo")))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[dev]')")
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "demo.db"
    hostile = folder / "hostile.jsonl"
    text = (
        'Niger accused Benin <img src=x onerror="alert(1)"> of sheltering saboteurs, officials said. '
        "<script>alert(2)</script> The blast near the border was terrorism, the government said. "
    ) * 3
    hostile.write_text(json.dumps({"title": "<script>alert(3)</script>Pipeline", "text": text,
                                   "published": "2025-10-12"}) + "\n", encoding="utf-8")  # fmt: skip
    with Store(db) as store:
        ingest(
            [str(DEMO / "corpus"), str(hostile)], store, IngestOptions(outlet_files=(DEMO / "outlets.yaml",))
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "serve", "--db", str(db), "--port", str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/stories", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_every_page_renders_without_console_errors(server: str, browser: Any, tmp_path: Path) -> None:
    stories = json.loads(urllib.request.urlopen(server + "/api/stories?min_outlets=3").read())
    article = json.loads(urllib.request.urlopen(server + "/api/search?q=uranium").read())["hits"][0]["id"]
    pages = {"search": "/?q=Wagner", "stories": "/stories", "story": f"/stories/{stories[0]['id']}",
             "article": f"/articles/{article}", "actors": "/actors", "actor": "/actors/state:RUS",
             "events": "/events"}  # fmt: skip
    for name, path in pages.items():
        page, errors = _page(browser)
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        assert page.locator("main h1, main form.search").count() > 0, path
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        assert errors == [], (path, errors)
        page.close()


def test_a_click_leads_from_a_fact_to_its_evidence_sentence(server: str, browser: Any) -> None:
    stories = json.loads(urllib.request.urlopen(server + "/api/stories?min_outlets=3").read())
    page, errors = _page(browser)
    page.goto(f"{server}/stories/{stories[0]['id']}")
    page.locator("td.yes details summary").first.click()
    link = page.locator("td.yes details a.evidence").first
    sentence = link.inner_text().strip("“” ")
    link.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and "#c" in page.url
    lit = page.locator(".text .lit")
    assert lit.count() > 0
    assert " ".join("".join(lit.all_inner_texts()).split()) == " ".join(sentence.split())
    assert errors == []
    page.close()


def test_an_actors_relations_over_time_lead_to_the_months_events(server: str, browser: Any) -> None:
    page, errors = _page(browser)
    page.goto(f"{server}/actors/state:RUS")
    cells = page.locator("svg.heat a rect")
    assert cells.count() > 0 and page.locator("svg.heat text.label").count() > 0
    cells.first.click()
    page.wait_for_load_state()
    assert "/events?actor=state" in page.url and "since=" in page.url
    page.locator("a.evidence").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and page.locator(".text .lit").count() > 0
    assert errors == []
    page.close()


def test_hostile_text_stays_inert_in_the_browser(server: str, browser: Any, tmp_path: Path) -> None:
    """A page of an article whose text holds markup runs none of it (escaped, and the CSP)."""
    hits = json.loads(urllib.request.urlopen(server + "/api/search?q=saboteurs").read())["hits"]
    dialogs: list[str] = []
    for path in (f"/articles/{hits[0]['id']}", "/?q=saboteurs", "/events"):
        page, errors = _page(browser)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server + path)
        assert page.evaluate("document.querySelectorAll('main script, main img, [onerror]').length") == 0
        assert "<script>alert(3)</script>" in page.inner_text("main") or path == "/events"
        assert errors == [], (path, errors)
        page.close()
    assert dialogs == []


def test_network_timeline_and_map_draw(server: str, browser: Any, tmp_path: Path) -> None:
    for view in ("network", "timeline", "map"):
        page, errors = _page(browser)
        page.goto(f"{server}/{view}")
        page.wait_for_selector(f"#{view}[data-drawn]", timeout=20_000)
        assert int(page.get_attribute(f"#{view}", "data-drawn") or 0) > 0, view
        page.screenshot(path=str(tmp_path / f"{view}.png"))
        if view == "network":
            assert page.locator("#network canvas").count() > 0
        if view == "timeline":  # a narrow selection, so that no item hides another
            page.goto(f"{server}/timeline?type=SANCTION")
            page.wait_for_selector("#timeline[data-drawn]", timeout=20_000)
            page.locator(".vis-item.vis-box").first.click()
            link = page.locator(".timeline-detail a.evidence")
            assert link.count() == 1
            link.click()
            page.wait_for_load_state()
            assert "/articles/" in page.url and page.locator(".text .lit").count() > 0
        if view == "map":
            assert page.locator("#map path.leaflet-interactive").count() > 0  # countries and circles
        assert errors == [], (view, errors)
        page.close()
