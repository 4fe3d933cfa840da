"""Dedup's figures for `make bench`: the decision with a million open requests in the index, the
index's memory, and the start-up rebuild (read the store + fold) of a store holding a million requests.

The rebuild runs in a schema of its own, filled with reporting's generated year of requests (created,
assigned, updated, closed), and dropped afterwards. `python -m bench.dedup.speed` runs these alone.
"""

from __future__ import annotations

import os

from bench.dedup.end_to_end import end_to_end
from bench.dedup_bench import speed
from bench.report import Figure, table
from bench.reporting_bench import EVENTS_PER_REQUEST, fill_requests
from bench.services import Isolated, isolated, run_alone
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_dedup.adapters.replay import rebuild
from civic311_dedup.domain.index import RequestIndex


async def dedup_figures(
    settings: BackboneSettings, bench: Isolated
) -> tuple[list[Figure], dict[str, object]]:
    open_requests = int(os.environ.get("BENCH_DEDUP_OPEN", "1000000"))
    stored_requests = int(os.environ.get("BENCH_DEDUP_REBUILD_REQUESTS", "1000000"))
    live = await end_to_end(settings, bench)
    figures = speed(open_requests)
    rebuilt = await _rebuild(settings, stored_requests)
    return [
        *live,
        Figure("dedup decision p50, index of open requests", figures["p50_ms"], "ms"),
        Figure("dedup decision p99 (target < 50 ms)", figures["p99_ms"], "ms"),
        Figure("dedup index memory", figures["memory_mb"], "MB"),
        Figure("dedup fold into the index", figures["fold_s"], "s"),
        Figure("dedup start-up rebuild (read + fold)", rebuilt["seconds"], "s"),
        Figure("dedup rebuild speed", rebuilt["events"] / rebuilt["seconds"], "events/s"),
    ], {
        "dedup_open_requests": int(figures["open"]),
        "dedup_rebuild_requests": rebuilt["requests"],
        "dedup_rebuild_events": rebuilt["events"],
    }


async def _rebuild(settings: BackboneSettings, requests: int) -> dict[str, float]:
    own = settings.model_copy(update={"database_schema": f"{settings.database_schema}_dedup"})
    pool = await create_pool(own, application_name="civic311-bench-dedup")
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        made, stored = await fill_requests(pool, round(requests * EVENTS_PER_REQUEST))
        result = await rebuild(EventStore(pool, notify_channel=notify_channel(own)), RequestIndex())
        return {"requests": made, "events": stored, "seconds": result.seconds}
    finally:
        await pool.execute(f'DROP SCHEMA "{own.database_schema}" CASCADE')
        await pool.close()


async def _alone(settings: BackboneSettings) -> str:
    async with isolated(settings, pool_name="civic311-bench-dedup") as bench:
        figures, parameters = await dedup_figures(settings, bench)
    return f"{table(figures)}\n{parameters}; load average {os.getloadavg()}"


def main() -> int:
    """python -m bench.dedup.speed: dedup's speed figures alone (end to end, the index, the rebuild)."""
    return run_alone(_alone)


if __name__ == "__main__":
    raise SystemExit(main())
