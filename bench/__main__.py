"""python -m bench: measure, write bench/results/latest.json, print a table.

Uses DATABASE_URL / NATS_URL when set, else the embedded servers. Everything runs in a schema and a
JetStream stream of its own, dropped afterwards. BENCH_READ_EVENTS (default 1,000,000) sets the size
of the replay; BENCH_APPENDS_PER_CLIENT (default 2,000) the append runs; BENCH_REPORTING_EVENTS
(default 1,000,000) the reporting replay's store, filled in a fresh schema of its own.
BENCH_ONLY=reporting measures only the reporting figures (for iterating on the projections), and
BENCH_ONLY=intake only the gateway's Open311 POSTs (BENCH_INTAKE_CONNECTIONS, default 16, and
BENCH_INTAKE_SECONDS, default 20, set wrk's load).
BENCH_ROUTING_RATE (default 200/s) and BENCH_ROUTING_SECONDS (default 25) set routing's offered load;
`python -m bench.routing_bench` measures only routing. BENCH_ONLY=geocoding (or `python -m
bench.geocoding_bench`) measures only geocoding (BENCH_GEOCODING_POINTS, default 500,000).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bench.analysts_bench import analysts_figures
from bench.dedup.speed import dedup_figures
from bench.geocoding_bench import GEOCODING_POINTS, GEOCODING_QUERIES, geocoding_figures
from bench.intake_bench import CONNECTIONS, SECONDS, intake_figures
from bench.notifier_bench import notifier_figures
from bench.relay_bench import relay_figures
from bench.report import Figure, table, write
from bench.reporting_bench import reporting_figures
from bench.routing_bench import measure_routing
from bench.services import bench_settings, isolated
from bench.store_bench import append_figures, fill, read_figures
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_backbone.testing.servers import nats_url, postgres_url

RESULTS = Path(__file__).parent / "results"


async def measure(database_url: str, nats_server: str) -> int:
    read_events = int(os.environ.get("BENCH_READ_EVENTS", "1000000"))
    per_client = int(os.environ.get("BENCH_APPENDS_PER_CLIENT", "2000"))
    relay_events = int(os.environ.get("BENCH_RELAY_EVENTS", "100000"))
    reporting_events = int(os.environ.get("BENCH_REPORTING_EVENTS", "1000000"))
    settings = bench_settings(database_url, nats_server)
    async with isolated(settings, pool_name="civic311-bench") as bench:
        pool, store, client = bench.pool, bench.store, bench.nats
        if os.environ.get("BENCH_ONLY") == "reporting":
            figures, parameters = await _reporting(settings, reporting_events)
            print(table(figures))
            print(f"\nwritten to {write(figures, RESULTS, parameters, name='reporting.json')}")
            return 0
        if os.environ.get("BENCH_ONLY") == "dedup":
            figures, _ = await dedup_figures(settings, bench)
            print(table(figures))
            return 0
        if os.environ.get("BENCH_ONLY") == "geocoding":
            figures, _ = geocoding_figures(GEOCODING_POINTS, GEOCODING_QUERIES)
            print(table(figures))
            return 0
        if os.environ.get("BENCH_ONLY") == "intake":
            figures, _ = await intake_figures(settings, pool)
            print(table(figures))
            return 0
        # Routing's latency first, on a quiet machine: after the append and relay runs, PostgreSQL's
        # autovacuum works through their tables for a while, on the same two cores.
        routing, routing_parameters = await measure_routing(settings)
        figures = routing
        print("appends ...", file=sys.stderr)
        figures += await append_figures(store, pool, per_client)
        stored = int(await pool.fetchval("SELECT count(*) FROM events"))
        print("relay ...", file=sys.stderr)
        await fill(pool, max(0, relay_events - stored))
        relay, relayed = await relay_figures(store, client, settings)
        figures += relay
        print("gateway POSTs ...", file=sys.stderr)
        intake, posts = await intake_figures(settings, pool)
        figures += intake
        print(f"filling to {read_events:,} events ...", file=sys.stderr)
        stored = int(await pool.fetchval("SELECT count(*) FROM events"))
        await fill(pool, max(0, read_events - stored))
        print("read-all ...", file=sys.stderr)
        read, replayed = await read_figures(store, pool)
        figures += read
        reporting, reporting_parameters = await _reporting(settings, reporting_events)
        figures += reporting
        print("dedup ...", file=sys.stderr)
        dedup, dedup_parameters = await dedup_figures(settings, bench)
        figures += dedup
        print("geocoding ...", file=sys.stderr)
        geocoding, geocoding_parameters = geocoding_figures(GEOCODING_POINTS, GEOCODING_QUERIES)
        figures += geocoding
        figures += (await notifier_figures(settings))[0]  # python -m bench.notifier_bench: these alone
        figures += (await asyncio.to_thread(analysts_figures, settings))[0]  # python -m bench.analysts_bench
        path = write(
            figures,
            RESULTS,
            {
                "appends_per_client": per_client,
                "relayed_events": relayed,
                "replayed_events": replayed,
                **reporting_parameters,
                **dedup_parameters,
                **routing_parameters,
                **geocoding_parameters,
                "intake_connections": CONNECTIONS,
                "intake_seconds": SECONDS,
                "intake_posts_sent": posts.requests,
                "intake_posts_failed": posts.failed,
            },
        )
        print(table(figures))
        print(f"\nwritten to {path}")
    return 0


async def _reporting(settings: BackboneSettings, events: int) -> tuple[list[Figure], dict[str, object]]:
    """The reporting replay figures, in a fresh schema (dropped afterwards)."""
    own = settings.model_copy(update={"database_schema": f"{settings.database_schema}_reporting"})
    pool = await create_pool(own, application_name="civic311-bench-reporting")
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        store = EventStore(pool, notify_channel=notify_channel(own))
        return await reporting_figures(store, pool, events=events, database_url=str(own.database_url))
    finally:
        await pool.execute(f'DROP SCHEMA "{own.database_schema}" CASCADE')
        await pool.close()


def main() -> int:
    with postgres_url() as database_url, nats_url() as nats_server:
        return asyncio.run(measure(database_url, nats_server))


if __name__ == "__main__":
    raise SystemExit(main())
