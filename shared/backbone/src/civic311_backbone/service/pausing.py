"""A background task's pause: until something it waits for happens, or a timeout passes."""

from __future__ import annotations

import asyncio
import contextlib


async def pause(*events: asyncio.Event, timeout: float) -> bool:
    """Wait until one of `events` is set, at most `timeout` seconds; True if one was."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=max(timeout, 0.0), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
    return any(event.is_set() for event in events)
