"""Parquet export of every table (docs/scaling.md): placeholder until it lands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ConfigError


def export_parquet(store: Any, out_dir: Path) -> dict[Path, int]:
    raise ConfigError("the Parquet export is not available yet")
