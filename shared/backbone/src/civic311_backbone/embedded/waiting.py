"""Waiting for a condition with a deadline: short polls, never a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    """A point in time (monotonic clock) by which something must have happened."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self._at


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    interval: float = 0.05,
) -> None:
    """Poll `condition` until it returns true; raise `TimeoutError` naming `what` after `timeout` s.

    The condition may raise to give up early (a server process that died will never become ready).
    """
    deadline = Deadline(timeout)
    while not condition():
        if deadline.expired():
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(min(interval, deadline.remaining()))
