"""Hypothesis runs with the cyclic garbage collector paused.

CPython 3.11 keeps one AST-construction depth counter per interpreter (python/cpython#106905): when a collection
in the middle of an `ast.parse` runs a finaliser that parses too (a leaked coroutine closed by the collector
formats a traceback, and 3.11's traceback module parses source lines to place its carets), the outer parse
raises SystemError("AST constructor recursion depth mismatch"). Hypothesis parses the source of lambdas to
describe strategies, deep inside a run, so a collection at the wrong moment fails a test for nothing it tests.
Collecting first runs pending finalisers here, where nothing is being parsed; pausing the collector for the run
keeps any new ones from running mid-parse. Only cycles wait: memory freed by reference counting is freed as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
