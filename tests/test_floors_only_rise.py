"""CI floors may only rise: every committed version of floors.json must be at or below today's."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from newsgraph.evaluation.floors import load_floors

FLOORS = Path("src/newsgraph/evaluation/floors.json")
ROOT = Path(__file__).resolve().parent.parent


def _history() -> list[tuple[str, dict[str, dict[str, float]]]]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: floor history unavailable")
    commits = subprocess.run(
        ["git", "log", "--format=%H", "--", str(FLOORS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    versions = []
    for commit in commits:
        shown = subprocess.run(
            ["git", "show", f"{commit}:{FLOORS}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            data = json.loads(shown.stdout)
            versions.append((commit[:10], {k: v for k, v in data.items() if k != "_comment"}))
    return versions


def test_no_floor_was_lowered_or_dropped() -> None:
    current = load_floors()
    for commit, floors in _history():
        for benchmark, metrics in floors.items():
            for metric, value in metrics.items():
                assert benchmark in current and metric in current[benchmark], (
                    f"floor {benchmark}.{metric} of {commit} was dropped"
                )
                assert current[benchmark][metric] >= value, (
                    f"floor {benchmark}.{metric} lowered from {value} ({commit}) to {current[benchmark][metric]}"
                )


def test_issue_minimum_floors_are_in_place() -> None:
    floors = load_floors()
    assert floors["zyte"]["f1"] >= 0.95
    assert floors["trafilatura"]["f1"] >= 0.92
    assert floors["htmldate"]["accuracy"] >= 0.90
    assert floors["htmldate"]["precision"] >= 0.92
