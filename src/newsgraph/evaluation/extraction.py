"""``newsgraph evaluate extraction``: article bodies and publication dates on public benchmarks.

Every page is run through newsgraph's real path (decode, extract, clean: the text ``ingest``
would store) and, in the same run, through plain trafilatura with its evaluation settings, so the
two are compared on the same machine and versions. Published scores of other systems are printed
beside them from ``peers.yaml``; for the Zyte benchmark, whose authors publish each system's raw
output, those outputs are also scored here with the same scorer.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BenchmarkMissing, NewsgraphError
from . import metrics
from .peers import Peer, published_peers

BENCHMARKS = ("zyte", "trafilatura", "wcxb", "daniel", "htmldate")
REFERENCE = "trafilatura (plain, same run)"


@dataclass(slots=True)
class SystemScore:
    system: str
    scores: dict[str, float]
    n: int
    note: str = ""


@dataclass(slots=True)
class BenchmarkReport:
    benchmark: str
    title: str
    metric: str
    ours: list[SystemScore] = field(default_factory=list)
    """newsgraph and the same-run reference."""
    scored_here: list[SystemScore] = field(default_factory=list)
    """Other systems' published outputs, scored by us with the same scorer."""
    published: list[Peer] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Page:
    benchmark: str
    key: str
    path: str
    url: str | None


# --- the systems ---------------------------------------------------------------------------------


@functools.cache
def _context() -> Any:
    from ..article import ArticleContext
    from ..meta.outlets import load_outlets
    from ..options import IngestOptions

    return ArticleContext(options=IngestOptions(min_words=0), outlets=load_outlets())


def newsgraph_article(data: bytes, url: str | None) -> tuple[str, str | None]:
    """(body text, publication date) exactly as ``ingest`` would store them; empty on failure."""
    import hashlib

    from ..article import build_article
    from ..decoding import decode_bytes
    from ..records import RawDocument

    decoded = decode_bytes(data, html=True)
    raw = RawDocument(
        source=url or "benchmark",
        container="file",
        content_type="html",
        content=decoded.text,
        raw_hash=hashlib.sha256(data).hexdigest(),
        url=url,
    )
    try:
        article = build_article(raw, _context())
    except NewsgraphError:
        return "", None
    return article.text, article.published


def trafilatura_text(data: bytes, url: str | None) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            data,
            url=url,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            fast=False,
        )
    except Exception:
        return ""
    return text or ""


def htmldate_dates(data: bytes, url: str | None) -> tuple[str | None, str | None]:
    from htmldate import find_date

    out: list[str | None] = []
    for extensive in (True, False):
        try:
            out.append(find_date(data, extensive_search=extensive, original_date=True, url=url))
        except Exception:
            out.append(None)
    return out[0], out[1]


def _run_page(page: Page, with_reference: bool = True) -> dict[str, Any]:
    data = gzip.decompress(Path(page.path).read_bytes())
    text, date = newsgraph_article(data, page.url)
    if page.benchmark == "htmldate":
        extensive, fast = htmldate_dates(data, page.url) if with_reference else (None, None)
        return {"key": page.key, "newsgraph": date, "extensive": extensive, "fast": fast}
    reference = trafilatura_text(data, page.url) if with_reference else ""
    extensive = htmldate_dates(data, page.url)[0] if with_reference and page.benchmark != "daniel" else None
    return {
        "key": page.key,
        "newsgraph": text,
        "reference": reference,
        "date": date,
        "reference_date": extensive,
    }


@dataclass(slots=True, frozen=True)
class EvalRun:
    """How to run: where the benchmarks are, how many workers, how many pages, which systems."""

    root: Path
    jobs: int = 1
    limit: int | None = None
    with_reference: bool = True


def _run_pages(pages: list[Page], run: EvalRun) -> dict[str, dict[str, Any]]:
    work = functools.partial(_run_page, with_reference=run.with_reference)
    if run.jobs <= 1:
        return {r["key"]: r for r in map(work, pages)}
    with ProcessPoolExecutor(max_workers=run.jobs) as pool:
        return {r["key"]: r for r in pool.map(work, pages, chunksize=4)}


# --- the benchmarks ------------------------------------------------------------------------------


def _date_report(
    benchmark: str, title: str, gold: dict[str, str], results: dict[str, dict[str, Any]], run: EvalRun
) -> BenchmarkReport:
    """Publication dates of a body benchmark whose gold also gives each page's date: a held-out
    check of the date rules, which were developed on the htmldate set."""
    report = BenchmarkReport(benchmark, title, "publication date, exact day (pages with a gold date)")
    systems = [("newsgraph", "date")]
    if run.with_reference:
        systems.append(("htmldate extensive (same run)", "reference_date"))
    for system, field_name in systems:
        counts = metrics.DateCounts()
        for key, day in gold.items():
            counts.add(day, results[key][field_name])
        prf = counts.score()
        scores = {
            "accuracy": prf.accuracy or 0.0,
            "precision": prf.precision,
            "recall": prf.recall,
            "f1": prf.f1,
        }
        report.ours.append(SystemScore(system, scores, len(gold)))
    return report


def _gold_day(value: Any) -> str | None:
    """A gold date reduced to its day, or None when the gold gives none."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    from ..meta.dates import normalise_date

    day = normalise_date(value[:10])
    return day if day and len(day) == 10 else None


def _require(path: Path) -> Path:
    if not path.exists():
        raise BenchmarkMissing(f"benchmark data not found: {path}")
    return path


def _limited(items: list[Any], limit: int | None) -> list[Any]:
    return items[:limit] if limit else items


def evaluate_zyte(run: EvalRun) -> BenchmarkReport:
    base = _require(run.root / "zyte-article-extraction-benchmark")
    gold = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    keys = _limited(sorted(gold), run.limit)
    pages = [Page("zyte", k, str(base / "html" / f"{k}.html.gz"), gold[k].get("url")) for k in keys]
    results = _run_pages(pages, run)
    report = BenchmarkReport("zyte", "Zyte article-extraction-benchmark", "4-gram shingle P/R/F1")

    def score(system: str, outputs: dict[str, str | None], note: str = "") -> SystemScore:
        counts = [metrics.shingle_counts(gold[k]["articleBody"], outputs.get(k)) for k in keys]
        prf = metrics.shingle_score(counts)
        return SystemScore(
            system,
            {
                "f1": prf.f1,
                "precision": prf.precision,
                "recall": prf.recall,
                "accuracy": prf.accuracy or 0.0,
            },
            prf.n,
            note,
        )

    report.ours.append(score("newsgraph", {k: r["newsgraph"] for k, r in results.items()}))
    report.ours.append(score(REFERENCE, {k: r["reference"] for k, r in results.items()}))
    for path in sorted((base / "output").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data.get("version", "") if isinstance(data.get("version"), str) else ""
        outputs = data["output"] if "output" in data and isinstance(data["output"], dict) else data
        texts = {k: (v or {}).get("articleBody") for k, v in outputs.items()}
        report.scored_here.append(score(path.stem, texts, f"published output {version}".strip()))
    report.scored_here.sort(key=lambda s: -s.scores["f1"])
    report.published = published_peers("zyte")
    return report


def evaluate_trafilatura(run: EvalRun) -> list[BenchmarkReport]:
    base = _require(run.root / "trafilatura-eval")
    gold = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    keys = _limited(sorted(gold), run.limit)
    pages = []
    for url in keys:
        name = gold[url]["file"]
        path = base / "cache" / f"{name}.gz"
        if not path.exists():
            path = base / "eval" / f"{name}.gz"
        pages.append(Page("trafilatura", url, str(path), url))
    results = _run_pages(pages, run)
    report = BenchmarkReport("trafilatura", "trafilatura evaluation set", "snippet P/R/F1 (micro)")
    for system, field_name in (("newsgraph", "newsgraph"), (REFERENCE, "reference")):
        total = metrics.SnippetCounts()
        for url in keys:
            total.add(
                metrics.snippet_counts(results[url][field_name], gold[url]["with"], gold[url]["without"])
            )
        prf = metrics.snippet_score(total)
        scores = {
            "f1": prf.f1,
            "precision": prf.precision,
            "recall": prf.recall,
            "accuracy": prf.accuracy or 0.0,
        }
        report.ours.append(SystemScore(system, scores, len(keys)))
    report.published = published_peers("trafilatura")
    days = {url: _gold_day(gold[url].get("date")) for url in keys}
    dated = {url: day for url, day in days.items() if day}
    dates = _date_report(
        "trafilatura_dates", "trafilatura evaluation set, publication dates", dated, results, run
    )
    return [report, dates]


def evaluate_wcxb(run: EvalRun) -> list[BenchmarkReport]:
    base = _require(run.root / "wcxb-test-articles")
    gold: dict[str, dict[str, Any]] = {}
    for path in sorted((base / "ground-truth").glob("*.json")):
        gold[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    keys = _limited(sorted(gold), run.limit)
    pages = [Page("wcxb", k, str(base / "html" / f"{k}.html.gz"), gold[k].get("url")) for k in keys]
    results = _run_pages(pages, run)
    report = BenchmarkReport("wcxb", "WCXB test split, article pages", "word-level F1, mean of pages")
    for system, field_name in (("newsgraph", "newsgraph"), (REFERENCE, "reference")):
        per_page = [
            metrics.bag_of_words(gold[k]["ground_truth"].get("main_content"), results[k][field_name])
            for k in keys
        ]
        prf = metrics.mean_prf(per_page)
        report.ours.append(
            SystemScore(system, {"f1": prf.f1, "precision": prf.precision, "recall": prf.recall}, prf.n)
        )
    report.published = published_peers("wcxb")
    days = {k: _gold_day(gold[k]["ground_truth"].get("publish_date")) for k in keys}
    dated = {k: day for k, day in days.items() if day}
    dates = _date_report("wcxb_dates", "WCXB test articles, publication dates", dated, results, run)
    return [report, dates]


def evaluate_daniel(run: EvalRun) -> list[BenchmarkReport]:
    base = _require(run.root / "daniel-waddle-ru-en")
    languages = json.loads((base / "doc_lg.json").read_text(encoding="utf-8"))
    docs = sorted(p.name.removesuffix(".html.gz") for p in (base / "html").glob("*.html.gz"))
    by_language: dict[str, list[str]] = {}
    for doc in docs:
        by_language.setdefault(languages.get(doc, "unknown"), []).append(doc)
    selected = [doc for lang in sorted(by_language) for doc in _limited(by_language[lang], run.limit)]
    pages = [Page("daniel", d, str(base / "html" / f"{d}.html.gz"), None) for d in selected]
    results = _run_pages(pages, run)
    reports = []
    for language in ("English", "Russian"):
        code = {"English": "en", "Russian": "ru"}[language]
        keys = [d for d in selected if languages.get(d) == language]
        report = BenchmarkReport(
            f"daniel_{code}",
            f"DAnIEL corpus, {language}",
            "CleanEval word alignment F (mean of documents)",
        )
        for system, field_name, splitter in (
            ("newsgraph", "newsgraph", "\n\n"),
            (REFERENCE, "reference", "\n"),
        ):
            per_doc = []
            for doc in keys:
                gold_text = (base / "reference" / f"{doc}.txt").read_text(encoding="utf-8")
                paragraphs = [p for p in (results[doc][field_name] or "").split(splitter) if p.strip()]
                per_doc.append(metrics.cleaneval_prf(gold_text, metrics.as_paragraph_markup(paragraphs)))
            prf = metrics.mean_prf(per_doc)
            report.ours.append(
                SystemScore(system, {"f1": prf.f1, "precision": prf.precision, "recall": prf.recall}, prf.n)
            )
        report.published = published_peers(f"daniel_{code}")
        reports.append(report)
    return reports


def evaluate_htmldate(run: EvalRun) -> BenchmarkReport:
    base = _require(run.root / "htmldate-eval")
    gold: dict[str, Any] = {}
    pages = []
    for name, folders in (
        ("eval_default.json", ("cache", "eval")),
        ("eval_mediacloud_2020.json", ("test_set", "cache", "eval")),
    ):
        entries = json.loads((base / name).read_text(encoding="utf-8"))
        for url in _limited(list(entries), run.limit):
            path = next(
                (
                    base / f / f"{entries[url]['file']}.gz"
                    for f in folders
                    if (base / f / f"{entries[url]['file']}.gz").exists()
                ),
                None,
            )
            if path is None:
                continue
            gold[url] = entries[url]["date"]
            pages.append(Page("htmldate", url, str(path), url))
    results = _run_pages(pages, run)
    report = BenchmarkReport("htmldate", "htmldate evaluation set", "publication date, exact day")
    for system, field_name in (
        ("newsgraph", "newsgraph"),
        ("htmldate extensive (same run)", "extensive"),
        ("htmldate fast (same run)", "fast"),
    ):
        counts = metrics.DateCounts()
        for url in gold:
            counts.add(gold[url], results[url][field_name])
        prf = counts.score()
        report.ours.append(
            SystemScore(
                system,
                {
                    "accuracy": prf.accuracy or 0.0,
                    "precision": prf.precision,
                    "recall": prf.recall,
                    "f1": prf.f1,
                },
                len(gold),
            )
        )
    report.published = published_peers("htmldate")
    return report


RUNNERS: dict[str, Callable[[EvalRun], BenchmarkReport | list[BenchmarkReport]]] = {
    "zyte": evaluate_zyte,
    "trafilatura": evaluate_trafilatura,
    "wcxb": evaluate_wcxb,
    "daniel": evaluate_daniel,
    "htmldate": evaluate_htmldate,
}


def evaluate_extraction(
    benchmarks: Path,
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    limit: int | None = None,
    with_reference: bool = True,
) -> Iterator[BenchmarkReport]:
    """Run the selected benchmarks (all by default), yielding one report per benchmark.

    ``with_reference=False`` skips the same-run reference systems (half the time; CI floors
    only need newsgraph's scores).
    """
    run = EvalRun(Path(benchmarks), jobs or os.cpu_count() or 1, limit, with_reference)
    for name in only or list(BENCHMARKS):
        if name not in RUNNERS:
            raise BenchmarkMissing(f"unknown benchmark {name!r} (known: {', '.join(BENCHMARKS)})")
        result = RUNNERS[name](run)
        yield from result if isinstance(result, list) else [result]
