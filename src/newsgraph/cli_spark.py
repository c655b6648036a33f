"""The Spark runner's command: ``load-shards`` (the Parquet shards of an ``ingest --engine spark``
run into a database, for a run made on a cluster or loaded again).

Registered on the main ``app`` when ``cli`` imports this module; like the rest of the CLI, the
only place that prints. ``ingest --engine spark`` itself lives with ``ingest`` in ``cli``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from .cli import DbOption, JsonOption, _fail, _open_store, _report_ingest, app
from .errors import ConfigError, NewsgraphError
from .spark.load import load_shards, options_from_manifest, read_manifest


@app.command("load-shards")
def load_shards_command(
    shard_dir: Annotated[
        Path,
        typer.Argument(
            help="A Spark run's folder (<db>.shards/<run id>), or its records folder.",
            file_okay=False,
        ),
    ],
    db: DbOption,
    outlets: Annotated[
        list[Path],
        typer.Option("--outlets", help="Extra outlet table (YAML or CSV); default: the run's; repeatable."),
    ] = [],  # noqa: B006 - typer reads the default
    kb: Annotated[
        list[Path],
        typer.Option("--kb", help="Extra knowledge-base file (YAML); default: the run's; repeatable."),
    ] = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Load the Parquet shards of an `ingest --engine spark` run into the database, in input
    order; loading the same shards again changes nothing."""
    try:
        for path in [*outlets, *kb]:
            if not path.is_file():
                raise ConfigError(f"file not found: {path}")
        options = options_from_manifest(read_manifest(shard_dir))
        if outlets:
            options = dataclasses.replace(options, outlet_files=tuple(outlets))
        if kb:
            options = dataclasses.replace(options, kb_files=tuple(kb))
        with _open_store(db) as store:
            summary = load_shards(shard_dir, store, options)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    _report_ingest(summary, as_json)
