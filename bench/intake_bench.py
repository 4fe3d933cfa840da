"""The gateway under load: Open311 POSTs accepted (durably appended) per second, with p50/p99 latency.

One intake process (as `civic311 run` starts it, rate limit off), wrk keeping a fixed number of
connections busy with the same form-encoded service request. "Accepted" is counted in the store (the
RequestCreated events appended while wrk ran), not from wrk's answers. Beside it, the ceiling of the
same HTTP stack: wrk on the process's /health/live, which touches neither the database nor a form.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import asyncpg

from bench.report import Figure
from bench.services import start_service, wait_ready
from bench.wrk import WrkRun, form_post_script, run_wrk
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_intake.adapters.access import issue_api_key
from civic311_intake.wiring import SERVICE as INTAKE

SECONDS = int(os.environ.get("BENCH_INTAKE_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_INTAKE_CONNECTIONS", "16"))


def _request_body(api_key: str) -> str:
    return urlencode(
        {
            "api_key": api_key,
            "service_code": "POTHOLE",
            "lat": "42.3601",
            "long": "-71.0589",
            "address_string": "1 City Hall Sq",
            "attribute[SIZE]": "large",
            "description": "Deep pothole by the bus stop, cars swerve into the bike lane to avoid it.",
            "email": "resident@example.org",
        }
    )


async def _created(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'RequestCreated'")
    return count


async def intake_figures(settings: BackboneSettings, pool: asyncpg.Pool) -> tuple[list[Figure], WrkRun]:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    api_key = await issue_api_key(pool, issued_to="bench")
    with tempfile.TemporaryDirectory(prefix="civic311-bench-intake-") as logs:
        gateway = start_service("civic311_intake", settings, Path(logs), POSTS_PER_MINUTE="0")
        try:
            await wait_ready(gateway)
            ceiling = await asyncio.to_thread(
                run_wrk, f"{gateway.url}/health/live", seconds=SECONDS, connections=CONNECTIONS
            )
            before = await _created(pool)
            posts = await asyncio.to_thread(
                run_wrk,
                f"{gateway.url}/open311/v2/requests.json",
                seconds=SECONDS,
                connections=CONNECTIONS,
                lua=form_post_script(_request_body(api_key)),
            )
            accepted = (await _created(pool)) - before
        finally:
            gateway.stop()
    accepted_per_second = accepted / posts.seconds
    return [
        Figure(
            f"Open311 POSTs accepted/s ({CONNECTIONS} connections, {posts.failed} failed)",
            accepted_per_second,
            "requests/s",
            ceiling_name="GET /health/live, same process (HTTP stack ceiling)",
            ceiling=ceiling.per_second,
            target_absolute=1000.0,
        ),
        Figure("Open311 POST latency p50", posts.latency_ms.get(50, float("nan")), "ms"),
        Figure("Open311 POST latency p99 (target < 50 ms)", posts.latency_ms.get(99, float("nan")), "ms"),
    ], posts
