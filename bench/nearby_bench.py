"""'Already reported?' with 1,000,000 open requests in the gateway's request index.

The index is filled by COPY with generated open requests of the sample catalogue's types, spread over a
city-sized box (about 20 by 20 km) and the last 90 days; then random questions (a type, a point, the
default 150 m) are asked through the same adapter the gateway's GET /api/nearby uses, one after
another. The ceiling is the same table's primary-key lookup, asked as many times in the same run.

`python -m bench.nearby_bench` (BENCH_NEARBY_REQUESTS, default 1,000,000; BENCH_NEARBY_QUERIES, 2,000).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson

from bench.report import Figure, percentile, table
from bench.services import bench_settings, isolated
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.servers import nats_url, postgres_url
from civic311_city import CitySettings, load_city
from civic311_intake.adapters.request_index import nearby_requests
from civic311_intake.domain.nearby import DEFAULT_RADIUS_M
from civic311_intake.wiring import SERVICE as INTAKE

CENTRE = (42.33, -71.07)
SPAN = 0.09  # degrees each way: about 20 km north-south, 15 km east-west


def _rows(count: int, codes: Sequence[str], now: datetime) -> Iterator[tuple[object, ...]]:
    rng = random.Random(311)
    for n in range(count):
        lat = CENTRE[0] + rng.uniform(-SPAN, SPAN)
        long = CENTRE[1] + rng.uniform(-SPAN, SPAN)
        at = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
        code = rng.choice(codes)
        number = f"B{n:010d}"
        view = {"tracking_number": number, "address": f"{n % 900 + 1} Main St", "description": "A report"}
        yield (number, 1, code, "open", "received", at, at, orjson.dumps(view).decode(), lat, long, True)


async def _fill(pool: asyncpg.Pool, count: int, codes: Sequence[str]) -> None:
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        await conn.copy_records_to_table(
            "request_index",
            records=_rows(count, codes, now),
            columns=[
                "tracking_number",
                "stream_version",
                "service_code",
                "status",
                "stage",
                "requested_at",
                "updated_at",
                "view",
                "lat",
                "long",
                "listed",
            ],
        )
        await conn.execute("ANALYZE request_index")


async def nearby_figures(
    settings: BackboneSettings, pool: asyncpg.Pool
) -> tuple[list[Figure], dict[str, object]]:
    requests = int(os.environ.get("BENCH_NEARBY_REQUESTS", "1000000"))
    queries = int(os.environ.get("BENCH_NEARBY_QUERIES", "2000"))
    codes = [t.code for t in load_city(CitySettings()).catalogue.types if not t.confidential]
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    started = time.perf_counter()
    await _fill(pool, requests, codes)
    filled_s = time.perf_counter() - started
    rng = random.Random(7)
    since = datetime.now(UTC) - timedelta(days=90)
    latencies, found = [], 0
    for _ in range(queries):
        lat, long = CENTRE[0] + rng.uniform(-SPAN, SPAN), CENTRE[1] + rng.uniform(-SPAN, SPAN)
        began = time.perf_counter()
        offered = await nearby_requests(
            pool,
            service_code=rng.choice(codes),
            lat=lat,
            long=long,
            radius_m=DEFAULT_RADIUS_M,
            since=since,
            limit=10,
        )
        latencies.append((time.perf_counter() - began) * 1000)
        found += len(offered)
    lookups = []
    for _ in range(queries):
        number = f"B{rng.randrange(requests):010d}"
        began = time.perf_counter()
        await pool.fetchval("SELECT view FROM request_index WHERE tracking_number = $1", number)
        lookups.append((time.perf_counter() - began) * 1000)
    label = f"{requests:,} open requests"
    figures = [
        Figure(f"already reported? p50, {label}", percentile(latencies, 0.5), "ms"),
        Figure(
            f"already reported? p99, {label}",
            percentile(latencies, 0.99),
            "ms",
            ceiling_name="primary-key lookup p99, same table",
            ceiling=percentile(lookups, 0.99),
        ),
    ]
    parameters: dict[str, object] = {
        "nearby_p50_ms": round(percentile(latencies, 0.5), 2),
        "nearby_p99_ms": round(percentile(latencies, 0.99), 2),
        "lookup_p99_ms": round(percentile(lookups, 0.99), 2),
        "nearby_requests": requests,
        "nearby_queries": queries,
        "nearby_offered_per_query": round(found / queries, 2),
        "nearby_fill_seconds": round(filled_s, 1),
    }
    return figures, parameters


async def _main(database_url: str, nats_server: str) -> None:
    settings = bench_settings(database_url, nats_server)
    async with isolated(settings, pool_name="civic311-bench-nearby") as bench:
        figures, parameters = await nearby_figures(settings, bench.pool)
    print(table(figures))
    print(parameters)


if __name__ == "__main__":
    with postgres_url() as database_url, nats_url() as nats_server:
        asyncio.run(_main(database_url, nats_server))
