"""Published scores of other systems, read from ``peers.yaml``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml


@dataclass(slots=True, frozen=True)
class Peer:
    system: str
    scores: dict[str, float]
    source: str = field(default="")


@functools.cache
def _table() -> dict[str, Any]:
    text = resources.files("newsgraph.evaluation").joinpath("peers.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def published_peers(benchmark: str) -> list[Peer]:
    entry = _table().get(benchmark) or {}
    source = str(entry.get("source", ""))
    peers = []
    for row in entry.get("peers") or []:
        scores = {k: float(v) for k, v in row.items() if k != "system"}
        peers.append(Peer(str(row["system"]), scores, source))
    return peers


def peers_source(benchmark: str) -> str:
    return str((_table().get(benchmark) or {}).get("source", ""))
