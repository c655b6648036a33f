"""The command line: the only place that prints.

Every command turns library errors (``NewsgraphError``) into one line on stderr and an exit
code: 0 success, 1 nothing could be done with the input, 2 bad usage, configuration or database.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import ConfigError, NewsgraphError
from .export import event_record
from .export import export as export_files
from .options import DEFAULT_DOCUMENT_SECONDS, MB, IngestOptions, Limits
from .pipeline import IngestSummary, ingest
from .sources import expand_inputs
from .store import Store
from .store.db import HIT_END, HIT_START

if TYPE_CHECKING:
    from .evaluation.extraction import BenchmarkReport

app = typer.Typer(
    name="newsgraph",
    help="Turn raw, noisy, multi-outlet news into evidence-linked political event data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", help="The newsgraph SQLite file.", dir_okay=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NewsTextsOption = Annotated[
    Path,
    typer.Option(help="Folder holding the public benchmarks (MasakhaNEWS texts are used).", file_okay=False),
]
DocsOption = Annotated[int, typer.Option(help="Articles per language.", min=1)]
RepeatOption = Annotated[int, typer.Option(help="Runs of each measurement; the fastest is kept.", min=1)]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {escape(message)}")
    return typer.Exit(code)


def _open_store(db: Path, *, readonly: bool = False) -> Store:
    try:
        return Store(db, readonly=readonly)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc


def _print_version(value: bool) -> None:
    if value:
        out.print(f"newsgraph {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each skipped input.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _parse_fields(fields: list[str]) -> dict[str, str]:
    mapping = {}
    for item in fields:
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ConfigError(f"--field takes OURS=THEIRS (for example text=body), not {item!r}")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def _build_options(
    outlets: list[Path],
    fields: list[str],
    max_doc_mb: float,
    min_words: int,
    kb: list[Path] | None = None,
    annotate: bool = True,
    max_doc_seconds: float = DEFAULT_DOCUMENT_SECONDS,
) -> IngestOptions:
    for path in [*outlets, *(kb or [])]:
        if not path.is_file():
            raise ConfigError(f"file not found: {path}")
    options = IngestOptions(
        limits=Limits(max_document_bytes=int(max_doc_mb * MB), max_document_seconds=max_doc_seconds),
        outlet_files=tuple(outlets),
        kb_files=tuple(kb or ()),
        min_words=min_words,
        annotate=annotate,
    )
    mapping = _parse_fields(fields)
    unknown = set(mapping) - set(options.jsonl_fields)
    if unknown:
        known = ", ".join(sorted(options.jsonl_fields))
        raise ConfigError(f"unknown field {sorted(unknown)[0]!r} in --field (known: {known})")
    return options.with_jsonl_mapping(mapping) if mapping else options


WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        "-w",
        min=0,
        help="Processes that extract, annotate and embed (one language pipeline each); 0 = one per core.",
    ),
]


def _workers(requested: int) -> int:
    return requested or os.cpu_count() or 1


def _run_ingest(paths: list[str], store: Store, options: IngestOptions, quiet: bool) -> IngestSummary:
    files = sum(1 for item in expand_inputs(paths) if not hasattr(item, "reason"))
    if quiet or (not err.is_terminal and not err.file.isatty()):
        return ingest(paths, store, options)
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[status]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=files, status="")
        done: set[str] = set()

        def on_progress(source: str, summary: IngestSummary) -> None:
            done.add(source)
            bar.update(
                task,
                completed=len(done),
                status=f"{summary.new} new, {summary.duplicate} duplicate, {summary.failed} failed",
            )

        return ingest(paths, store, options, progress=on_progress)


def _print_summary(summary: IngestSummary) -> None:
    out.print(
        f"read {summary.read} document(s) from {summary.files} file(s): {summary.new} new, "
        f"{summary.duplicate} duplicate"
        + (f" ({summary.unchanged} unchanged, not re-extracted)" if summary.unchanged else "")
        + f", {summary.failed} failed, {summary.skipped} skipped, {summary.warnings} warning(s)"
    )
    for title, reasons in (
        ("failed", summary.failures),
        ("skipped", summary.skip_reasons),
        ("warnings", summary.warning_reasons),
    ):
        if reasons:
            out.print(f"{title}:")
            for reason, count in Counter(reasons).most_common():
                out.print(f"  {count} × {escape(reason)}")
    for note in summary.notes[:20]:
        out.print(f"note: {escape(note)}")
    if summary.annotated:
        out.print(
            f"annotated {summary.annotated} article(s): {summary.mentions} actor mention(s), "
            f"{summary.events} event(s), {summary.quotes} quote(s)"
        )
    if summary.stories_new or summary.stories_joined:
        out.print(
            f"stories: {summary.stories_new} new, {summary.stories_joined} article(s) joined a stored story, "
            f"{summary.near_duplicates} near-duplicate(s)"
        )


def _summary_json(summary: IngestSummary) -> dict[str, Any]:
    return {
        "files": summary.files,
        "read": summary.read,
        "new": summary.new,
        "duplicate": summary.duplicate,
        "unchanged": summary.unchanged,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "warnings": summary.warnings,
        "failures": dict(summary.failures),
        "skip_reasons": dict(summary.skip_reasons),
        "warning_reasons": dict(summary.warning_reasons),
        "notes": summary.notes,
        "annotated": summary.annotated,
        "mentions": summary.mentions,
        "events": summary.events,
        "quotes": summary.quotes,
        "stories_new": summary.stories_new,
        "stories_joined": summary.stories_joined,
        "near_duplicates": summary.near_duplicates,
    }


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs; .gz welcome.")],
    db: DbOption,
    outlets: Annotated[
        list[Path], typer.Option("--outlets", help="Extra outlet table (YAML or CSV); repeatable.")
    ] = [],  # noqa: B006 - typer reads the default
    field: Annotated[
        list[str],
        typer.Option("--field", help="JSONL field mapping OURS=THEIRS, e.g. text=body; repeatable."),
    ] = [],  # noqa: B006
    max_doc_mb: Annotated[float, typer.Option(help="Refuse single documents larger than this.")] = 16.0,
    min_words: Annotated[int, typer.Option(help="Refuse articles with fewer words.")] = 25,
    kb: Annotated[
        list[Path], typer.Option("--kb", help="Extra knowledge-base file (YAML); repeatable.")
    ] = [],  # noqa: B006
    annotate: Annotated[
        bool, typer.Option("--annotate/--no-annotate", help="Annotate new articles (actors) after reading.")
    ] = True,
    workers: WorkersOption = 1,
    max_doc_seconds: Annotated[
        float,
        typer.Option(help="Refuse a document whose extraction takes longer than this (0: no limit).", min=0),
    ] = DEFAULT_DOCUMENT_SECONDS,
    engine: Annotated[
        str,
        typer.Option(
            help="local (this machine, --workers processes) or spark (pip install '.[spark]'; docs/scaling.md)."
        ),
    ] = "local",
    spark_master: Annotated[
        str, typer.Option(help="Spark master URL for --engine spark, e.g. local[4] or spark://host:7077.")
    ] = "local[*]",
    shards: Annotated[
        Path | None,
        typer.Option(
            help="Where --engine spark writes its Parquet shards (default: a folder beside the database)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read news files into the database: formats sniffed, duplicates and failures counted."""
    if engine not in ("local", "spark"):
        raise _fail(f"unknown engine {engine!r}: local or spark")
    try:
        options = dataclasses.replace(
            _build_options(outlets, field, max_doc_mb, min_words, kb, annotate, max_doc_seconds),
            workers=_workers(workers),
        )
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    with _open_store(db) as store:
        if engine == "spark":
            from .spark import spark_ingest

            try:
                summary = spark_ingest(paths, store, options, master=spark_master, shards=shards)
            except NewsgraphError as exc:
                raise _fail(exc.reason) from exc
        else:
            summary = _run_ingest(paths, store, options, quiet)
    _report_ingest(summary, as_json)


def _report_ingest(summary: IngestSummary, as_json: bool) -> None:
    """The summary of an ingest (or of loading shards), as a table or JSON; the exit status is
    non-zero only when nothing at all could be read."""
    if as_json:
        out.print_json(data=_summary_json(summary))
    else:
        _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@app.command("annotate")
def annotate_command(
    db: DbOption,
    redo: Annotated[bool, typer.Option("--redo", help="Annotate every article again.")] = False,
    kb: Annotated[
        list[Path], typer.Option("--kb", help="Extra knowledge-base file (YAML); repeatable.")
    ] = [],  # noqa: B006
    workers: WorkersOption = 1,
    as_json: JsonOption = False,
) -> None:
    """Annotate stored articles: sentences and actor mentions (the new ones, or all with --redo)."""
    from .pipeline import annotate_pending
    from .stories.stage import group_stories

    try:
        options = _build_options([], [], 16.0, 25, kb)
        with _open_store(db) as store:
            done = annotate_pending(store, options, redo=redo, workers=_workers(workers))
            grouped = group_stories(store)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(data={"articles": done.articles, "mentions": done.mentions, "roles": done.roles,
                             "parsed": done.parsed, "failed": done.failed, "events": done.events,
                             "quotes": done.quotes, "shared_events": done.shared_events,
                             "stories_new": grouped.new_stories, "stories_joined": grouped.joined})  # fmt: skip
        return
    out.print(
        f"annotated {done.articles} article(s) ({done.parsed} parsed, the rest by the knowledge base alone): "
        f"{done.mentions} actor mention(s), {done.roles} role(s) stated, {done.events} event(s), "
        f"{done.quotes} quote(s); {done.shared_events} event(s) reported by more than one article"
        + (f"; {done.failed} failed (see the errors table)" if done.failed else "")
    )
    if grouped.articles or grouped.error:
        out.print(
            f"stories: {grouped.new_stories} new, {grouped.joined} article(s) joined a stored story"
            if not grouped.error
            else f"stories not grouped: {escape(grouped.error)}"
        )


@app.command("events")
def events_command(
    db: DbOption = Path("newsgraph.db"),
    actor: Annotated[str | None, typer.Option(help="Actor id, code (RUS) or part of a name.")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="PLOVER type, e.g. SANCTION.")] = None,
    since: Annotated[str | None, typer.Option(help="Earliest event date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Latest event date (YYYY[-MM[-DD]]).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Part of the outlet's name.")] = None,
    modality: Annotated[str | None, typer.Option(help="asserted, intended, hypothetical or negated.")] = None,
    limit: Annotated[int, typer.Option(help="Most events to show.", min=1, max=100_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Events, newest first: who did what to whom, when and where, with the sentence that says so."""
    for name, value in (("--since", since), ("--until", until)):
        if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise _fail(f"{name} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    with _open_store(db, readonly=True) as store:
        if "events" not in store.db.table_names():
            raise _fail("this database has no events yet: run newsgraph annotate")
        rows = store.events(actor=actor, event=event_type, since=since, until=until, outlet=outlet,
                            modality=modality, limit=limit)  # fmt: skip
    records = [event_record(row) for row in rows]
    if as_json:
        out.print_json(data=records)
        return
    if not records:
        out.print("no events match")
        return
    for record in records:
        parties = " → ".join(
            ", ".join(p.get("code") or p.get("text") or "?" for p in record[side]) or "?"
            for side in ("actor", "recipient")
        )
        flags = [record["modality"]] if record["modality"] != "asserted" else []
        if record["attributed_to"]:
            flags.append(f"claimed by {record['attributed_to']}")
        flags += record["hedges"]
        where = record["location"]["name"] if record["location"] else ""
        head = " · ".join(x for x in (record["date"] or "undated", record["event"], parties, where) if x)
        out.print(
            f"[bold]{escape(head)}[/bold]"
            + (f"  [yellow]{escape('; '.join(flags))}[/yellow]" if flags else "")
        )
        source = " · ".join(str(x) for x in (record["outlet"] or "?", record["article_id"]) if x)
        out.print(f"  “{escape(record['evidence']['text'])}”  [dim]{escape(source)}; reported by "
                  f"{record['reported_by']} outlet(s)[/dim]")  # fmt: skip


@app.command("actors")
def actors_command(
    name: Annotated[str | None, typer.Argument(help="Name, alias, id or code to look up.")] = None,
    db: DbOption = Path("newsgraph.db"),
    limit: Annotated[int, typer.Option(help="Most actors to list.", min=1, max=10_000)] = 30,
    as_json: JsonOption = False,
) -> None:
    """List actors by mentions, or show one: roles with their evidence, aliases, where mentioned."""
    with _open_store(db, readonly=True) as store:
        if "actors" not in store.db.table_names():
            raise _fail("this database has no annotations yet: run newsgraph annotate")
        exact = store.actor(name) if name else None
        found = [exact] if exact else store.find_actors(name, limit=limit)
        if name and len(found) == 1:
            actor = found[0]
            detail = {
                **actor,
                "roles": store.actor_roles(actor["id"]),
                "articles": store.actor_mentions(actor["id"]),
            }
            if as_json:
                out.print_json(data=detail)
            else:
                _print_actor(detail)
            return
    if as_json:
        out.print_json(data=found)
        return
    if not found:
        out.print("no such actor" if name else "no actors")
        return
    table = Table(box=None, pad_edge=False)
    columns = ("id", "name", "kind", "country", "sector", "mentions", "articles")
    for column in columns:
        table.add_column(column, justify="right" if column in ("mentions", "articles") else "left")
    for row in found:
        table.add_row(*(escape(str(row.get(c) if row.get(c) is not None else "")) for c in columns))
    out.print(table)


def _print_actor(actor: dict[str, Any]) -> None:
    out.print(
        f"[bold]{escape(actor['name'])}[/bold]  [dim]{escape(actor['id'])} · {escape(actor['kind'])}[/dim]"
    )
    facts = ", ".join(f"{k} {actor[k]}" for k in ("code", "country", "sector") if actor.get(k))
    if facts:
        out.print(escape(facts))
    if actor.get("aliases"):
        out.print("aliases: " + escape("; ".join(actor["aliases"])))
    if actor["roles"]:
        out.print("[bold]roles stated in the articles[/bold]")
        for role in actor["roles"]:
            where = " · ".join(
                str(x) for x in (role["published"] or "undated", role["outlet"] or "?", role["article_id"])
            )
            place = ", ".join(x for x in (role["country"], role["organization"]) if x)
            suffix = f" ({escape(place)})" if place else ""
            out.print(f"  {escape(role['title'])}{suffix}  [dim]{escape(where)}[/dim]")
            out.print(f"    “{escape(role['evidence'])}”")
    out.print(f"[bold]mentioned in {len(actor['articles'])} article(s)[/bold]")
    for row in actor["articles"][:20]:
        head = " · ".join(
            str(x) for x in (row["published"] or "undated", row["outlet"] or "?", row["article_id"])
        )
        title = escape(row["title"] or "(untitled)")
        out.print(f"  {row['mentions']}× “{escape(row['text'])}” in {title}  [dim]{escape(head)}[/dim]")


@app.command("export")
def export_command(
    db: DbOption,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the exported files.", file_okay=False)],
    format: Annotated[
        str,
        typer.Option(
            "--format", help="jsonl (the contract's files) or parquet (every table, docs/scaling.md)."
        ),
    ] = "jsonl",
) -> None:
    """Write articles, actors, mentions, events, quotes and stories as JSONL files (or every
    table as Parquet)."""
    if format not in ("jsonl", "parquet"):
        raise _fail(f"unknown format {format!r}: jsonl or parquet")
    with _open_store(db, readonly=True) as store:
        if format == "parquet":
            from .export_parquet import export_parquet

            try:
                written = export_parquet(store, out_dir)
            except NewsgraphError as exc:
                raise _fail(exc.reason) from exc
            for path, count in written.items():
                out.print(f"{path}: {count} row(s)")
            return
        counts = export_files(store, out_dir)
    for name, count in counts.items():
        out.print(f"{out_dir / (name + '.jsonl')}: {count} record(s)")


def _marked(snippet: str) -> str:
    flat = " ¶ ".join(part.strip() for part in snippet.split("\n\n"))
    return escape(flat).replace(HIT_START, "[bold yellow]").replace(HIT_END, "[/bold yellow]")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words (all must match), "quoted phrases", prefix*.')],
    db: DbOption,
    limit: Annotated[int, typer.Option(help="Most results to show.", min=1, max=10_000)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over article titles and bodies."""
    with _open_store(db, readonly=True) as store:
        try:
            hits = store.search(query, limit=limit)
        except NewsgraphError as exc:
            raise _fail(exc.reason) from exc
    if as_json:
        rows = [
            {**hit.__dict__, "snippet": hit.snippet.replace(HIT_START, "").replace(HIT_END, "")}
            for hit in hits
        ]
        out.print_json(data=rows)
        return
    if not hits:
        out.print("no matches")
        return
    for hit in hits:
        head = " · ".join(
            escape(x) for x in (hit.published or "undated", hit.outlet or "unknown outlet", hit.id)
        )
        out.print(f"[bold]{escape(hit.title or '(untitled)')}[/bold]  [dim]{head}[/dim]")
        out.print(f"  {_marked(hit.snippet)}")


@app.command("doctor")
def doctor_command(db: DbOption, as_json: JsonOption = False) -> None:
    """Check a database: SQLite integrity, schema version, full-text index, orphan records, work
    waiting. Reads only; exits 1 when something is damaged."""
    from .doctor import examine

    with _open_store(db, readonly=True) as store:
        report = examine(store)
    if as_json:
        out.print_json(data=report.to_dict())
    else:
        for check in report.checks:
            mark = (
                "[green]  ok[/green]"
                if check.ok
                else ("[yellow]note[/yellow]" if check.warning else "[red]FAIL[/red]")
            )
            fix = f"  → {escape(check.fix)}" if check.fix and not check.ok else ""
            out.print(f"{mark}  {escape(check.name)}: {escape(check.detail)}{fix}")
        out.print("rows: " + ", ".join(f"{name} {count:,}" for name, count in report.counts.items()))
        out.print("healthy" if report.ok else "[red]damaged: see FAIL above[/red]")
    if not report.ok:
        raise typer.Exit(1)


@app.command("stats")
def stats_command(db: DbOption, as_json: JsonOption = False) -> None:
    """Counts by outlet, language and format, date range, and problems by reason."""
    with _open_store(db, readonly=True) as store:
        stats = store.stats()
    if as_json:
        out.print_json(data=stats)
        return
    out.print(
        f"{stats['articles']} article(s) from {stats['sources']} input(s), {stats['words']} words; "
        f"dated {stats['with_date']}, outlet known {stats['with_outlet']}; "
        f"published {stats['first_published'] or '?'} … {stats['last_published'] or '?'}"
    )
    for title, key in (("outlet", "outlets"), ("language", "languages"), ("format", "containers")):
        table = Table(title=None, show_header=True, box=None, pad_edge=False)
        table.add_column(title)
        table.add_column("articles", justify="right")
        for value, count in stats[key]:
            table.add_row(escape(str(value) if value is not None else "(unknown)"), str(count))
        out.print(table)
    if stats["problems"]:
        table = Table(show_header=True, box=None, pad_edge=False)
        table.add_column("severity")
        table.add_column("reason")
        table.add_column("inputs", justify="right")
        for problem in stats["problems"]:
            table.add_row(problem["severity"], escape(problem["reason"]), str(problem["count"]))
        out.print(table)


@app.command("demo")
def demo_command(
    db: Annotated[Path, typer.Option("--db", help="Database to create.", dir_okay=False)] = Path(
        "newsgraph-demo.db"
    ),
    out_dir: Annotated[Path, typer.Option("--out", help="Where to export.", file_okay=False)] = Path(
        "demo-export"
    ),
) -> None:
    """Run the main job on the built-in demo corpus: ingest, summary, search, actors, events,
    stories and how each outlet tells one, export."""
    corpus = resources.files("newsgraph.demo")
    with resources.as_file(corpus) as demo_dir:
        options = IngestOptions(outlet_files=(Path(demo_dir) / "outlets.yaml",))
        out.rule("ingest: the demo corpus (30-odd articles, every supported format)")
        with _open_store(db) as store:
            summary = _run_ingest([str(Path(demo_dir) / "corpus")], store, options, quiet=False)
            _print_summary(summary)
            out.rule("stats")
    stats_command(db)
    out.rule('search: "Wagner"')
    search_command("Wagner", db, limit=5)
    out.rule("actors: the most mentioned")
    actors_command(None, db, limit=10)
    out.rule("actor: Sergey Lavrov (roles learned from the text, with their evidence)")
    actors_command("person:sergey-lavrov", db)
    out.rule("events involving Russia (who did what to whom, with the sentence behind each)")
    events_command(db, actor="RUS", event_type=None, since=None, until=None, outlet=None, modality=None,
                   limit=8)  # fmt: skip
    from .cli_stories import stories_command, story_command

    out.rule("stories: the same event across outlets and languages")
    stories_command(db, min_outlets=2, limit=20, rebuild=False, as_json=False)
    with _open_store(db, readonly=True) as store:
        widest = max(store.stories(), key=lambda s: (len(s["outlets"]), s["id"]), default=None)
    if widest is not None:
        out.rule("story: how each outlet tells the most widely covered one")
        story_command(widest["id"], db, evidence=False, as_json=False)
    out.rule("export")
    export_command(db, out_dir)
    out.print(
        f"\nNext: newsgraph search QUERY --db {db}   ·   newsgraph actors [NAME] --db {db}   ·   "
        f"newsgraph events --actor RUS --type SANCTION --db {db}   ·   newsgraph stats --db {db}"
    )
    if not summary.ok:
        raise typer.Exit(1)


evaluate_app = typer.Typer(
    help="Score a stage on the public benchmarks, beside published peers.", no_args_is_help=True
)
app.add_typer(evaluate_app, name="evaluate")

_METRIC_ORDER = ("f1", "precision", "recall", "accuracy")


def _score_cells(scores: dict[str, float], metrics: Sequence[str] = _METRIC_ORDER) -> list[str]:
    return [f"{scores[m]:.3f}" if m in scores else "" for m in metrics]


def _metrics_of(report: Any) -> list[str]:
    """The usual metrics first, then whatever else the report's rows score (accuracy within
    161 km, modality accuracy, ...), so that no figure goes unprinted."""
    seen = {m for row in [*report.ours, *report.scored_here, *report.published] for m in row.scores}
    return [m for m in _METRIC_ORDER if m in seen] + sorted(seen - set(_METRIC_ORDER))


def _print_report(report: Any, floors: dict[str, dict[str, float]]) -> None:
    from .evaluation.peers import peers_source

    table = Table(title=f"{report.title} — {report.metric}", title_justify="left", show_lines=False)
    table.add_column("system")
    metrics = _metrics_of(report)
    for metric in metrics:
        table.add_column(metric, justify="right")
    table.add_column("n", justify="right")
    table.add_column("note")
    for row in report.ours:
        style = "bold" if row.system == "newsgraph" else None
        table.add_row(
            escape(row.system), *_score_cells(row.scores, metrics), str(row.n), escape(row.note), style=style
        )
    for row in report.scored_here:
        table.add_row(
            escape(row.system), *_score_cells(row.scores, metrics), str(row.n), escape(row.note), style="dim"
        )
    for peer in report.published:
        table.add_row(escape(peer.system), *_score_cells(peer.scores, metrics), "", "published", style="dim")
    out.print(table)
    source = peers_source(report.benchmark) or next((p.source for p in report.published if p.source), "")
    if source:
        out.print(f"[dim]published figures: {escape(source)}[/dim]")
    for metric, floor in floors.get(report.benchmark, {}).items():
        ours = next(r for r in report.ours if r.system == "newsgraph").scores.get(metric, 0.0)
        verdict = "[green]ok[/green]" if ours >= floor else "[red]BELOW FLOOR[/red]"
        out.print(f"CI floor {metric} ≥ {floor}: {ours:.4f} {verdict}")
    out.print()


@evaluate_app.command("extraction")
def evaluate_extraction_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    only: Annotated[
        list[str],
        typer.Option("--only", help="zyte, trafilatura, wcxb, daniel, htmldate; repeatable."),
    ] = [],  # noqa: B006
    jobs: Annotated[int, typer.Option(help="Worker processes (0: one per core).", min=0)] = 0,
    limit: Annotated[int, typer.Option(help="At most this many pages per benchmark (0: all).", min=0)] = 0,
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Article bodies and publication dates: Zyte, trafilatura's set, WCXB, DAnIEL, htmldate."""
    from .evaluation.extraction import evaluate_extraction

    reports = evaluate_extraction(benchmarks, only=only or None, jobs=jobs or None, limit=limit or None)
    _report_evaluation(reports, as_json=as_json, check_floors=check_floors, partial=limit > 0)


def _report_evaluation(
    reports: Iterable[BenchmarkReport], *, as_json: bool, check_floors: bool, partial: bool = False
) -> None:
    """Print each report as it comes (or all as JSON), then enforce the floors if asked; floors
    are not checked on partial runs."""
    import dataclasses

    from .evaluation.floors import below_floor, load_floors

    floors = load_floors()
    problems: list[str] = []
    done = []
    try:
        for report in reports:
            done.append(report)
            if not partial:
                problems.extend(below_floor(report, floors))
            if not as_json:
                _print_report(report, floors)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(data=[dataclasses.asdict(r) for r in done])
    if check_floors and problems:
        for problem in problems:
            err.print(f"below floor: {escape(problem)}")
        raise typer.Exit(1)


@evaluate_app.command("actors")
def evaluate_actors_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    only: Annotated[list[str], typer.Option("--only", help="plover, petr2, french; repeatable.")] = [],  # noqa: B006
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Actor attribution (code and sector): PLOVER gold records, PETR2 GSR validation, our French gold."""
    from .evaluation.actors import evaluate_actors

    reports = evaluate_actors(benchmarks, only=only or None)
    _report_evaluation(reports, as_json=as_json, check_floors=check_floors)


@evaluate_app.command("events")
def evaluate_events_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    only: Annotated[
        list[str], typer.Option("--only", help="plover, petr2, case, french, modality; repeatable.")
    ] = [],  # noqa: B006
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Event coding: PLOVER gold (type accuracy, actor/recipient F1), PETR2 (CAMEO roots), CASE-2021, our gold."""
    from .evaluation.events import evaluate_events

    reports = evaluate_events(benchmarks, only=only or None)
    _report_evaluation(reports, as_json=as_json, check_floors=check_floors)


@evaluate_app.command("dates")
def evaluate_dates_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Event dates: TempEval-3 DATE value accuracy against the document creation time."""
    from .evaluation.timex import evaluate_tempeval

    _report_evaluation(evaluate_tempeval(benchmarks), as_json=as_json, check_floors=check_floors)


@evaluate_app.command("places")
def evaluate_places_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    limit: Annotated[int, typer.Option(help="Articles per corpus (0: all).", min=0)] = 0,
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Places: toponym resolution on LGL, GeoWebNews and TR-News (country, within 161 km)."""
    from .evaluation.geo import evaluate_geoparsing

    reports = evaluate_geoparsing(benchmarks, limit=limit or None)
    _report_evaluation(reports, as_json=as_json, check_floors=check_floors)


@evaluate_app.command("stories")
def evaluate_stories_command(
    benchmarks: Annotated[
        Path, typer.Option(help="Folder holding the public benchmarks.", file_okay=False)
    ] = Path("../shared/benchmarks"),
    demo_gold: Annotated[
        Path, typer.Option(help="Story gold of the demo corpus (a checkout's tests/data); skipped if absent.")
    ] = Path("tests/data/demo_expected.yaml"),
    annotate: Annotated[
        bool, typer.Option("--annotate/--no-annotate", help="Annotate FA-KES first (actors join the score).")
    ] = True,
    as_json: JsonOption = False,
    check_floors: Annotated[bool, typer.Option(help="Exit 1 if a score is below its CI floor.")] = False,
) -> None:
    """Stories: SemEval-2022 Task 8 pair similarity, FA-KES and demo-corpus grouping."""
    from .evaluation.stories import evaluate_stories

    reports = evaluate_stories(
        benchmarks, demo_gold=demo_gold if demo_gold.is_file() else None, annotate=annotate
    )
    _report_evaluation(reports, as_json=as_json, check_floors=check_floors)


bench_app = typer.Typer(help="Speed and memory figures (printed, never asserted).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("events")
def bench_events_command(
    benchmarks: NewsTextsOption = Path("../shared/benchmarks"),
    docs: DocsOption = 100,
    repeat: RepeatOption = 2,
    as_json: JsonOption = False,
) -> None:
    """Words/s of the whole pipeline (ingest → events) beside a bare nlp.pipe of the same texts."""
    import dataclasses

    from .bench_events import bench_events

    try:
        load_seconds, rows = bench_events(benchmarks, docs=docs, repeat=repeat)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(data={"load_seconds": load_seconds, "rows": [
            {**dataclasses.asdict(r), "pipeline_words_per_second": r.pipeline_words_per_second,
             "annotate_words_per_second": r.annotate_words_per_second,
             "parse_words_per_second": r.parse_words_per_second, "ratio": r.ratio,
             "annotate_ratio": r.annotate_ratio} for r in rows]})  # fmt: skip
        return
    out.print(f"knowledge base and models loaded in {load_seconds:.1f} s (once per process)")
    table = Table(box=None, pad_edge=False)
    columns = ("language", "docs", "words", "events", "bare parse words/s", "annotate words/s",
               "pipeline words/s", "pipeline / bare", "peak MB (traced)", "process peak MB")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "language" else "right")
    for r in rows:
        table.add_row(r.language, str(r.docs), f"{r.words:,}", str(r.events), f"{r.parse_words_per_second:,.0f}",
                      f"{r.annotate_words_per_second:,.0f}", f"{r.pipeline_words_per_second:,.0f}",
                      f"{r.ratio:.2f}×", f"{r.pipeline_traced_mb:,.0f}", f"{r.peak_rss_mb:,.0f}")  # fmt: skip
    out.print(table)


@bench_app.command("actors")
def bench_actors_command(
    benchmarks: NewsTextsOption = Path("../shared/benchmarks"),
    docs: DocsOption = 100,
    repeat: RepeatOption = 2,
    as_json: JsonOption = False,
) -> None:
    """Words/s of the whole actor stage beside a bare nlp.pipe of the same model on the same texts."""
    from .bench_actors import bench_actors

    try:
        kb_seconds, rows = bench_actors(benchmarks, docs=docs, repeat=repeat)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(data={"kb_load_seconds": kb_seconds, "languages": [
            {**r.__dict__, "parse_words_per_second": r.parse_words_per_second,
             "stage_words_per_second": r.stage_words_per_second, "ratio": r.ratio} for r in rows]})  # fmt: skip
        return
    table = Table(title="actor stage against the bare parse (one process)", title_justify="left")
    for column in ("language", "docs", "words", "bare parse s", "actor stage s", "parse words/s",
                   "stage words/s", "mentions", "time ratio"):  # fmt: skip
        table.add_column(column, justify="left" if column == "language" else "right")
    for r in rows:
        table.add_row(r.language, str(r.docs), str(r.words), f"{r.parse_seconds:.2f}", f"{r.stage_seconds:.2f}",
                      f"{r.parse_words_per_second:,.0f}", f"{r.stage_words_per_second:,.0f}", str(r.mentions),
                      f"{r.ratio:.2f}×")  # fmt: skip
    out.print(table)
    out.print(f"knowledge base load (once per process): {kb_seconds:.2f} s; target: time ratio ≤ 1.3×")


@bench_app.command("stories")
def bench_stories_command(
    benchmarks: NewsTextsOption = Path("../shared/benchmarks"),
    docs: DocsOption = 100,
    repeat: RepeatOption = 2,
    as_json: JsonOption = False,
) -> None:
    """Articles/s of the story stage (vectors, shingles, grouping) beside the bare embedding model."""
    import dataclasses

    from .bench_stories import bench_stories

    try:
        row = bench_stories(benchmarks, docs=docs, repeat=repeat)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(data={**dataclasses.asdict(row), "articles_per_second": row.articles_per_second,
                             "ratio": row.ratio})  # fmt: skip
        return
    out.print(
        f"{row.articles} articles (MasakhaNEWS en + fr) → {row.stories} stories\n"
        f"story stage in memory: {row.stage_seconds:.2f} s ({row.articles_per_second:.1f} articles/s)\n"
        f"  of which grouping alone: {row.grouping_seconds:.3f} s\n"
        f"bare model on the same leads: {row.model_seconds:.2f} s\n"
        f"ratio stage / bare model: {row.ratio:.2f}×   peak RSS: {row.peak_rss_mb:.0f} MB"
    )


@bench_app.command("scale")
def bench_scale_command(
    docs: Annotated[
        int, typer.Option(help="Documents in the scaling, Spark and re-ingest runs.", min=10)
    ] = 400,
    workers: Annotated[
        int, typer.Option(help="Workers (and Spark local[N]) to compare with one.", min=2)
    ] = 2,
    memory_sizes: Annotated[
        str, typer.Option(help="Corpus sizes for the memory runs, comma-separated.")
    ] = "1000,5000",
    memory_stage: Annotated[
        str, typer.Option(help="pipeline (everything) or extract (no annotation) for the memory runs.")
    ] = "pipeline",
    spark: Annotated[bool, typer.Option("--spark/--no-spark", help="Include Spark when installed.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Docs/s with 1 and N workers (scaling efficiency), Spark local[N] against the local runner,
    re-ingest cost, and peak memory as the corpus grows."""
    from .bench_scale import bench_scale

    try:
        sizes = tuple(int(s) for s in memory_sizes.split(",") if s.strip())
    except ValueError as exc:
        raise _fail(f"--memory-sizes wants numbers separated by commas: {memory_sizes!r}") from exc
    if memory_stage not in ("pipeline", "extract"):
        raise _fail("--memory-stage is pipeline or extract")
    try:
        runs = bench_scale(docs=docs, workers=workers, memory_sizes=sizes,
                           memory_annotate=memory_stage == "pipeline", spark=spark)  # fmt: skip
    except RuntimeError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        out.print_json(data=[run.to_dict() for run in runs])
        return
    table = Table(title=f"ingest at scale ({os.cpu_count()} cores here)")
    for column in (
        "run",
        "docs",
        "seconds",
        "docs/s",
        "docs/s per worker",
        "owner peak MB",
        "worker peak MB",
    ):
        table.add_column(column, justify="left" if column == "run" else "right")
    for run in runs:
        table.add_row(run.label, f"{run.docs:,}", f"{run.seconds:.1f}", f"{run.docs_per_second:.2f}",
                      f"{run.docs_per_second / run.workers:.2f}", f"{run.owner_peak_mb:.0f}",
                      f"{run.worker_peak_mb:.0f}")  # fmt: skip
    out.print(table)
    by_label = {run.label: run for run in runs}
    one, many = by_label["1 worker"], by_label[f"{workers} workers"]
    efficiency = many.docs_per_second / (workers * one.docs_per_second)
    out.print(f"scaling efficiency with {workers} workers: {efficiency:.0%} (target ≥ 80 %)")
    again = by_label["re-ingest, unchanged"]
    out.print(
        f"re-ingest of the stored corpus: {again.seconds / many.seconds:.1%} of the first ingest (target ≤ 5 %)"
    )
    if (spark_run := by_label.get(f"spark local[{workers}]")) is not None:
        out.print(
            f"spark local[{workers}] / local runner with {workers} workers: {spark_run.seconds / many.seconds:.2f}× the time"
        )
    memory = [run for run in runs if "docs," in run.label]
    if len(memory) >= 2:
        first, last = memory[0], memory[-1]
        out.print(
            f"peak memory from {first.docs:,} to {last.docs:,} docs: owner {last.owner_peak_mb / first.owner_peak_mb:.2f}×, "
            f"largest worker {last.worker_peak_mb / max(first.worker_peak_mb, 1):.2f}×"
        )


@bench_app.command("serve")
def bench_serve_command(
    articles: Annotated[int, typer.Option(help="Articles in the generated database.", min=32)] = 100_000,
    repeat: Annotated[int, typer.Option(help="Calls of each route.", min=1)] = 20,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Use (or keep) this generated database instead of a temporary one."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """p50/p95 latency of every JSON route of the dashboard on a generated database (target p95 < 200 ms)."""
    import dataclasses

    from .bench_serve import bench_serve

    total, rows = bench_serve(articles, repeat, db)
    if as_json:
        out.print_json(data={"articles": total, "routes": [dataclasses.asdict(r) for r in rows]})
        return
    table = Table("route", "status", "first call ms", "p50 ms", "p95 ms",
                  title=f"{total:,} articles, {repeat} calls per route after the first")  # fmt: skip
    for r in rows:
        flag = "" if r.p95_ms < 200 else " [yellow](over 200)[/yellow]"
        table.add_row(
            escape(r.route), str(r.status), f"{r.first_ms:.0f}", f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}{flag}"
        )
    out.print(table)


@bench_app.command("ingest")
def bench_ingest_command(
    benchmarks: Annotated[
        Path,
        typer.Option(help="Folder holding the public benchmarks (its HTML pages are used).", file_okay=False),
    ] = Path("../shared/benchmarks"),
    text_docs: Annotated[
        int, typer.Option(help="Size of the generated text corpus (0: skip).", min=0)
    ] = 10_000,
    html_limit: Annotated[int, typer.Option(help="At most this many HTML pages (0: all).", min=0)] = 0,
    as_json: JsonOption = False,
) -> None:
    """Ingest throughput (docs/s, MB/s) and peak memory, with plain trafilatura as the reference."""
    from .bench import bench_ingest

    try:
        rows = bench_ingest(
            benchmarks if benchmarks.exists() else None,
            text_docs=text_docs,
            html_limit=html_limit or None,
        )
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    if as_json:
        out.print_json(
            data=[
                {
                    **r.__dict__,
                    "docs_per_second": r.docs_per_second,
                    "mb_per_second": r.mb_per_second,
                }
                for r in rows
            ]
        )
        return
    table = Table(title="ingest throughput (one process)", title_justify="left")
    for column in (
        "corpus",
        "system",
        "docs",
        "MB",
        "seconds",
        "docs/s",
        "MB/s",
        "peak RSS MB",
        "time ratio",
    ):
        table.add_column(column, justify="left" if column in ("corpus", "system") else "right")
    baseline: dict[str, float] = {}
    for row in rows:
        if row.system == "newsgraph ingest":
            baseline[row.corpus] = row.seconds
    for row in rows:
        ratio = row.seconds / baseline[row.corpus] if baseline.get(row.corpus) else 0.0
        table.add_row(
            row.corpus, row.system, str(row.docs), f"{row.megabytes:.1f}", f"{row.seconds:.1f}",
            f"{row.docs_per_second:.1f}", f"{row.mb_per_second:.2f}", f"{row.peak_rss_mb:.0f}",
            f"{ratio:.2f}×",
        )  # fmt: skip
    out.print(table)
    out.print("[dim]time ratio: this row's time over newsgraph ingest's on the same corpus[/dim]")


from . import cli_live, cli_spark, cli_stories  # noqa: E402, F401 - they register their commands on ``app``


def main() -> None:
    try:
        app()
    except NewsgraphError as exc:
        err.print(f"error: {escape(exc.reason)}")
        sys.exit(2)
