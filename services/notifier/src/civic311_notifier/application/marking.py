"""Marking delivered notifications sent: every sender's accepted messages in one statement.

A sender that waited for its own row's commit after each message spent a database round trip (and a
WAL flush) per e-mail doing nothing. Here a sender hands the id over and goes on with its next
message, while one writer marks whatever has been handed over since its last statement, then
again: the window between the server's reply and the mark stays one statement long (the repeat
window the fault tests count), and the commits are shared by every sender.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import asyncpg
import structlog

log = structlog.get_logger(__name__)

Mark = Callable[[Sequence[int]], Awaitable[None]]


class SentMarker:
    """Collects the ids of accepted messages and marks them in the store, in batches, at once."""

    def __init__(
        self, mark: Mark, *, retry_seconds: float = 0.5, marked: Callable[[], None] | None = None
    ) -> None:
        self._mark = mark
        self._marked = marked
        self._retry = retry_seconds
        self._ids: list[int] = []
        self._waiting = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    def sent(self, ids: Sequence[int]) -> None:
        self._ids.extend(ids)
        self._idle.clear()
        self._waiting.set()

    async def flushed(self) -> None:
        """Return once everything handed over so far is marked."""
        await self._idle.wait()

    async def run(self, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while True:
                if not self._ids:
                    self._idle.set()
                    if stop.is_set():
                        return
                    waiting = asyncio.ensure_future(self._waiting.wait())
                    await asyncio.wait([waiting, stopping], return_when=asyncio.FIRST_COMPLETED)
                    waiting.cancel()
                    self._waiting.clear()
                    continue
                batch, self._ids = self._ids, []
                try:
                    await self._mark(batch)
                except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
                    # Kept, and tried again: a row left unmarked would be sent again after its lease.
                    self._ids[:0] = batch
                    log.warning("marking sent failed; will retry", error=str(error), count=len(batch))
                    await asyncio.sleep(self._retry)
                    continue
                if self._marked is not None:
                    self._marked()
        finally:
            stopping.cancel()
