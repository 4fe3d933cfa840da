"""Dedup end to end: RequestCreated in the store -> dedup's decision in the store, at an offered load.

The relay and dedup run as their own processes, as `make run` starts them. Reports are appended
straight to the store at BENCH_DEDUP_RATE (default 100) a second for BENCH_DEDUP_SECONDS (default 20),
open loop, after a few seconds at that rate that are not measured; a third are second reports of a
problem already reported, so links are decided too. The latency of each is its decision's
`decided_at` (the deciding transaction's start) minus its RequestCreated's `recorded_at`, both on
PostgreSQL's clock. The trace splits it in two at the moment each RequestCreated reached the bus
(a plain NATS subscription of the bench's own, on the same machine's clock): the relay's part and
dedup's. Beside it, while the load runs, the open transactions of each process are sampled from
`pg_stat_activity` (the relay publishes only below the oldest open one, so a process that holds one
across its round trips holds back every event stored meanwhile), and dedup's CPU time and its own
time per decision (its `civic311_dedup_decision_seconds`) are printed, with what the disk's flushes
took meanwhile (each decision's commit waits for one).

`python -m bench.dedup.end_to_end` measures this alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from nats.aio.msg import Msg

from bench.dedup.generated import CENTRE, PHRASES
from bench.disk_probe import DiskFlushProbe
from bench.report import Figure, table
from bench.services import Isolated, Service, isolated, run_alone, start_service, wait_ready
from civic311_backbone.contracts import Location, RequestCreated, event_subject, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT
from civic311_dedup.wiring import SERVICE as DEDUP

WARM_UP_SECONDS = 3.0
CODES = list(PHRASES)

_OPEN_TRANSACTIONS = """
SELECT application_name, extract(epoch FROM clock_timestamp() - xact_start) FROM pg_stat_activity
 WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
"""
SAMPLE_EVERY = 0.01

_LATENCIES = """
SELECT e.event_id, extract(epoch FROM e.recorded_at), extract(epoch FROM d.decided_at)
  FROM dedup_decisions d JOIN events e ON e.stream_id = d.stream_id AND e.stream_version = 1
 WHERE d.stream_id = ANY($1::text[])
"""


def _report(rng: random.Random, earlier: list[tuple[str, float, float]]) -> RequestCreated:
    if earlier and rng.random() < 1 / 3:
        code, lat, lon = rng.choice(earlier)
        lat, lon = lat + rng.uniform(-2e-4, 2e-4), lon + rng.uniform(-2e-4, 2e-4)
    else:
        code = rng.choice(CODES)
        lat, lon = CENTRE[0] + rng.uniform(-0.06, 0.06), CENTRE[1] + rng.uniform(-0.06, 0.06)
        earlier.append((code, lat, lon))
    words = rng.choice(PHRASES[code]["en"]).format(at=f"outside number {rng.randrange(2, 900)}")
    return RequestCreated(
        tracking_number=new_tracking_number(),
        service_code=code,
        description=words,
        location=Location(lat=lat, long=lon),
        channel="web",
    )


async def _offer(store: EventStore, reports: list[RequestCreated], rate: float) -> list[str]:
    """Append each report at its moment (open loop); the stream ids."""
    started, streams, pending = time.monotonic(), [], set()
    for i, created in enumerate(reports):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        stream = stream_id_for(created.tracking_number)
        streams.append(stream)
        task = asyncio.ensure_future(
            store.append(stream, [new_event(created, actor=RESIDENT)], expected_version=0)
        )
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    return streams


async def _decided(pool: asyncpg.Pool, streams: list[str], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while await pool.fetchval(
        "SELECT count(*) FROM dedup_decisions WHERE stream_id = ANY($1)", streams
    ) < len(streams):
        if time.monotonic() > deadline:
            raise RuntimeError("dedup did not decide on every report in time")
        await asyncio.sleep(0.2)


@dataclass
class OpenTransactions:
    """What the samples of `pg_stat_activity` saw: per process, in how many samples it held a
    transaction open, and how old each was."""

    samples: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    ages_ms: dict[str, list[float]] = field(default_factory=dict)

    async def sample(self, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
        async with pool.acquire() as conn:
            while not stop.is_set():
                self.samples += 1
                rows = await conn.fetch(_OPEN_TRANSACTIONS)
                for name in {row[0] for row in rows}:
                    self.seen[name] = self.seen.get(name, 0) + 1
                for name, age in rows:
                    self.ages_ms.setdefault(name, []).append(float(age) * 1000)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)

    def lines(self) -> list[str]:
        lines = []
        for name, seen in sorted(self.seen.items()):
            ages = sorted(self.ages_ms[name])
            lines.append(
                f"  open transactions of {name or '?'}: in {seen / max(1, self.samples):.0%} of"
                f" {self.samples} samples, age p50 {_p(ages, 0.5):.1f} ms, p99 {_p(ages, 0.99):.1f} ms"
            )
        return lines


async def _decision_seconds(service: Service) -> tuple[float, float]:
    """dedup's own count of decisions and the seconds they took, from its /metrics."""
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{service.url}/metrics")).text
    values = {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line.startswith("civic311_dedup_decision_seconds_")
    }
    return values.get("civic311_dedup_decision_seconds_count", 0.0), values.get(
        "civic311_dedup_decision_seconds_sum", 0.0
    )


async def end_to_end(settings: BackboneSettings, bench: Isolated) -> list[Figure]:
    rate = float(os.environ.get("BENCH_DEDUP_RATE", "100"))
    seconds = float(os.environ.get("BENCH_DEDUP_SECONDS", "20"))
    async with bench.pool.acquire() as conn:
        await migrate_service(conn, DEDUP)
    logs = Path(tempfile.mkdtemp(prefix="civic311-bench-dedup-"))
    on_bus: dict[str, float] = {}

    async def arrived(msg: Msg) -> None:
        on_bus[(msg.headers or {}).get("Nats-Msg-Id", "")] = time.time()

    watch = await bench.nats.subscribe(event_subject(settings.subject_prefix, "RequestCreated"), cb=arrived)
    services = [
        start_service("civic311_backbone.relay", settings, logs),
        start_service("civic311_dedup", settings, logs),
    ]
    rng, earlier = random.Random(7), list[tuple[str, float, float]]()
    transactions = OpenTransactions()
    try:
        await wait_ready(*services)
        print(f"dedup under load: {rate:g} reports/s for {seconds:g} s (logs in {logs}) ...", file=sys.stderr)
        warm = await _offer(
            bench.store, [_report(rng, earlier) for _ in range(int(rate * WARM_UP_SECONDS))], rate
        )
        await _decided(bench.pool, warm, timeout=120)
        load: tuple[float, ...] = os.getloadavg()
        decisions_before = await _decision_seconds(services[1])
        cpu_before = [service.cpu_seconds() for service in services]
        stop_sampling = asyncio.Event()
        sampler = asyncio.ensure_future(transactions.sample(bench.pool, stop_sampling))
        with DiskFlushProbe(logs) as disk:
            measured = await _offer(
                bench.store, [_report(rng, earlier) for _ in range(int(rate * seconds))], rate
            )
            await _decided(bench.pool, measured, timeout=120)
        stop_sampling.set()
        await sampler
        cpu = [service.cpu_seconds() - before for service, before in zip(services, cpu_before, strict=True)]
        decisions_after = await _decision_seconds(services[1])
        load = tuple(max(a, b) for a, b in zip(load, os.getloadavg(), strict=True))
    finally:
        await watch.unsubscribe()
        for service in services:
            service.stop()
    rows = await bench.pool.fetch(_LATENCIES, measured)
    total = sorted((decided - stored) * 1000 for _, stored, decided in rows)
    relay = sorted((on_bus[str(e)] - float(s)) * 1000 for e, s, _ in rows if str(e) in on_bus)
    dedup = sorted((float(d) - on_bus[str(e)]) * 1000 for e, _, d in rows if str(e) in on_bus)
    linked = await bench.pool.fetchval(
        "SELECT count(*) FROM dedup_decisions WHERE stream_id = ANY($1) AND outcome = 'linked'", measured
    )
    print(
        f"  {len(total)} decisions, {linked} of them links; load average up to {load[0]:.2f}", file=sys.stderr
    )
    for name, values in (("store -> bus (relay)", relay), ("bus -> decision (dedup)", dedup)):
        if values:
            print(f"  {name}: p50 {_p(values, 0.5):.1f} ms, p99 {_p(values, 0.99):.1f} ms", file=sys.stderr)
    count = decisions_after[0] - decisions_before[0]
    spent = decisions_after[1] - decisions_before[1]
    print(
        f"  dedup's handler: {count:.0f} decisions, {spent / max(1.0, count) * 1000:.1f} ms each on average;"
        f" CPU while measured: relay {cpu[0]:.1f} s, dedup {cpu[1]:.1f} s",
        file=sys.stderr,
    )
    for line in transactions.lines():
        print(line, file=sys.stderr)
    print(f"  {disk.summary()}", file=sys.stderr)
    return [
        Figure(f"dedup end to end p50 at {rate:g}/s (store -> decision)", _p(total, 0.5), "ms"),
        Figure(f"dedup end to end p99 at {rate:g}/s", _p(total, 0.99), "ms"),
    ]


def _p(values: list[float], quantile: float) -> float:
    return (
        statistics.median(values)
        if quantile == 0.5
        else values[min(len(values) - 1, int(len(values) * quantile))]
    )


async def _alone(settings: BackboneSettings) -> str:
    async with isolated(settings, pool_name="civic311-bench-dedup") as bench:
        return table(await end_to_end(settings, bench))


def main() -> int:
    return run_alone(_alone)


if __name__ == "__main__":
    raise SystemExit(main())
