"""The PostgreSQL event store: append with optimistic concurrency, read a stream, follow everything.

The SQL lives in migrations/ (0001_events.sql says why global positions are gap-safe without
serialising writers). This module is the asyncpg client of that schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg
import orjson
import structlog

from civic311_backbone.service.outage import is_outage
from civic311_backbone.store.errors import EventIdReused, WrongExpectedVersion
from civic311_backbone.store.records import AppendResult, EventFact, NewEvent, RecordedEvent

log = structlog.get_logger(__name__)

_COLUMNS = (
    "global_position, event_id, stream_id, stream_version, event_type, schema_version, "
    "occurred_at, recorded_at, correlation_id, causation_id, actor::text, payload::text"
)
_APPEND = "SELECT * FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb[], $10::jsonb[])"
_STORED = (
    "SELECT stream_id, global_position, stream_version, recorded_at FROM events "
    "WHERE event_id = ANY($1) ORDER BY stream_version"
)
_READ_EVENT = f"SELECT {_COLUMNS} FROM events WHERE event_id = $1"
_READ_STREAM = (
    f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version"
)
_READ_AFTER = (
    f"SELECT {_COLUMNS} FROM events WHERE global_position > $1 "
    "AND global_position < (SELECT safe_position_horizon()) ORDER BY global_position LIMIT $2"
)
# Pages of a replay up to an instant: after position $1, at most $2 rows, occurred by $3 (if not
# NULL), at positions up to $4 (the last that occurred by then; see EventStore._pages_until).
_UNTIL = (
    "FROM events WHERE global_position > $1 AND global_position <= $4 "
    "AND global_position < (SELECT safe_position_horizon()) "
    "AND ($3::timestamptz IS NULL OR occurred_at <= $3) ORDER BY global_position LIMIT $2"
)
_READ_FACTS = (
    f"SELECT global_position, stream_id, stream_version, event_type, occurred_at, payload::text {_UNTIL}"
)
# `+ 0` keeps the planner from walking the primary key back from the newest event through every later
# one: the (occurred_at, global_position) index answers it alone (migrations/0002).
_LAST_POSITION_UNTIL = (
    "SELECT max(global_position + 0) FROM events WHERE occurred_at <= $1 "
    "AND global_position < (SELECT safe_position_horizon())"
)
_HEAD = "SELECT max(global_position) FROM events"
_BEHIND_HORIZON = (
    "SELECT EXISTS (SELECT 1 FROM events WHERE global_position > $1 AND global_position <= $2 "
    "AND global_position >= (SELECT safe_position_horizon()))"
)
HEAD_WAIT_SECONDS = 30.0
"""How long a replay waits for committed events that other open transactions keep above the horizon."""
WAKE_SPACING = 0.004
"""Seconds between two wake-ups of the store's followers from one process, at least."""
_FIELD_PATH = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
PayloadFieldKind = Literal["text", "json"]


def _payload_column(path: str, kind: PayloadFieldKind) -> str:
    """The SQL cutting one payload field (a dotted path into nested objects) out as a column."""
    if not _FIELD_PATH.match(path):
        raise ValueError(f"payload field {path!r}: dotted names of lower-case letters, digits and _ only")
    *outer, last = path.split(".")
    parent = "payload" + "".join(f"->'{key}'" for key in outer)
    value = f"{parent}->>'{last}'" if kind == "text" else f"({parent}->'{last}')::text"
    return f'{value} AS "{path}"'


_READ_FIELDS = (
    "SELECT global_position, stream_id, event_type, "
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS occurred_at, {fields} "
    + _UNTIL
)
_READ_BETWEEN = (
    f"SELECT {_COLUMNS} FROM events WHERE occurred_at >= $1 AND occurred_at < $2 "
    "AND (occurred_at, global_position) > ($3, $4) ORDER BY occurred_at, global_position LIMIT $5"
)


_TRIES = 3
"""Tries of an append that loses a race with another writer of the same stream."""


def _append_arguments(
    stream_id: str, events: Sequence[NewEvent], expected_version: int | None = None
) -> tuple[object, ...]:
    """The arguments of the store's `append_events` function, in its order."""
    return (
        stream_id,
        expected_version,
        [e.event_id for e in events],
        [e.event_type for e in events],
        [e.schema_version for e in events],
        [e.occurred_at for e in events],
        [e.correlation_id for e in events],
        [e.causation_id for e in events],
        [e.actor for e in events],
        [e.payload for e in events],
    )


def _record(row: asyncpg.Record) -> RecordedEvent:
    return RecordedEvent(*row[:10], orjson.loads(row[10]), orjson.loads(row[11]))  # type: ignore[call-arg]


class EventStore:
    """Append-only event streams in one PostgreSQL schema (the pool's search_path)."""

    def __init__(self, pool: asyncpg.Pool, *, notify_channel: str) -> None:
        self._pool = pool
        self.notify_channel = notify_channel
        self._wake_pending = False
        self._wake_task: asyncio.Task[None] | None = None
        self.appends_in_transactions = 0
        """Appends made inside callers' transactions: a consumer compares it before and after its
        handler to know whether followers need waking once it commits."""

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        *,
        expected_version: int | None,
        conn: asyncpg.Connection | None = None,
    ) -> AppendResult:
        """Append events to the end of a stream, atomically.

        expected_version is the stream's version as the caller last read it (0: the stream must not
        exist yet), or None to append wherever the stream is. Raises WrongExpectedVersion if the stream
        has moved. Appending the same events again (same event ids) stores nothing and returns where
        they are. Pass `conn` to append inside the caller's transaction; then call wake_followers()
        after that transaction commits.
        """
        if not events:
            raise ValueError("nothing to append")
        args = _append_arguments(stream_id, events, expected_version)
        for attempt in range(_TRIES):
            try:
                rows = await (conn or self._pool).fetch(_APPEND, *args)
                break
            except asyncpg.PostgresError as error:
                if error.sqlstate == "CV409":
                    actual = int(error.detail) if getattr(error, "detail", None) else None
                    raise WrongExpectedVersion(stream_id, expected_version, actual) from error
                if not isinstance(error, asyncpg.UniqueViolationError):
                    raise
                if "not as this append" in str(error):
                    raise EventIdReused(str(error)) from error
                if conn is None:
                    # A concurrent append won the race. If it stored these very events, this append
                    # has in effect succeeded; otherwise it is a conflict, or (with no expected
                    # version) a reason to try again at the new end of the stream.
                    stored = await self._pool.fetch(_STORED, [e.event_id for e in events])
                    if len(stored) == len(events) and all(r["stream_id"] == stream_id for r in stored):
                        rows = stored
                        break
                    if stored:
                        raise EventIdReused(f"some of these event ids are already stored: {error}") from error
                if expected_version is not None:
                    raise WrongExpectedVersion(stream_id, expected_version, None) from error
                if conn is not None or attempt == _TRIES - 1:
                    raise
        if conn is None:
            self.wake_followers()
        else:
            self.appends_in_transactions += 1
        return AppendResult(
            stream_version=rows[-1]["stream_version"],
            global_position=rows[-1]["global_position"],
            positions=tuple(r["global_position"] for r in rows),
        )

    async def append_together(
        self,
        appends: Sequence[tuple[str, Sequence[NewEvent]]],
        *,
        conn: asyncpg.Connection | asyncpg.Pool | None = None,
        also: tuple[str, Sequence[object]] | None = None,
    ) -> None:
        """Append events to several streams, each at its end (no expected version), and run `also`, one
        INSERT of the caller's (its SQL with $1.. for its arguments), all in ONE statement: stored together
        or not at all, with no transaction held open across round trips (an open write transaction holds
        back the relay for everyone). Appending the same events again stores nothing; an id already used
        for other content raises EventIdReused. Lost races with other writers of these streams are
        tried again."""
        appends = [(stream, events) for stream, events in appends if events]
        if not appends and also is None:
            return
        parts: list[str] = []
        args: list[object] = []
        if also is not None:
            sql, also_args = also
            parts.append(f"also AS ({sql})")
            args.extend(also_args)
        for i, (stream_id, events) in enumerate(appends):
            n = [f"${len(args) + k}" for k in range(1, 11)]
            parts.append(
                f"a{i} AS (SELECT 1 FROM append_events({n[0]}, {n[1]}::integer, {', '.join(n[2:8])},"
                f" {n[8]}::jsonb[], {n[9]}::jsonb[]))"
            )
            args.extend(_append_arguments(stream_id, events))
        # A WITH part that is not an INSERT runs only as far as something reads it: read each to its end.
        names = (["also"] if also is not None else []) + [f"a{i}" for i in range(len(appends))]
        reads = " + ".join(f"(SELECT count(*) FROM {name})" for name in names)
        query = f"WITH {', '.join(parts)} SELECT {reads}"
        for attempt in range(1, _TRIES + 1):
            try:
                await (conn or self._pool).fetchval(query, *args)
                break
            except asyncpg.UniqueViolationError as error:
                if "not as this append" in str(error):
                    raise EventIdReused(str(error)) from error
                if error.constraint_name != "events_stream_version_unique" or attempt == _TRIES:
                    raise
        if appends:
            self.wake_followers()

    async def read_stream(
        self, stream_id: str, *, from_version: int = 1, conn: asyncpg.Connection | None = None
    ) -> list[RecordedEvent]:
        """The events of one stream, in stream order (empty if it does not exist).

        With `conn`, read on that connection (inside its transaction) instead of taking one from the pool.
        """
        rows = await (conn or self._pool).fetch(_READ_STREAM, stream_id, from_version)
        return [_record(r) for r in rows]

    async def read_event(self, event_id: UUID) -> RecordedEvent | None:
        """One event by its id, wherever it is stored (None if it is not)."""
        row = await self._pool.fetchrow(_READ_EVENT, event_id)
        return _record(row) if row is not None else None

    async def read_page(self, *, after: int, limit: int = 1000) -> list[RecordedEvent]:
        """The next events after a global position, in order, never skipping a late commit."""
        rows = await self._pool.fetch(_READ_AFTER, after, limit)
        return [_record(r) for r in rows]

    async def read_all(self, *, after: int = 0, page_size: int = 1000) -> AsyncIterator[RecordedEvent]:
        """Every event after a position, streamed page by page (memory bounded by the page size).

        Rows are decoded one at a time as they are yielded, so a replay that folds and forgets each
        event never holds a page of decoded JSON (which would also make the garbage collector scan it).
        """
        position = after
        while True:
            rows = await self._pool.fetch(_READ_AFTER, position, page_size)
            for row in rows:
                yield _record(row)
            if len(rows) < page_size:
                return
            position = rows[-1][0]

    async def read_fact_pages(
        self, *, after: int = 0, until: datetime | None = None, page_size: int = 5000
    ) -> AsyncIterator[list[EventFact]]:
        """Pages of what projections fold, in global order; with `until`, only events that occurred
        by then (filtered in the database, so a replay to an instant reads no more than it needs)."""
        async for rows in self._pages_until(_READ_FACTS, after=after, until=until, page_size=page_size):
            yield [EventFact(r[0], r[1], r[2], r[3], r[4], orjson.loads(r[5])) for r in rows]

    async def _pages_until(
        self, query: str, *, after: int, until: datetime | None, page_size: int
    ) -> AsyncIterator[list[asyncpg.Record]]:
        """The pages of `query` (see `_UNTIL`) in global order, none empty: the store as it stood when
        the read began, every event committed by then and none stored later.

        Up to an instant, the last page would have to look through every later event to be sure
        none occurred by then (events imported late carry early times). So the last position that
        did is looked up at once, on another connection, while the first pages are read and folded;
        once known, it bounds the pages, and the read stops there.

        Reads stay below the gap-safe horizon, which any transaction still open elsewhere in the
        cluster holds back. Events committed before the read began may lie above it for a moment; the
        read waits for them (the horizon moves on as those transactions end) rather than stop short,
        up to `HEAD_WAIT_SECONDS`, after which it ends where the horizon stood, and says so in the log.
        """
        last: asyncio.Task[int | None] | None = None
        if until is not None:
            last = asyncio.ensure_future(self._pool.fetchval(_LAST_POSITION_UNTIL, until))
        head = await self._pool.fetchval(_HEAD) or 0
        position, waited, settled = after, 0.0, False
        try:
            while True:
                bound = head
                if last is not None and last.done():
                    if (known := last.result()) is None:
                        return  # nothing occurred by then
                    bound = min(known, head)
                rows = await self._pool.fetch(query, position, page_size, until, bound)
                if rows:
                    yield rows
                    position = rows[-1][0]
                if len(rows) == page_size:
                    continue
                if settled or position >= bound:
                    return
                if not await self._behind_horizon(position, bound):
                    # Nothing up to the bound waits above the horizon now; but it may have moved on
                    # since the page was read, so read once more (positions lost to rolled-back
                    # transactions mean `position` need not reach the bound).
                    settled = True
                    continue
                if waited >= HEAD_WAIT_SECONDS:
                    log.warning("replay ended below the store's head", position=position, head=bound)
                    return
                pause = min(0.005 + waited / 10, 0.1)  # soon at first, then a tenth of a second
                await asyncio.sleep(pause)
                waited += pause
        finally:
            if last is not None and not last.done():
                last.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await last

    async def _behind_horizon(self, position: int, bound: int) -> bool:
        """Whether committed events after `position` (up to `bound`) wait above the horizon."""
        return bool(await self._pool.fetchval(_BEHIND_HORIZON, position, bound))

    async def read_payload_fields(
        self,
        fields: Mapping[str, PayloadFieldKind],
        *,
        until: datetime | None = None,
        page_size: int = 5000,
    ) -> AsyncIterator[list[asyncpg.Record]]:
        """Like `read_fact_pages`, but of each payload only the named `fields`, cut out in the database:
        rows of (global_position, stream_id, event_type, occurred_at, one column per field, named by
        it). `occurred_at` comes as ISO 8601 text in UTC ("2025-01-31T08:00:00.000000Z", for
        `datetime.fromisoformat`): decoding a timestamp is the costliest part of such a row for
        asyncpg, and a reader may need only some of them. A field is a top-level name or a dotted path into nested objects ("location.lat"); a
        "text" field comes as its string (a number as its text), a "number" as a float, a "json" field
        as its JSON text; NULL where absent (or, for "number", not a number)."""
        columns = ", ".join(_payload_column(path, kind) for path, kind in fields.items())
        query = _READ_FIELDS.format(fields=columns)
        async for rows in self._pages_until(query, after=0, until=until, page_size=page_size):
            yield rows

    async def read_between(
        self, start: datetime, end: datetime, *, page_size: int = 1000
    ) -> AsyncIterator[RecordedEvent]:
        """Events that occurred in [start, end), by occurrence time, streamed in pages."""
        cursor: tuple[datetime, int] = (start, -1)
        while True:
            rows = await self._pool.fetch(_READ_BETWEEN, start, end, *cursor, page_size)
            for row in rows:
                yield _record(row)
            if len(rows) < page_size:
                return
            cursor = (rows[-1]["occurred_at"], rows[-1]["global_position"])

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 if it does not exist."""
        value = await self._pool.fetchval(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1", stream_id
        )
        return int(value)

    def wake_followers(self) -> None:
        """Tell followers (the relay) that new events are committed.

        NOTIFY is sent outside the appending transaction and coalesced (at most one in flight, and
        at most one every WAKE_SPACING): a
        NOTIFY inside the transaction would take PostgreSQL's global notify lock at commit and make
        concurrent appends commit one at a time. Followers also poll slowly, so a lost wake only delays.
        """
        self._wake_pending = True
        if self._wake_task is None or self._wake_task.done():
            self._wake_task = asyncio.get_running_loop().create_task(self._send_wakes())

    async def _send_wakes(self) -> None:
        try:
            while self._wake_pending:
                self._wake_pending = False
                await self._pool.execute("SELECT pg_notify($1, '')", self.notify_channel)
                # The appends of the next few milliseconds share the next wake-up (the first of a
                # quiet spell still goes at once): under load, far fewer round trips and wake-ups.
                await asyncio.sleep(WAKE_SPACING)
        except Exception as error:  # a fire-and-forget task: nobody else would see what it met
            if is_outage(error) or isinstance(error, asyncpg.PostgresError):
                log.warning("could not wake followers; they will poll", error=str(error))
            else:
                log.exception("could not wake followers; they will poll")

    async def drain(self) -> None:
        """Wait for a pending wake-up to be sent (before closing the pool)."""
        if self._wake_task is not None:
            await self._wake_task
