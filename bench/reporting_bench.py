"""Reporting replay: the full rebuild into every SLA projection, and a replay to an instant.

Beside the naive ceiling measured in the same run: every row of the same `events` table SELECTed in
pages and its JSON decoded in Python. The store is filled in SQL with requests of realistic shape
(created, assigned, ~70% updated, ~80% closed; ~4% of closes duplicates) spread over a year, stored
in occurrence order, so that the events before an instant are mostly a prefix of the store.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.report import Figure
from bench.store_bench import naive_read
from civic311_backbone.store import EventStore
from civic311_reporting.application.replay import replay_states
from civic311_reporting.domain.profile import DEFAULT_PROFILE
from civic311_reporting.domain.report import sla_report

PERIOD_START = datetime(2025, 1, 1, tzinfo=UTC)
PERIOD = timedelta(days=365)
EVENTS_PER_REQUEST = 3.5  # created + assigned + 0.7 updated + 0.8 closed

SERVICE_CODES = [
    "POTHOLE", "STRLGHT", "GRAFFITI", "TRASH", "RECYCLE", "BULKITEM", "ABNDVEH", "PRKENF", "SNOWPLOW",
    "SIDEWALK", "TREEPRUNE", "TREEDOWN", "DEADANIM", "RODENT", "NOISE", "HEAT", "WATERLEAK", "SEWER",
    "CATCHBSN", "HYDRANT", "SIGNREP", "SIGNAL", "CROSSWALK", "BIKELANE", "PARKMAINT", "PLAYGRND",
    "BENCH", "LITTER", "DUMPING", "NEEDLE", "ENCAMP", "BLDGCOMP", "UNSAFEBLDG", "ZONING", "PERMIT",
    "RESTAURANT", "POOLSAFE", "MOSQUITO", "AIRQUAL", "ODOR", "STRCLEAN", "LEAVES", "CURBREP",
    "MANHOLE", "BUSSHELTR", "METER", "TOWED", "DOGWASTE", "ANIMALCTL", "OTHER",
]  # fmt: skip
DEPARTMENTS = [
    "Public Works", "Transportation", "Parks", "Inspectional Services", "Water and Sewer",
    "Public Health", "Animal Control", "Property Management", "Environment", "Neighborhood Services",
]  # fmt: skip
CHANNELS = ["web", "open311", "phone", "sms", "email"]
DISTRICTS = ["North", "South", "East", "West", "Central", "Dorchester", "Roxbury", "Allston"]

# One chunk of requests [$1, $1 + $2) of $3; each request's random draws made once, then its events
# emitted in occurrence order (the trigger gives positions in insertion order).
_FILL = """
WITH r AS MATERIALIZED (
    SELECT i,
           $4::timestamptz + (i::float8 / $3) * $5::interval + random() * interval '1 hour' AS created,
           (1 + floor(random() * 30)) * interval '1 day' AS due_in,
           (0.02 + 45 * random() ^ 2) * interval '1 day' AS close_in,
           random() < 0.7 AS updated, random() < 0.8 AS closed, random() < 0.04 AS duplicate,
           ($6::text[])[1 + floor(random() * array_length($6, 1))::int] AS service_code,
           ($7::text[])[1 + floor(random() * array_length($7, 1))::int] AS department,
           ($8::text[])[1 + floor(random() * array_length($8, 1))::int] AS channel,
           ($9::text[])[1 + floor(random() * array_length($9, 1))::int] AS district,
           42.3 + (random() - 0.5) * 0.1 AS lat, -71.06 + (random() - 0.5) * 0.1 AS long,
           'bench-' || $10 || '-' || i AS stream_id
      FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS i
), e AS (
    SELECT stream_id, 1 AS v, 'RequestCreated' AS t, created AS at,
           '{"kind": "resident", "id": "resident-bench"}'::jsonb AS actor,
           jsonb_build_object(
               'tracking_number', 'BOS-' || lpad(i::text, 9, '0'), 'service_code', service_code,
               'description', 'Reported through ' || channel || ': ' || lower(service_code)
                   || ' near the corner, has been there for days and is getting worse. Please send someone.',
               'location', jsonb_build_object('lat', lat, 'long', long, 'address_string', NULL,
                                              'address_id', NULL),
               'attributes', '{}'::jsonb, 'media_url', NULL, 'channel', channel,
               'language', CASE WHEN i % 10 = 0 THEN 'es' ELSE 'en' END, 'contact', NULL,
               'jurisdiction_id', 'boston', 'external_id', NULL) AS payload
      FROM r
    UNION ALL
    SELECT stream_id, 2, 'Assigned', created + interval '2 minutes',
           '{"kind": "system", "id": "routing"}'::jsonb,
           jsonb_build_object(
               'department', department, 'queue', department || ' - ' || district, 'priority', 'normal',
               'due_at', to_char((created + due_in) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'district', district, 'rule', 'by-type-' || lower(service_code), 'reason', 'routing',
               'clock', 'started', 'note', NULL)
      FROM r
    UNION ALL
    SELECT stream_id, 3, 'StatusUpdated', created + close_in * 0.3,
           '{"kind": "staff", "id": "staff-bench"}'::jsonb,
           jsonb_build_object('status', 'in_progress', 'public_note', 'A crew is on the way.',
                              'internal_note', NULL, 'cost', NULL)
      FROM r WHERE updated
    UNION ALL
    SELECT stream_id, CASE WHEN updated THEN 4 ELSE 3 END, 'Closed', created + close_in,
           '{"kind": "staff", "id": "staff-bench"}'::jsonb,
           jsonb_build_object(
               'resolution', CASE WHEN duplicate THEN 'duplicate' ELSE 'resolved' END,
               'duplicate_of', CASE WHEN duplicate THEN 'BOS-' || lpad(greatest(i - 7, 0)::text, 9, '0') END,
               'public_note', CASE WHEN duplicate THEN 'Already reported.' ELSE 'Fixed, thank you.' END,
               'internal_note', NULL,
               'cost', jsonb_build_object('labour_hours', round((0.5 + random() * 4)::numeric, 1)::text,
                                          'materials', round((random() * 200)::numeric, 2)::text,
                                          'currency', 'USD'))
      FROM r WHERE closed
)
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, occurred_at,
                    correlation_id, actor, payload)
SELECT gen_random_uuid(), stream_id, v, t, 1, at, gen_random_uuid(), actor, payload
  FROM e ORDER BY at
"""


async def fill_requests(pool: asyncpg.Pool, events: int, *, chunk: int = 40_000) -> tuple[int, int]:
    """About `events` events of ~events/3.5 requests over a year. Returns (requests, events stored)."""
    requests = max(1, round(events / EVENTS_PER_REQUEST))
    tag = str(int(time.time()))
    before = int(await pool.fetchval("SELECT count(*) FROM events"))
    for start in range(0, requests, chunk):
        await pool.execute(
            _FILL,
            start,
            min(chunk, requests - start),
            requests,
            PERIOD_START,
            PERIOD,
            SERVICE_CODES,
            DEPARTMENTS,
            CHANNELS,
            DISTRICTS,
            tag,
        )
    await pool.execute("VACUUM ANALYZE events")
    return requests, int(await pool.fetchval("SELECT count(*) FROM events")) - before


async def _rebuild(
    store: EventStore, pool: asyncpg.Pool, *, until: datetime | None, as_of: datetime
) -> tuple[float, int]:
    """Seconds for the replay (to `until`) plus the SLA report as of `as_of`; and the requests folded.
    The replay reads as `civic311 report` does: only the payload fields the fold needs."""
    started = time.perf_counter()
    states = await replay_states(store, until=until, narrow=True)
    sla_report(states, as_of=as_of, profile=DEFAULT_PROFILE)
    return time.perf_counter() - started, len(states)


async def reporting_figures(
    store: EventStore, pool: asyncpg.Pool, *, events: int, database_url: str
) -> tuple[list[Figure], dict[str, Any]]:
    """Fill a fresh store (the pool's schema) with `events` realistic events and measure the replays."""
    print(f"reporting: generating {events:,} events ...", file=sys.stderr)
    started = time.perf_counter()
    requests, stored = await fill_requests(pool, events)
    fill_seconds = time.perf_counter() - started
    total = int(await pool.fetchval("SELECT count(*) FROM events"))
    midpoint = PERIOD_START + PERIOD / 2
    before = int(await pool.fetchval("SELECT count(*) FROM events WHERE occurred_at <= $1", midpoint))

    print("reporting: naive read ...", file=sys.stderr)
    started = time.perf_counter()
    read = await naive_read(pool)
    ceiling = read / (time.perf_counter() - started)

    print("reporting: full rebuild ...", file=sys.stderr)
    now = datetime.now(UTC)
    full_seconds, full_requests = await _rebuild(store, pool, until=None, as_of=now)

    # The events before the instant alone: a copy of them in a schema of their own, searched first
    # (the store's functions are found in the original schema behind it). Each replay then runs twice,
    # alternately, and the faster run of each counts: the copy, just written, starts out in the
    # caches, and the machine's noise is of the order of the difference measured.
    schema = str(await pool.fetchval("SELECT current_schema()"))
    prefix = f"{schema}_prefix"
    await pool.execute(f'CREATE SCHEMA "{prefix}"')
    try:
        await pool.execute(
            f'CREATE TABLE "{prefix}".events AS SELECT * FROM events WHERE occurred_at <= $1 '
            "ORDER BY global_position",
            midpoint,
        )
        await pool.execute(f'ALTER TABLE "{prefix}".events ADD PRIMARY KEY (global_position)')
        await pool.execute(
            f'CREATE INDEX ON "{prefix}".events (occurred_at, global_position)'
        )  # as the store
        await pool.execute(f'VACUUM ANALYZE "{prefix}".events')
        prefix_pool = await asyncpg.create_pool(
            database_url,
            min_size=1,
            max_size=2,
            server_settings={"search_path": f'"{prefix}", "{schema}"'},
        )
        assert prefix_pool is not None
        try:
            prefix_store = EventStore(prefix_pool, notify_channel=store.notify_channel)
            as_of_runs, prefix_runs = [], []
            for _ in range(2):
                print("reporting: replay to the midpoint ...", file=sys.stderr)
                as_of_runs.append((await _rebuild(store, pool, until=midpoint, as_of=midpoint))[0])
                print("reporting: replay of only the events up to the midpoint ...", file=sys.stderr)
                prefix_runs.append(
                    (await _rebuild(prefix_store, prefix_pool, until=midpoint, as_of=midpoint))[0]
                )
            as_of_seconds, prefix_seconds = min(as_of_runs), min(prefix_runs)
        finally:
            await prefix_pool.close()
    finally:
        await pool.execute(f'DROP SCHEMA "{prefix}" CASCADE')

    parameters = {
        "reporting_requests": requests,
        "reporting_events_generated": stored,
        "reporting_events_in_store": total,
        "reporting_events_naive_read": read,
        "reporting_fill_seconds": round(fill_seconds, 1),
        "reporting_full_rebuild_seconds": round(full_seconds, 2),
        "reporting_requests_folded": full_requests,
        "reporting_as_of": midpoint.isoformat(),
        "reporting_events_up_to_as_of": before,
        "reporting_as_of_replay_seconds": round(as_of_seconds, 2),
        "reporting_prefix_replay_seconds": round(prefix_seconds, 2),
        "reporting_as_of_replay_runs_seconds": [round(t, 2) for t in as_of_runs],
        "reporting_prefix_replay_runs_seconds": [round(t, 2) for t in prefix_runs],
    }
    figures = [
        Figure(
            "reporting full rebuild (fold + SLA report)",
            total / full_seconds,
            "events/s",
            "paged SELECT + JSON decode",
            ceiling,
            target_ratio=1.0,
        ),
        Figure(
            "reporting replay to mid-period, store events/s",
            total / as_of_seconds,
            "events/s",
            "paged SELECT + JSON decode",
            ceiling,
        ),
        Figure(
            "reporting replay to mid-period, events up to it/s",
            before / as_of_seconds,
            "events/s",
            "replay of only those events",
            before / prefix_seconds,
            target_ratio=1.0,
        ),
    ]
    return figures, parameters
