"""Work functions for the runner tests: importable by spawned worker processes."""

from __future__ import annotations

import os


def square_or_die(chunk: list[int]) -> list[int]:
    """Squares; the item -1 kills its worker process outright (as an out-of-memory kill would)."""
    if -1 in chunk:
        os._exit(3)
    return [n * n for n in chunk]


def square_or_raise(chunk: list[int]) -> list[int]:
    if -2 in chunk:
        raise ValueError("no negative twos")
    return [n * n for n in chunk]


def broken_setup() -> None:
    """A worker set-up that fails (a model that cannot load, say)."""
    raise OSError("the model could not be loaded")
