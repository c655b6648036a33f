"""The Spark runner (docs/scaling.md): placeholder until it lands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConfigError


def spark_ingest(
    paths: list[str], store: Any, options: Any, *, master: str = "local[*]", shards: Path | None = None
) -> Any:
    raise ConfigError("the Spark runner is not available yet")
