"""The story commands: ``stories`` (list, or regroup) and ``story ID`` (the side-by-side framing table).

Registered on the main ``app`` when ``cli`` imports this module; like the rest of the CLI, the
only place that prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .cli import DbOption, JsonOption, _fail, _open_store, app, out
from .errors import NewsgraphError
from .export import story_record
from .stories.framing import compare_story
from .stories.stage import group_stories

EVENT_ROWS = 12
ACTOR_ROWS = 8


@app.command("stories")
def stories_command(
    db: DbOption = Path("newsgraph.db"),
    min_outlets: Annotated[
        int, typer.Option(help="Only stories covered by at least this many outlets.", min=1)
    ] = 1,
    limit: Annotated[int, typer.Option(help="Most stories to list.", min=1, max=1_000_000)] = 50,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Regroup every article from scratch (story ids may change).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """List stories (the same event across outlets and languages), oldest first; group any
    articles still without one first."""
    with _open_store(db) as store:
        try:
            summary = group_stories(store, rebuild=rebuild)
        except NewsgraphError as exc:
            raise _fail(exc.reason) from exc
        if summary.error:
            raise _fail(f"stories not grouped: {summary.error}")
        rows = store.stories(min_outlets=min_outlets, limit=limit)
        profiles = store.outlet_profiles()
    records = [story_record(r) for r in rows]
    if as_json:
        out.print_json(data=records)
        return
    if summary.articles:
        out.print(
            f"grouped {summary.articles} article(s): {summary.new_stories} new story(ies), "
            f"{summary.joined} joined existing ones, {summary.duplicates} near-duplicate(s), "
            f"{summary.merged} story(ies) merged into another"
        )
    if not records:
        out.print("no stories match")
        return
    table = Table("story", "days", "articles", "outlets", "languages", "title", show_lines=False)
    for r in records:
        days = r["first_day"] or "undated"
        if r["last_day"] and r["last_day"] != r["first_day"]:
            days += f" … {r['last_day'][5:]}"
        table.add_row(
            r["id"], days, str(len(r["article_ids"])), escape(", ".join(_labelled(o, profiles) for o in r["outlets"]) or "?"),
            ", ".join(r["languages"]), escape(r["title"] or ""),
        )  # fmt: skip
    out.print(table)


@app.command("story")
def story_command(
    story_id: Annotated[str, typer.Argument(help="Story id (see newsgraph stories).")],
    db: DbOption = Path("newsgraph.db"),
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Print the sentence behind each cell.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """One story outlet by outlet: events reported or left out, names, loaded terms, hedges and
    attribution, quotes and tone toward each actor."""
    with _open_store(db, readonly=True) as store:
        if "stories" not in store.db.table_names():
            raise _fail("this database has no stories yet: run newsgraph stories --db FILE")
        try:
            framing = compare_story(store, story_id)
        except NewsgraphError as exc:
            raise _fail(exc.reason) from exc
    if framing is None:
        raise _fail(f"no story {story_id!r} (see newsgraph stories)", code=1)
    if as_json:
        out.print_json(data=framing)
        return
    _print_framing(framing, evidence)


def _labelled(outlet: str, profiles: dict[str, dict[str, Any]]) -> str:
    """ "TASS (RUS state)": the outlet with its country and ownership, when the table knows them."""
    profile = profiles.get(outlet) or {}
    label = " ".join(x for x in (profile.get("country"), profile.get("ownership")) if x)
    return f"{outlet} ({label})" if label else outlet


def _cell(items: list[str], limit: int = 3) -> str:
    shown = items[:limit] + ([f"+{len(items) - limit}"] if len(items) > limit else [])
    return escape(", ".join(shown)) if shown else "[dim]—[/dim]"


def _print_framing(framing: dict[str, Any], evidence: bool) -> None:
    story = framing["story"]
    outlets = [o["name"] for o in framing["outlets"]]
    days = story["first_day"] or "undated"
    out.print(f"[bold]{escape(story['title'] or story['id'])}[/bold]")
    out.print(
        f"[dim]{story['id']} · {days} · {len(story['article_ids'])} article(s) · "
        f"{len(outlets)} outlet(s) · {', '.join(story['languages'])}[/dim]"
    )
    table = Table("", *[escape(o) for o in outlets], show_lines=True, title="how each outlet tells it")
    table.add_row(
        "[bold]outlet[/bold]",
        *[escape(" · ".join(x for x in (o["country"], o["ownership"], o["kind"]) if x) or "profile unknown")
          for o in framing["outlets"]],
    )  # fmt: skip
    table.add_row(
        "[bold]articles[/bold]",
        *[escape(f"{len(o['articles'])}: " + ", ".join(sorted({a['language'] or '?' for a in o['articles']}))
                 + (f" ({sum(1 for a in o['articles'] if a['duplicate_of'])} copy)"
                    if any(a["duplicate_of"] for a in o["articles"]) else ""))
          for o in framing["outlets"]],
    )  # fmt: skip
    for event in framing["events"][:EVENT_ROWS]:
        label = f"{event['event']}: {event['actor']} → {event['recipient']}" + (
            f" ({event['date']})" if event["date"] else ""
        )
        cells = []
        for outlet in outlets:
            seen = event["reported_by"].get(outlet)
            if seen is None:
                cells.append("[dim]—[/dim]")
                continue
            flags = [seen["modality"]] if seen["modality"] != "asserted" else []
            flags += ["attributed"] if seen["attributed_to"] else []
            flags += seen["hedges"]
            cells.append("✓" + (f" [yellow]{escape(', '.join(flags))}[/yellow]" if flags else ""))
        table.add_row(escape(label), *cells)
    if len(framing["events"]) > EVENT_ROWS:
        table.add_row(
            f"[dim]+{len(framing['events']) - EVENT_ROWS} more events (--json)[/dim]", *[""] * len(outlets)
        )
    for actor in framing["naming"][:ACTOR_ROWS]:
        cells = [
            _cell([f"{x['label']} ×{x['count']}" if x["count"] > 1 else x["label"]
                   for x in actor["by_outlet"].get(o, [])])
            for o in outlets
        ]  # fmt: skip
        table.add_row(f"names for [bold]{escape(actor['name'])}[/bold]", *cells)
    for concept in framing["loaded_terms"]:
        cells = [
            _cell([f"{x['term']} ×{x['count']}" if x["count"] > 1 else x["term"]
                   for x in concept["by_outlet"].get(o, [])])
            for o in outlets
        ]  # fmt: skip
        table.add_row(f"terms: {escape(concept['concept'])}", *cells)
    table.add_row(
        "hedges and attribution",
        *[_cell([f"{k.split(': ', 1)[1]} ×{n}" if n > 1 else k.split(": ", 1)[1]
                 for k, n in framing["markers"].get(o, {}).get("counts", {}).items()], 4)
          for o in outlets],
    )  # fmt: skip
    table.add_row(
        "quotes (speakers)",
        *[_quote_cell(framing["quotes"].get(o, [])) for o in outlets],
    )
    for actor in framing["tone"][:ACTOR_ROWS]:
        cells = []
        for outlet in outlets:
            tone = actor["by_outlet"].get(outlet)
            cells.append(
                f"{tone['tone']:+.2f} [dim]({tone['positive']}+ {tone['negative']}−)[/dim]"
                if tone
                else "[dim]—[/dim]"
            )
        table.add_row(f"tone toward [bold]{escape(actor['name'])}[/bold]", *cells)
    out.print(table)
    if evidence:
        _print_evidence(framing)
    else:
        out.print(
            "[dim]--evidence prints the sentence behind each event and marker; --json gives all of it[/dim]"
        )


def _quote_cell(quotes: list[dict[str, Any]]) -> str:
    if not quotes:
        return "[dim]—[/dim]"
    speakers: dict[str, int] = {}
    for q in quotes:
        name = q["speaker_name"] or "unattributed"
        speakers[name] = speakers.get(name, 0) + 1
    ranked = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{len(quotes)}: " + _cell([f"{k} ×{n}" if n > 1 else k for k, n in ranked])


def _print_evidence(framing: dict[str, Any]) -> None:
    out.rule("events, and the sentence each outlet states them in")
    for event in framing["events"]:
        out.print(f"[bold]{escape(event['event'])}: {escape(event['actor'])} → {escape(event['recipient'])}"
                  f"[/bold] {escape(event['date'] or '')}")  # fmt: skip
        for outlet, seen in event["reported_by"].items():
            out.print(f"  {escape(outlet)}: “{escape(seen['evidence']['text'] or '')}” [dim]{seen['article_id']}"
                      f" {seen['evidence']['start']}-{seen['evidence']['end']}[/dim]")  # fmt: skip
        if event["omitted_by"]:
            out.print(f"  [dim]no such event found in: {escape(', '.join(event['omitted_by']))}[/dim]")
    out.rule("hedges and attribution markers")
    for outlet, markers in framing["markers"].items():
        for item in markers["items"]:
            out.print(f"  {escape(outlet)} [yellow]{escape(item['marker'])}[/yellow]: "
                      f"“{escape(item['sentence']['text'])}” [dim]{item['article_id']}[/dim]")  # fmt: skip


@app.command("serve")
def serve_command(
    db: DbOption = Path("newsgraph.db"),
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require this token (?token=, a Bearer header or the cookie it sets).",
            envvar="NEWSGRAPH_TOKEN",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="A host name the dashboard may be reached by (repeatable). A loopback dashboard "
            "answers only to loopback names unless told; others answer to any name unless told.",
        ),
    ] = None,
) -> None:
    """The dashboard and HTTP API over the database, read-only (pages have JSON twins under /api)."""
    import ipaddress

    import uvicorn

    from .web.app import create_app
    from .web.queries import warm_up

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not token:
        raise _fail(
            f"binding {host} exposes the database beyond this machine: give --token (or NEWSGRAPH_TOKEN)"
        )
    try:
        # a loopback dashboard refuses other Host names, so a web page whose name is made to
        # resolve to 127.0.0.1 (DNS rebinding) cannot read it
        names = set(allow_host or ())
        if loopback:
            names |= {host, "localhost", "127.0.0.1", "::1"}
        web = create_app(db, token=token, allowed_hosts=names or None)
        warm_up()
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    out.print(f"newsgraph dashboard on http://{host}:{port}/ (read-only; Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)
