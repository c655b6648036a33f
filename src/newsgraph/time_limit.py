"""A time limit on one document's extraction, so that a page built to be slow costs seconds, not
the batch.

Extraction runs in the main thread of whichever process does it (the owner with one worker, each
worker process, a Spark task's Python worker), so the limit is a real-time timer whose signal
raises ``DocumentTooSlow`` in that thread. Python checks for signals between its own steps: a
single call into C that never returns (one regular expression, one parse) is not cut short, but
anything our Python code loops over is. Off the main thread, or where there is no SIGALRM, the
limit is not applied (and says so in the log once).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from .errors import DocumentTooSlow

LOGGER = logging.getLogger(__name__)
_warned = False


@contextlib.contextmanager
def time_limit(seconds: float | None, what: str = "extraction") -> Iterator[None]:
    """Raise ``DocumentTooSlow`` in the block once it has run ``seconds`` (None or 0: no limit)."""
    if not seconds or seconds <= 0 or not _can_time():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise DocumentTooSlow(f"{what} took longer than the time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _can_time() -> bool:
    global _warned
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return True
    if not _warned:
        _warned = True
        LOGGER.warning("the per-document time limit is not applied off the main thread")
    return False
