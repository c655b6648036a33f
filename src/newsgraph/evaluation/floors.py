"""Score floors that CI enforces. They may only rise: see tests/test_floors_only_rise.py."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .extraction import BenchmarkReport


def load_floors() -> dict[str, dict[str, float]]:
    text = resources.files("newsgraph.evaluation").joinpath("floors.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return {k: {m: float(v) for m, v in metrics.items()} for k, metrics in data.items() if k != "_comment"}


def below_floor(report: BenchmarkReport, floors: dict[str, dict[str, float]] | None = None) -> list[str]:
    """Every metric of newsgraph's row in ``report`` that is below its floor, as a sentence."""
    floors = load_floors() if floors is None else floors
    ours = next((row for row in report.ours if row.system == "newsgraph"), None)
    if ours is None:
        return [f"{report.benchmark}: no newsgraph score"]
    problems = []
    for metric, floor in floors.get(report.benchmark, {}).items():
        value = ours.scores.get(metric)
        if value is None or value < floor:
            problems.append(
                f"{report.benchmark} {metric} {value if value is not None else 'missing'} < floor {floor}"
            )
    return problems
