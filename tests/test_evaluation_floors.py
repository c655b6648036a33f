"""Extraction quality on the public benchmarks, gated by the floors in floors.json.

Runs every benchmark in full (a few minutes on two cores). Floors may only rise: see
test_floors_only_rise.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsgraph.evaluation.actors import evaluate_actors
from newsgraph.evaluation.events import evaluate_events
from newsgraph.evaluation.extraction import evaluate_extraction
from newsgraph.evaluation.floors import below_floor, load_floors
from newsgraph.evaluation.geo import evaluate_geoparsing
from newsgraph.evaluation.stories import evaluate_stories
from newsgraph.evaluation.timex import evaluate_tempeval

pytestmark = [pytest.mark.evaluation, pytest.mark.slow]

OTHER_STAGES = (
    "actors_",
    "events_",
    "tempeval3_",
    "lgl",
    "geowebnews",
    "trnews",
    "semeval2022",
    "fakes",
    "demo_",
)
DEMO_GOLD = Path(__file__).parent / "data" / "demo_expected.yaml"
RUNNERS = sorted({name.split("_")[0] for name in load_floors() if not name.startswith(OTHER_STAGES)})


@pytest.mark.parametrize("runner", RUNNERS)
def test_extraction_scores_hold_their_floors(benchmarks_dir: Path, runner: str) -> None:
    reports = list(evaluate_extraction(benchmarks_dir, only=[runner], jobs=1, with_reference=False))
    floored = [r for r in reports if r.benchmark in load_floors()]
    assert floored, f"no report of {runner} has a floor"
    for report in floored:
        ours = next(r for r in report.ours if r.system == "newsgraph")
        assert ours.n > 0
        assert below_floor(report) == [], ours.scores


def test_actor_attribution_holds_its_floors(benchmarks_dir: Path) -> None:
    reports = list(evaluate_actors(benchmarks_dir))
    assert {r.benchmark for r in reports} == {n for n in load_floors() if n.startswith("actors_")}
    for report in reports:
        ours = next(r for r in report.ours if r.system == "newsgraph")
        assert ours.n > 0
        assert below_floor(report) == [], (report.benchmark, ours.scores)


@pytest.mark.parametrize(
    ("name", "run"),
    [
        ("events", lambda root: evaluate_events(root)),
        ("dates", lambda root: evaluate_tempeval(root)),
        ("places", lambda root: evaluate_geoparsing(root)),
        ("stories", lambda root: evaluate_stories(root, demo_gold=DEMO_GOLD)),
    ],
)
def test_event_stage_scores_hold_their_floors(benchmarks_dir: Path, name: str, run: Any) -> None:
    reports = list(run(benchmarks_dir))
    floored = [r for r in reports if r.benchmark in load_floors()]
    assert len(floored) >= 2, f"{name}: too few reports have floors"
    for report in floored:
        ours = next(r for r in report.ours if r.system == "newsgraph")
        assert ours.n > 0
        assert below_floor(report) == [], (report.benchmark, ours.scores)
