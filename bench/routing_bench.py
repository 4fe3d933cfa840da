"""Routing: decisions per second of the pure router, and the time from RequestCreated to Assigned in the store.

(a) `Router.assign` over generated requests with the shipped catalogue, rules and districts and the
default business calendar: the routing decision alone, no I/O.

(b) At a fixed offered load (BENCH_ROUTING_RATE, default 200 requests/s, for BENCH_ROUTING_SECONDS,
default 25, after 3 s at that rate that are not measured: a warm-up in which the connection pools
grow to what the load needs), residents' reports are POSTed to the gateway over Open311 (open loop, prebuilt requests,
see http_load.py) while the gateway, the relay and the routing service run as their own processes, as
`make run` starts them. The latency of each request is its Assigned's `recorded_at` minus its RequestCreated's
`recorded_at`, both set by PostgreSQL's clock. Routing also consumes its own Assigned events (to keep
its breach watch), so its consumer sees twice the offered rate. Meanwhile a probe flushes a small
write to the local disk every 20 ms (`disk_probe.py`): a flush that stalls for hundreds of milliseconds
holds up every commit at once, and the figures are to be read beside it.

`python -m bench.routing_bench` measures only these figures and prints them (writing no file).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import asyncpg
from nats.js import JetStreamContext

from bench.disk_probe import DiskFlushProbe
from bench.http_load import Connections, form_post, offer
from bench.report import Figure, table
from bench.services import (
    Isolated,
    Service,
    isolated,
    machine_busy_seconds,
    named_cpu_seconds,
    run_alone,
    start_service,
    wait_ready,
)
from civic311_backbone.contracts import Actor, Location, RequestCreated
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_city import load_city
from civic311_city.catalogue import RequestType
from civic311_intake.adapters.access import issue_api_key
from civic311_intake.wiring import SERVICE as INTAKE
from civic311_routing.settings import RoutingSettings
from civic311_routing.wiring import build_router

RESIDENT = Actor(kind="resident", id="bench")
# The sample city's bounding box, and a little around it (some points fall outside every district).
LATS, LONGS = (42.22, 42.42), (-71.20, -70.98)
WORDS = ("deep", "burst", "gushing", "blocking", "large", "near the school", "again", "dangerous")
SAMPLE_DECISIONS = 20_000
LATENCY_TARGET_MS = 100.0
WARM_UP_SECONDS = 3.0


def _request(rng: random.Random, types: Sequence[RequestType]) -> RequestCreated:
    request_type = rng.choice(types)
    answers: dict[str, str | list[str]] = {}
    for attribute in request_type.attributes:
        if attribute.values:
            keys = [v.key for v in attribute.values]
            answers[attribute.code] = (
                [rng.choice(keys)] if attribute.datatype == "multivaluelist" else rng.choice(keys)
            )
    return RequestCreated(
        tracking_number=uuid4().hex[:8].upper(),
        service_code=request_type.code,
        description=" ".join(rng.sample(WORDS, 3)) + f" {request_type.name.lower()}",
        location=Location(lat=rng.uniform(*LATS), long=rng.uniform(*LONGS)),
        attributes=answers,
        channel="web",
    )


def decision_rate(settings: RoutingSettings, count: int = SAMPLE_DECISIONS) -> float:
    """Routing decisions per second of the pure router."""
    router = build_router(settings, load_city(settings))
    rng = random.Random(311)
    requests = [_request(rng, router.catalogue.types) for _ in range(count)]
    created = datetime(2026, 1, 8, 15, 0, tzinfo=UTC)
    started = time.perf_counter()
    for request in requests:
        router.assign(request, created_at=created)
    return count / (time.perf_counter() - started)


async def _assigned_count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'Assigned'"))


async def _wait_assigned(pool: asyncpg.Pool, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (done := await _assigned_count(pool)) < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done} of {expected} requests assigned within {timeout:.0f}s")
        await asyncio.sleep(0.1)


def _fileable(types: Sequence[RequestType]) -> list[RequestType]:
    """The public types whose required questions all have choices, so a generated report is accepted."""
    return [t for t in types if not t.confidential and all(a.values or not a.required for a in t.attributes)]


def _reports(
    count: int, types: Sequence[RequestType], api_key: str, host: str, *, seed: int = 2011
) -> list[bytes]:
    """`count` Open311 POSTs of generated reports, built before the clock starts."""
    rng = random.Random(seed)
    reports = []
    for _ in range(count):
        request = _request(rng, types)
        fields: dict[str, str | list[str]] = {
            "api_key": api_key,
            "service_code": request.service_code,
            "lat": str(request.location.lat),
            "long": str(request.location.long),
            "description": request.description or "",
        }
        for code, answer in request.attributes.items():
            fields[f"attribute[{code}][]" if isinstance(answer, list) else f"attribute[{code}]"] = answer
        reports.append(form_post(host, "/open311/v2/requests.json", fields))
    return reports


async def _offer(connections: Connections, reports: Sequence[bytes], rate: float) -> tuple[int, float]:
    statuses, went_out = await offer(connections, reports, rate)
    refused = len([s for s in statuses if s != 200])
    if refused:
        raise RuntimeError(f"the gateway refused {refused} of {len(reports)} reports")
    return len(reports), went_out


async def _measured_requests(pool: asyncpg.Pool, since: datetime) -> list[asyncpg.Record]:
    """Each measured request, by when it was stored: its latency, and the part of it until routing
    decided (its Assigned's occurred_at; the rest is routing's append)."""
    requests: list[asyncpg.Record] = await pool.fetch(
        """SELECT c.event_id, c.recorded_at, extract(epoch FROM a.recorded_at - c.recorded_at) * 1000 AS ms,
                  extract(epoch FROM a.occurred_at - c.recorded_at) * 1000 AS decided_ms
           FROM events c JOIN events a ON a.stream_id = c.stream_id AND a.event_type = 'Assigned'
           WHERE c.event_type = 'RequestCreated' AND c.recorded_at >= $1 ORDER BY c.recorded_at""",
        since,
    )
    return requests


async def _relay_lags_ms(
    js: JetStreamContext, stream: str, requests: Sequence[asyncpg.Record], every: int
) -> dict[str, float]:
    """For every `every`-th message of the stream that is a measured RequestCreated: its recorded_at
    to its JetStream timestamp (the relay's share of the latency), by event id."""
    recorded = {str(r["event_id"]): r["recorded_at"] for r in requests}
    last = (await js.stream_info(stream)).state.last_seq
    lags = {}
    for seq in range(1, last + 1, every):
        msg = await js.get_msg(stream, seq)
        event_id = (msg.headers or {}).get("Nats-Msg-Id")
        if event_id in recorded and msg.time is not None:
            published = datetime.fromisoformat(str(msg.time).replace("Z", "+00:00"))
            lags[event_id] = (published - recorded[event_id]).total_seconds() * 1000
    return lags


def _write_trace(path: Path, requests: Sequence[asyncpg.Record], relay_lags: dict[str, float]) -> None:
    """Per request: when it was stored, its latency, the part until routing decided, and the relay's
    part (to see whether slow ones come together, and where they waited)."""
    path.write_text(
        "recorded_at,ms,decided_ms,relay_ms\n"
        + "".join(
            f"{r['recorded_at'].isoformat()},{r['ms']:.1f},{r['decided_ms']:.1f},"
            f"{relay_lags[str(r['event_id'])]:.1f}\n"
            for r in requests
            if str(r["event_id"]) in relay_lags
        )
    )


def _cpu_seconds(services: Sequence[Service]) -> list[float]:
    """CPU seconds so far: each service, PostgreSQL, the NATS server, and the whole machine."""
    return [
        *(service.cpu_seconds() for service in services),
        named_cpu_seconds("postgres"),
        named_cpu_seconds("nats-server"),
        machine_busy_seconds(),
    ]


def _percentile(values: Sequence[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


async def routing_figures(
    bench: Isolated, settings: BackboneSettings
) -> tuple[list[Figure], dict[str, object]]:
    """Both routing figures, in `bench`'s schema and stream (which `settings` names)."""
    pool = bench.pool
    rate = float(os.environ.get("BENCH_ROUTING_RATE", "200"))
    seconds = float(os.environ.get("BENCH_ROUTING_SECONDS", "25"))
    routing_settings = RoutingSettings(**settings.model_dump())
    print("routing decisions ...", file=sys.stderr)
    decisions = decision_rate(routing_settings)
    fileable = _fileable(load_city(routing_settings).catalogue.types)

    logs = Path(tempfile.mkdtemp(prefix="civic311-bench-routing-"))
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
        # PostgreSQL writes out what earlier runs (a million-event fill, say) left dirty now, not in
        # the measured window, where its disk flushes would slow every commit (superusers only).
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CHECKPOINT")
    api_key = await issue_api_key(pool, issued_to="routing bench")
    services = [
        start_service("civic311_backbone.relay", settings, logs),
        start_service("civic311_routing", settings, logs),
        start_service("civic311_intake", settings, logs, POSTS_PER_MINUTE="0"),
    ]
    gateway = urlsplit(services[-1].url)
    assert gateway.hostname is not None and gateway.port is not None
    first_reports = _reports(20, fileable, api_key, gateway.netloc, seed=1)
    warm_reports = _reports(int(rate * WARM_UP_SECONDS), fileable, api_key, gateway.netloc, seed=2)
    reports = _reports(int(rate * seconds), fileable, api_key, gateway.netloc)
    connections = Connections(gateway.hostname, gateway.port, 32)
    try:
        print(
            f"routing under load: {rate:g} reports/s POSTed to the gateway for {seconds:g} s (logs in {logs}) ...",
            file=sys.stderr,
        )
        await wait_ready(*services)
        await connections.open()
        first, _ = await _offer(connections, first_reports, 20)  # until every process is up and subscribed
        await _wait_assigned(pool, first, timeout=60)
        # Then the offered rate for a few seconds, not measured: the services' connection pools grow
        # to what the load needs (each new connection prepares its statements) before the clock starts.
        warm, _ = await _offer(connections, warm_reports, rate)
        warm += first
        await _wait_assigned(pool, warm, timeout=120)
        since = datetime.now(UTC)
        cpu_before = _cpu_seconds(services)
        with DiskFlushProbe(logs) as disk:
            offered, offered_rate = await _offer(connections, reports, rate)
            await _wait_assigned(pool, warm + offered, timeout=120)
        relay_cpu, routing_cpu, gateway_cpu, postgres_cpu, nats_cpu, machine_cpu = (
            (after - before) * 1000 / offered
            for after, before in zip(_cpu_seconds(services), cpu_before, strict=True)
        )
        if any(service.process.poll() is not None for service in services):
            raise RuntimeError(f"a process exited early: see {logs}")
    finally:
        await connections.close()
        for service in services:
            service.stop()
    requests = await _measured_requests(pool, since)
    latencies = sorted(float(r["ms"]) for r in requests)
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    trace = os.environ.get("BENCH_ROUTING_TRACE")
    # A sample of the stream's messages (all of them for a trace: every request's relay share).
    lags = await _relay_lags_ms(bench.nats.jetstream(), settings.stream_name, requests, 1 if trace else 5)
    if trace:
        _write_trace(Path(trace), requests, lags)
    relay_lags = sorted(lags.values())
    relay_p50, relay_p99 = _percentile(relay_lags, 0.50), _percentile(relay_lags, 0.99)
    load = f"{rate:g}/s offered"
    figures = [
        Figure("routing decisions (pure router)", decisions, "decisions/s"),
        Figure(f"RequestCreated -> Assigned in store, p50, {load}", p50, "ms"),
        Figure(f"RequestCreated -> Assigned in store, p99, {load}", p99, "ms"),
    ]
    parameters: dict[str, object] = {
        "routing_offered_rate": rate,
        "routing_offered_rate_achieved": round(offered_rate, 1),
        "routing_seconds": seconds,
        "routing_warm_up_seconds": WARM_UP_SECONDS,
        "routing_requests_measured": len(latencies),
        "routing_latency_max_ms": round(latencies[-1], 1),
        "routing_p99_under_100_ms": p99 < LATENCY_TARGET_MS,
        "routing_cpu_ms_per_request": round(routing_cpu, 2),
        "routing_relay_cpu_ms_per_request": round(relay_cpu, 2),
        "routing_gateway_cpu_ms_per_request": round(gateway_cpu, 2),
        "routing_postgres_cpu_ms_per_request": round(postgres_cpu, 2),
        "routing_nats_cpu_ms_per_request": round(nats_cpu, 2),
        "routing_machine_cpu_ms_per_request": round(machine_cpu, 2),
        "routing_relay_share_p50_ms": round(relay_p50, 1),
        "routing_relay_share_p99_ms": round(relay_p99, 1),
        "routing_disk_flush_longest_ms": round(disk.longest_ms, 1),
        "routing_disk_flush_stalls_ms": [round(stall.ms) for stall in disk.stalls],
        "routing_load_path": "Open311 POSTs to the gateway at the offered rate (open loop); gateway, relay "
        "and routing as separate processes",
    }
    print(
        f"routing: {decisions:,.0f} decisions/s; store-to-store p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {latencies[-1]:.1f} ms over {len(latencies):,} requests at {offered_rate:.1f}/s offered "
        f"(Open311 POSTs to the gateway; gateway, relay and routing as processes); "
        f"p99 < {LATENCY_TARGET_MS:g} ms: {'yes' if p99 < LATENCY_TARGET_MS else 'NO'}; of which store -> "
        f"JetStream (relay) p50 {relay_p50:.1f} ms, p99 {relay_p99:.1f} ms; CPU per request: routing "
        f"{routing_cpu:.2f} ms, relay {relay_cpu:.2f} ms, gateway {gateway_cpu:.2f} ms, PostgreSQL "
        f"{postgres_cpu:.2f} ms, NATS {nats_cpu:.2f} ms; the whole machine {machine_cpu:.2f} ms; "
        f"{disk.summary()}",
        file=sys.stderr,
    )
    return figures, parameters


async def measure_routing(settings: BackboneSettings) -> tuple[list[Figure], dict[str, object]]:
    """The routing figures in a schema, JetStream stream and subjects of their own, removed afterwards."""
    own = settings.model_copy(
        update={
            "database_schema": f"{settings.database_schema}_routing",
            "stream_name": f"{settings.stream_name}_ROUTING",
            "subject_prefix": f"{settings.subject_prefix}routing",
        }
    )
    async with isolated(own, pool_name="civic311-bench-routing") as bench:
        return await routing_figures(bench, own)


async def _alone(settings: BackboneSettings) -> str:
    figures, parameters = await measure_routing(settings)
    return f"{table(figures)}\n{json.dumps(parameters, indent=2)}"


def main() -> int:
    return run_alone(_alone)


if __name__ == "__main__":
    raise SystemExit(main())
