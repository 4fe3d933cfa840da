"""The breach watcher: the background task that warns supervisors before and at an SLA breach.

It wakes when the next warning falls due (or when the consumer says a watch changed, or after `idle`
seconds at most; never sooner than `settle`, one second, after its last look, so that a burst of warnings
is given together), reads the due watches, and for each appends the SlaWarning to the request's stream and
then marks it given if the watch is still as read. The warnings' ids are deterministic, so a second
routing instance warning at the same moment, or a watch rebuilt from scratch, stores nothing twice; a
watcher stopped between the two statements appends the same warning again at its next look, which stores
nothing, and then marks it.

A use case like the others (load the due watches, decide each warning in the domain, append, mark), run
in a loop: its SQL is in adapters.watching, its pool, store and clock are handed in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from civic311_backbone.contracts import new_event, utc_now
from civic311_backbone.service.pausing import pause
from civic311_backbone.store import EventStore
from civic311_routing.adapters.watching import due_watches, next_warning_due, save_watch
from civic311_routing.domain.breach import Watch, breach_warning, warning_due, warning_event_id
from civic311_routing.domain.routing import ROUTING

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]
_NEVER = datetime.max.replace(tzinfo=UTC)


class BreachWatcher:
    """Appends SlaWarning events when they fall due. `clock` is injectable for tests."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        store: EventStore,
        lead: timedelta,
        clock: Clock = utc_now,
        idle: float = 30.0,
        batch: int = 100,
        settle: float = 1.0,
    ) -> None:
        self._pool = pool
        self._store = store
        self.lead = lead
        self._clock = clock
        self._idle = idle
        self._batch = batch
        self._settle = settle
        """Least time between two looks: warnings that fall due within it are given together."""
        self._nudged = asyncio.Event()
        self._planned = _NEVER
        """When the watcher plans to look next (its clock); a nudge for a later moment is ignored."""

    def nudge(self, at: datetime | None = None) -> None:
        """A watch changed and may need a warning at `at` (None: now): look again then, if that is
        before the moment already planned. Most changes are due days ahead and cost nothing here."""
        if at is None or at < self._planned:
            self._nudged.set()

    async def run(self, stop: asyncio.Event) -> None:
        """The background task: warn, sleep until the next warning falls due, repeat until stopped."""
        while not stop.is_set():
            self._nudged.clear()
            self._planned = _NEVER  # while looking, every nudge counts: the look may have missed it
            await self.warn_due()
            seconds = await self._seconds_to_next()
            self._planned = self._clock() + timedelta(seconds=seconds)
            looked = time.monotonic()
            await pause(stop, self._nudged, timeout=seconds)
            # Woken early (a burst of new short deadlines, say): let the rest of `settle` pass, so that
            # the warnings falling due meanwhile are given in one look and one transaction.
            rest = self._settle - (time.monotonic() - looked)
            if rest > 0 and not stop.is_set():
                await pause(stop, timeout=rest)

    async def warn_due(self) -> int:
        """Append every warning due by now; returns how many this watcher gave."""
        total = 0
        while True:
            now = self._clock()
            watches = await due_watches(self._pool, now=now, lead=self.lead, limit=self._batch)
            given = 0
            for watch in watches:
                given += await self._warn(watch, now)
            total += given
            if len(watches) < self._batch or not given:
                return total  # (a whole batch given by another watcher meanwhile: the next look)

    async def _warn(self, watch: Watch, now: datetime) -> int:
        """Append the warning due, then mark it given: two statements, each committed on its own, so
        that no transaction stays open across them (an open one holds back the store's followers).
        A second watcher appending the same warning stores nothing (its id is fixed), and only one of
        them marks the watch: that one counts it."""
        stage = warning_due(watch, now=now, lead=self.lead)
        if stage is None or watch.due_at is None:
            return 0
        event = new_event(
            breach_warning(watch, stage, lead=self.lead),
            actor=ROUTING,
            correlation_id=watch.correlation_id,
            event_id=warning_event_id(watch.stream_id, watch.due_at, stage),
        )
        event = dataclasses.replace(event, causation_id=watch.assigned_by)
        # No expected version: the warning holds whatever else happened to the request meanwhile.
        await self._store.append(watch.stream_id, [event], expected_version=None)
        async with self._pool.acquire() as conn:
            marked = await save_watch(conn, dataclasses.replace(watch, warned=stage), previous=watch)
        if not marked:
            return 0
        log.info("SLA warning given", stream_id=watch.stream_id, stage=stage, due_at=watch.due_at.isoformat())
        return 1

    async def _seconds_to_next(self) -> float:
        """Seconds until the next warning falls due: at least 0.1 (a row left due, say one whose batch
        another watcher was giving, is looked at again soon), at most `idle`."""
        following = await next_warning_due(self._pool, lead=self.lead)
        if following is None:
            return self._idle
        return min(max((following - self._clock()).total_seconds(), 0.1), self._idle)
