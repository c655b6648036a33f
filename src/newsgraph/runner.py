"""Run a stage over a stream of work in worker processes, in order, with bounded memory.

Why our own thirty lines rather than ``Pool.imap``: ``imap`` feeds its input from a thread that
reads the whole iterable ahead (a 50,000-document corpus would sit in memory), and a worker that
dies (out of memory, a crash in a C library on a hostile page) breaks the pool for every task
after it. Here at most ``window`` chunks are in flight; results come back in input order; a
chunk whose worker died is reported as failed and the pool is started afresh.

Only plain, picklable records cross the process boundary. Each worker sets itself up once
(``initializer``), so a language pipeline is loaded once per process, not once per task.
"""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from .errors import WorkerStartError

LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True, frozen=True)
class ChunkResult(Generic[T, R]):
    """One chunk of work and what became of it: ``results`` (one per item), or ``error`` when
    the worker could not return (it died, or the task raised)."""

    items: list[T]
    results: list[R] | None
    error: str | None = None


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_chunks(
    work: Callable[[list[T]], list[R]],
    chunks: Iterable[list[T]],
    *,
    workers: int = 1,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    window: int | None = None,
) -> Iterator[ChunkResult[T, R]]:
    """``work`` applied to every chunk, results in input order.

    With ``workers`` <= 1 everything runs here, in this process (after ``initializer``). With
    more, in that many spawned processes; at most ``window`` chunks (default 2 per worker) are
    read ahead of the one being returned.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        for chunk in chunks:
            yield ChunkResult(chunk, work(chunk))
        return
    window = window or 2 * workers
    # each worker's share of the cores for its BLAS/OpenMP threads: N workers each starting a
    # thread per core fight over the cores (2 workers on 2 cores spent 25 % more CPU time than
    # one process on one core, for the same work)
    threads = max(1, (os.cpu_count() or 1) // workers)
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads and models

    def start(probe: bool = True) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), threads, initializer, initargs),
        )
        if not probe:  # the first pool: workers start with the first chunk (none for no work)
            return pool
        # a pool is started again after a worker died: if the new workers cannot even set
        # themselves up, that is not an item killing them, and isolating every item, at a pool
        # start apiece, would lose them all
        try:
            pool.submit(_alive).result()
        except BrokenProcessPool as exc:
            pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerStartError(
                "worker processes could not start (see the log above): their set-up failed, or the "
                'script that called newsgraph lacks an `if __name__ == "__main__":` guard'
            ) from exc
        return pool

    pool = start(probe=False)
    pending: collections.deque[tuple[list[T], Future[list[R]]]] = collections.deque()
    source = iter(chunks)
    try:
        while True:
            for chunk in itertools.islice(source, window - len(pending)):
                pending.append((chunk, _submit(pool, work, chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                yield ChunkResult(chunk, future.result())
            except BrokenProcessPool:
                # a worker died, and every chunk in flight went down with the pool, whichever
                # held the culprit: run them again one at a time, halving any that dies alone,
                # so that only the item that kills a worker is lost (and reported)
                suspects = [chunk, *(c for c, _ in pending)]
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = start()
                for suspect in suspects:
                    for result, pool in _isolate(work, suspect, pool, start):  # noqa: B020, B007
                        yield result
            except Exception as exc:  # the task itself raised: report the chunk, keep the pool
                LOGGER.error("a chunk of %d item(s) failed: %s", len(chunk), exc)
                yield ChunkResult(chunk, None, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(
    parent: int, threads: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    """Set a worker up, with at most ``threads`` BLAS/OpenMP threads, and make it end when its
    parent does: a parent killed outright (kill -9, out of memory) cannot tell its workers, and
    they would otherwise wait for work forever."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    # libraries loaded later (the embedding model's OpenMP, on the first lead) read the
    # environment when they load; those loaded already (numpy's OpenBLAS) are told directly
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    threadpool_limits(threads)
    if initializer is not None:
        initializer(*initargs)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""The settings numeric libraries read for their number of threads."""


def _alive() -> bool:
    return True


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


PARENT_CHECK_SECONDS = 1.0


def _submit(pool: ProcessPoolExecutor, work: Callable[[list[T]], list[R]], chunk: list[T]) -> Future[list[R]]:
    return pool.submit(work, chunk)


def _isolate(
    work: Callable[[list[T]], list[R]],
    chunk: list[T],
    pool: ProcessPoolExecutor,
    start: Callable[[], ProcessPoolExecutor],
) -> Iterator[tuple[ChunkResult[T, R], ProcessPoolExecutor]]:
    """``chunk`` run alone; when it kills its worker, its halves alone, down to the one item.
    Yields each result with the pool to go on with (a new one after a death)."""
    try:
        yield ChunkResult(chunk, _submit(pool, work, chunk).result()), pool
        return
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        pool = start()
    except Exception as exc:
        yield ChunkResult(chunk, None, f"{type(exc).__name__}: {exc}"[:300]), pool
        return
    if len(chunk) == 1:
        LOGGER.error("a worker process died on one item; it is reported and skipped")
        yield ChunkResult(chunk, None, "the worker process died on it (out of memory or a crash)"), pool
        return
    middle = len(chunk) // 2
    for half in (chunk[:middle], chunk[middle:]):
        for result, pool in _isolate(work, half, pool, start):  # noqa: B020
            yield result, pool
