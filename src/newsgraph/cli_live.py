"""``newsgraph fetch`` and ``newsgraph watch``: live sources (docs/live.md).

Registered on the main ``app`` when ``cli`` imports this module; like the rest of the CLI, the
only place that prints. Ctrl-C once stops after the request in flight and stores what was
fetched; twice stops at once (exit code 130).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.markup import escape

from .cli import (
    DbOption,
    JsonOption,
    _build_options,
    _fail,
    _open_store,
    _print_summary,
    _summary_json,
    app,
    err,
    out,
)
from .errors import NewsgraphError
from .live import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchOptions,
    LiveSession,
    LiveSummary,
    read_feeds_file,
    watch_feeds,
)
from .options import MB, IngestOptions

AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Also connect to private, loopback, link-local and other non-public addresses (trusted networks only).",
    ),
]
DelayOption = Annotated[
    float,
    typer.Option(
        help="Seconds between two requests to the same host (robots.txt Crawl-delay may lengthen it).",
        min=0.0,
    ),
]
TimeoutOption = Annotated[float, typer.Option(help="Seconds one request may take in all.", min=0.1)]
MaxMbOption = Annotated[
    float, typer.Option(help="Refuse responses (and documents) larger than this.", min=0.001)
]
UserAgentOption = Annotated[str, typer.Option(help="User-Agent sent, and matched against robots.txt.")]
RetriesOption = Annotated[
    int, typer.Option(help="Further attempts after a timeout, network failure, 5xx or 429.", min=0, max=10)
]
OutletsOption = Annotated[
    list[Path], typer.Option("--outlets", help="Extra outlet table (YAML or CSV); repeatable.")
]
KbOption = Annotated[list[Path], typer.Option("--kb", help="Extra knowledge-base file (YAML); repeatable.")]
MinWordsOption = Annotated[int, typer.Option(help="Refuse articles with fewer words.")]
AnnotateOption = Annotated[
    bool,
    typer.Option("--annotate/--no-annotate", help="Annotate new articles (actors, events) after reading."),
]


@app.command("fetch")
def fetch_command(
    urls: Annotated[list[str], typer.Argument(help="Pages or RSS/Atom feeds, http or https.")],
    db: DbOption,
    allow_private: AllowPrivateOption = False,
    delay: DelayOption = 1.0,
    timeout: TimeoutOption = 30.0,
    max_mb: MaxMbOption = 16.0,
    user_agent: UserAgentOption = DEFAULT_USER_AGENT,
    retries: RetriesOption = 2,
    outlets: OutletsOption = [],  # noqa: B006 - typer reads the default
    kb: KbOption = [],  # noqa: B006
    min_words: MinWordsOption = 25,
    annotate: AnnotateOption = True,
    as_json: JsonOption = False,
) -> None:
    """Fetch pages and feeds (and the articles feeds link to) and store them: conditional GETs,
    nothing stored fetched again, robots.txt and per-host delays honoured, private addresses refused."""
    fetch_options, options = _options(
        allow_private, delay, timeout, max_mb, user_agent, retries, outlets, kb, min_words, annotate
    )
    stop = threading.Event()
    with _open_store(db) as store, Fetcher(fetch_options, stop=stop) as fetcher, _stop_on_interrupt(stop):
        try:
            summary = LiveSession(store, fetcher, options).round(urls)
        except KeyboardInterrupt:
            raise _fail(
                "interrupted: stopped at once; what was not stored is fetched again next time", code=130
            ) from None
    if as_json:
        out.print_json(data={"fetch": summary.to_dict(), "ingest": _summary_json(summary.ingest)})
    else:
        _print_round(summary, prefix="fetched ")
    if not summary.ok:
        raise typer.Exit(1)


@app.command("watch")
def watch_command(
    feeds_file: Annotated[
        Path, typer.Argument(help="Text file of feed URLs, one per line; # starts a comment.", dir_okay=False)
    ],
    db: DbOption,
    interval: Annotated[
        float, typer.Option(help="Seconds from the start of one round to the start of the next.", min=1.0)
    ] = 900.0,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    allow_private: AllowPrivateOption = False,
    delay: DelayOption = 1.0,
    timeout: TimeoutOption = 30.0,
    max_mb: MaxMbOption = 16.0,
    user_agent: UserAgentOption = DEFAULT_USER_AGENT,
    retries: RetriesOption = 2,
    outlets: OutletsOption = [],  # noqa: B006
    kb: KbOption = [],  # noqa: B006
    min_words: MinWordsOption = 25,
    annotate: AnnotateOption = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print each round as one line of JSON.")] = False,
) -> None:
    """Poll the feeds listed in FEEDS_FILE every --interval seconds and store the new articles
    they link to, until Ctrl-C (or after one round with --once)."""
    try:
        feeds = read_feeds_file(feeds_file)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    fetch_options, options = _options(
        allow_private, delay, timeout, max_mb, user_agent, retries, outlets, kb, min_words, annotate
    )
    if not as_json:
        out.print(f"watching {len(feeds)} feed(s)" + ("" if once else f" every {interval:g} s; Ctrl-C stops"))

    def on_round(summary: LiveSummary) -> None:
        if as_json:
            out.print_json(
                data={"fetch": summary.to_dict(), "ingest": _summary_json(summary.ingest)}, indent=None
            )
        else:
            _print_round(summary, prefix=f"round {summary.round} ({summary.started}): ", brief=True)

    stop = threading.Event()
    with _open_store(db) as store, Fetcher(fetch_options, stop=stop) as fetcher, _stop_on_interrupt(stop):
        try:
            rounds = watch_feeds(
                feeds,
                store,
                options,
                fetcher,
                interval=interval,
                rounds=1 if once else None,
                on_round=on_round,
            )
        except KeyboardInterrupt:
            raise _fail(
                "interrupted: stopped at once; what was not stored is fetched again next round", code=130
            ) from None
    if stop.is_set() and not as_json:
        out.print(f"stopped after {len(rounds)} round(s)")
    if once and rounds and not rounds[0].ok:
        raise typer.Exit(1)


def _options(
    allow_private: bool,
    delay: float,
    timeout: float,
    max_mb: float,
    user_agent: str,
    retries: int,
    outlets: list[Path],
    kb: list[Path],
    min_words: int,
    annotate: bool,
) -> tuple[FetchOptions, IngestOptions]:
    if not user_agent.strip() or not user_agent.isascii() or not user_agent.isprintable():
        raise _fail("--user-agent must be printable ASCII text")
    try:
        options = _build_options(outlets, [], max_mb, min_words, kb, annotate)
    except NewsgraphError as exc:
        raise _fail(exc.reason) from exc
    fetch_options = FetchOptions(
        allow_private=allow_private,
        delay=delay,
        timeout=timeout,
        max_bytes=int(max_mb * MB),
        user_agent=user_agent.strip(),
        retries=retries,
    )
    return fetch_options, options


@contextlib.contextmanager
def _stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """First Ctrl-C: set ``stop`` (finish the request in flight, store what came); second: stop at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print("stopping after the request in flight (Ctrl-C again to stop at once)")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _print_round(summary: LiveSummary, *, prefix: str, brief: bool = False) -> None:
    s = summary
    parts = [
        f"{s.pages} page(s)",
        f"{s.feeds} feed(s) with {s.entries} entr{'y' if s.entries == 1 else 'ies'}",
    ]
    if s.from_feed:
        parts[-1] += f" ({s.from_feed} read from the feed)"
    figures = [
        f"{s.not_modified} not modified",
        f"{s.already_stored} already stored",
        f"{s.disallowed} disallowed by robots.txt",
        f"{s.failed} failed",
    ]
    if s.not_retried:
        figures.append(f"{s.not_retried} failed before, not retried")
    out.print(
        f"{prefix}{s.urls} URL(s): {', '.join(parts)}; {', '.join(figures)}; "
        f"{s.requests} request(s), {s.retries} retr{'y' if s.retries == 1 else 'ies'}, {s.seconds:g} s"
        + (" [stopped]" if s.stopped else "")
    )
    if s.failures:
        out.print("not fetched:")
        for reason, count in Counter(s.failures).most_common():
            out.print(f"  {count} × {escape(reason)}")
    ingest = s.ingest
    if brief:
        if ingest.read:
            out.print(
                f"  stored: {ingest.new} new, {ingest.duplicate} duplicate, {ingest.failed} failed, "
                f"{ingest.skipped} skipped"
                + (f"; annotated {ingest.annotated}, {ingest.events} event(s)" if ingest.annotated else "")
            )
            for reason, count in Counter(ingest.failures).most_common(5):
                out.print(f"    {count} × {escape(reason)}")
        return
    if ingest.read:
        _print_summary(ingest)
