"""``newsgraph bench ingest``: throughput and peak memory of ingestion, beside plain trafilatura.

Figures, not tests: each measured run happens in a fresh process (so its peak memory is its own),
on (1) the benchmark HTML pages in ../shared/benchmarks and (2) a generated corpus of plain-text
dumps. On the HTML, plain ``trafilatura.extract`` over the same pages in the same run is the
reference; newsgraph does more per page (decoding, date rules, cleaning, language, outlet, store
with full-text index), and the ratio says what that costs.
"""

from __future__ import annotations

import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BenchmarkMissing

HTML_SETS = (
    "zyte-article-extraction-benchmark/html",
    "trafilatura-eval/eval",
    "trafilatura-eval/cache",
)


@dataclass(slots=True)
class BenchRow:
    corpus: str
    system: str
    docs: int
    megabytes: float
    seconds: float
    peak_rss_mb: float
    stored: int | None = None

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.megabytes / self.seconds if self.seconds else 0.0


# --- inputs ----------------------------------------------------------------------------------------


def benchmark_html_files(benchmarks: Path, limit: int | None = None) -> list[Path]:
    files: list[Path] = []
    for folder in HTML_SETS:
        files.extend(sorted((benchmarks / folder).glob("*.gz")))
    if not files:
        raise BenchmarkMissing(f"no benchmark HTML under {benchmarks}")
    return files[:limit] if limit else files


_SUBJECTS = (
    "The foreign minister",
    "Officials in Bamako",
    "A government spokesman",
    "The junta",
    "Diplomats in Niamey",
    "The defence ministry",
    "Regional leaders",
    "The ambassador",
)
_VERBS = ("said on Tuesday that", "announced that", "warned that", "confirmed that", "denied that")
_CLAUSES = ("talks on security cooperation would continue next month",
            "a new agreement on military training had been signed",
            "several villages near the border had been attacked overnight",
            "the delegation would travel to Moscow for consultations",
            "aid deliveries had resumed after a two-week pause",
            "the decision to leave the regional bloc was final",
            "troops had been redeployed to the north of the country")  # fmt: skip
_FURNITURE = ("Home | World | Africa | Opinion", "Subscribe to our newsletter", "Follow us on Telegram",
              "Most read", "Advertisement")  # fmt: skip


def generate_text_corpus(folder: Path, count: int, seed: int = 7) -> int:
    """Write ``count`` plain-text dumps of 150-400 words with header and furniture lines."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(count):
        lines = [
            f"date 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(_FURNITURE),
        ]
        lines.append(f"Report {i}: {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)}")
        for _ in range(rng.randint(6, 14)):
            sentences = [
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_CLAUSES)} (item {i}-{rng.randint(0, 10**6)})."
                for _ in range(rng.randint(1, 3))
            ]
            lines.append(" ".join(sentences))
        lines.extend(rng.sample(_FURNITURE, 2))
        data = "\n\n".join(lines).encode("utf-8")
        (folder / f"doc{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


# --- workers (run in their own process) --------------------------------------------------------------


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(mode: str, paths: list[str], db: str | None) -> dict[str, Any]:
    start = time.perf_counter()
    stored = None
    if mode == "newsgraph":
        from .pipeline import ingest
        from .store import Store

        with Store(db or ":memory:") as store:
            summary = ingest(paths, store)
            stored = summary.new + summary.duplicate
    elif mode == "trafilatura":
        import trafilatura

        for path in paths:
            data = Path(path).read_bytes()
            if path.endswith(".gz"):
                data = gzip.decompress(data)
            trafilatura.extract(data, include_comments=False, fast=False)
    elif mode == "read":
        for path in paths:
            data = Path(path).read_bytes()
            if path.endswith(".gz"):
                data = gzip.decompress(data)
            data.decode("utf-8", errors="replace")
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb(), "stored": stored}


def _run_worker(mode: str, paths: list[Path], db: Path | None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"mode": mode, "paths": [str(p) for p in paths], "db": str(db) if db else None}, handle)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "newsgraph.bench", handle.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(handle.name).unlink(missing_ok=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _uncompressed_mb(paths: list[Path]) -> float:
    total = 0
    for path in paths:
        data = path.read_bytes()
        total += len(gzip.decompress(data)) if path.suffix == ".gz" else len(data)
    return total / (1024 * 1024)


def bench_ingest(
    benchmarks: Path | None, *, text_docs: int = 10_000, html_limit: int | None = None
) -> list[BenchRow]:
    """Measure every system on every corpus; return one row per (corpus, system)."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as tmp:
        work = Path(tmp)
        if benchmarks is not None:
            html = benchmark_html_files(benchmarks, html_limit)
            size = _uncompressed_mb(html)
            for system in ("newsgraph", "trafilatura"):
                result = _run_worker(system, html, work / "html.db" if system == "newsgraph" else None)
                label = "newsgraph ingest" if system == "newsgraph" else "trafilatura.extract (reference)"
                rows.append(BenchRow("benchmark HTML", label, len(html), size, result["seconds"],
                                     result["peak_rss_mb"], result["stored"]))  # fmt: skip
        if text_docs:
            folder = work / "text"
            size = generate_text_corpus(folder, text_docs) / (1024 * 1024)
            files = sorted(folder.glob("*.txt"))
            for system, label in (
                ("newsgraph", "newsgraph ingest"),
                ("read", "read and decode only"),
            ):
                result = _run_worker(system, [folder] if system == "newsgraph" else files, work / "text.db")
                rows.append(BenchRow(f"generated text ({text_docs} docs)", label, len(files), size,
                                     result["seconds"], result["peak_rss_mb"], result["stored"]))  # fmt: skip
            reingest = _run_worker("newsgraph", [folder], work / "text.db")
            rows.append(BenchRow(f"generated text ({text_docs} docs)", "newsgraph re-ingest (unchanged)",
                                 len(files), size, reingest["seconds"], reingest["peak_rss_mb"], reingest["stored"]))  # fmt: skip
    return rows


def _main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(_worker(spec["mode"], spec["paths"], spec["db"])))


if __name__ == "__main__":
    _main()
