"""Routing: decisions per second of the pure router, and the time from RequestCreated to Assigned in the store.

(a) `Router.assign` over generated requests with the shipped catalogue, rules and districts and the
default business calendar: the routing decision alone, no I/O.

(b) At a fixed offered load (BENCH_ROUTING_RATE, default 200 requests/s, for BENCH_ROUTING_SECONDS,
default 25), residents' reports are POSTed to the gateway over Open311 (open loop, prebuilt requests,
see http_load.py) while the gateway, the relay and the routing service run as their own processes, as
`make run` starts them. The latency of each request is its Assigned's `recorded_at` minus its RequestCreated's
`recorded_at`, both set by PostgreSQL's clock. Routing also consumes its own Assigned events (to keep
its breach watch), so its consumer sees twice the offered rate.

`python -m bench.routing_bench` measures only these figures and prints them (writing no file).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import nats
from nats.js import JetStreamContext

from bench.http_load import Connections, form_post, offer
from bench.report import Figure, table
from civic311_backbone.contracts import Actor, Location, RequestCreated
from civic311_backbone.embedded.ports import free_port
from civic311_backbone.relay.jetstream import dead_letter_stream
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_backbone.testing.servers import nats_url, postgres_url
from civic311_intake.access import issue_api_key
from civic311_intake.tables import migrate_intake
from civic311_routing.config import build_router
from civic311_routing.domain.catalogue import RequestType
from civic311_routing.settings import RoutingSettings

RESIDENT = Actor(kind="resident", id="bench")
# The sample city's bounding box, and a little around it (some points fall outside every district).
LATS, LONGS = (42.22, 42.42), (-71.20, -70.98)
WORDS = ("deep", "burst", "gushing", "blocking", "large", "near the school", "again", "dangerous")
SAMPLE_DECISIONS = 20_000
LATENCY_TARGET_MS = 100.0


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
    router = build_router(settings)
    rng = random.Random(311)
    requests = [_request(rng, router.catalogue.types) for _ in range(count)]
    created = datetime(2026, 1, 8, 15, 0, tzinfo=UTC)
    started = time.perf_counter()
    for request in requests:
        router.assign(request, created_at=created)
    return count / (time.perf_counter() - started)


def _start(module: str, env: dict[str, str], logs: Path, port: int | None = None) -> subprocess.Popen[bytes]:
    http_port = str(port or free_port())
    log = (logs / f"{module.rsplit('.', 1)[-1]}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", module],
        env={**os.environ, **env, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": http_port},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system) the process has used so far; 0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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


def _reports(count: int, types: Sequence[RequestType], api_key: str, host: str) -> list[bytes]:
    """`count` Open311 POSTs of generated reports, built before the clock starts."""
    rng = random.Random(2011)
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


async def _gateway_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(f"{url}/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError("the gateway was not ready in time")


async def _latencies_ms(pool: asyncpg.Pool, since: datetime) -> list[float]:
    rows = await pool.fetch(
        """SELECT extract(epoch FROM a.recorded_at - c.recorded_at) * 1000 AS ms
           FROM events c JOIN events a ON a.stream_id = c.stream_id AND a.event_type = 'Assigned'
           WHERE c.event_type = 'RequestCreated' AND c.recorded_at >= $1""",
        since,
    )
    return sorted(float(r["ms"]) for r in rows)


async def _relay_lags_ms(
    js: JetStreamContext, stream: str, pool: asyncpg.Pool, since: datetime
) -> list[float]:
    """For a sample of the measured requests: RequestCreated's recorded_at to its JetStream timestamp
    (the relay's share of the latency; the rest is routing's consumer and its append)."""
    recorded = {
        str(r["event_id"]): r["recorded_at"]
        for r in await pool.fetch(
            "SELECT event_id, recorded_at FROM events WHERE event_type = 'RequestCreated' AND recorded_at >= $1",
            since,
        )
    }
    last = (await js.stream_info(stream)).state.last_seq
    lags = []
    for seq in range(1, last + 1, 5):
        msg = await js.get_msg(stream, seq)
        event_id = (msg.headers or {}).get("Nats-Msg-Id")
        if event_id in recorded and msg.time is not None:
            published = datetime.fromisoformat(str(msg.time).replace("Z", "+00:00"))
            lags.append((published - recorded[event_id]).total_seconds() * 1000)
    return sorted(lags)


def _percentile(values: Sequence[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


async def routing_figures(
    store: EventStore, pool: asyncpg.Pool, settings: BackboneSettings, js: JetStreamContext
) -> tuple[list[Figure], dict[str, object]]:
    """Both routing figures; `store` and `pool` are on a fresh schema of their own."""
    rate = float(os.environ.get("BENCH_ROUTING_RATE", "200"))
    seconds = float(os.environ.get("BENCH_ROUTING_SECONDS", "25"))
    routing_settings = RoutingSettings(**settings.model_dump())
    print("routing decisions ...", file=sys.stderr)
    decisions = decision_rate(routing_settings)
    types = build_router(routing_settings).catalogue.types

    env = {
        "DATABASE_URL": str(settings.database_url),
        "DATABASE_SCHEMA": settings.database_schema,
        "NATS_URL": settings.nats_url,
        "STREAM_NAME": settings.stream_name,
        "SUBJECT_PREFIX": settings.subject_prefix,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
    }
    logs = Path(tempfile.mkdtemp(prefix="civic311-bench-routing-"))
    async with pool.acquire() as conn:
        await migrate_intake(conn)
    api_key = await issue_api_key(pool, issued_to="routing bench")
    port = free_port()
    processes = [_start(m, env, logs) for m in ("civic311_backbone.relay", "civic311_routing")]
    processes.append(_start("civic311_intake", {**env, "POSTS_PER_MINUTE": "0"}, logs, port=port))
    fileable = _fileable(types)
    host = f"127.0.0.1:{port}"
    warm_reports = _reports(20, fileable, api_key, host)
    reports = _reports(int(rate * seconds), fileable, api_key, host)
    connections = Connections("127.0.0.1", port, 32)
    try:
        print(
            f"routing under load: {rate:g} reports/s POSTed to the gateway for {seconds:g} s (logs in {logs}) ...",
            file=sys.stderr,
        )
        await _gateway_ready(f"http://{host}")
        await connections.open()
        warm, _ = await _offer(connections, warm_reports, 20)  # until every process is up and subscribed
        await _wait_assigned(pool, warm, timeout=60)
        since = datetime.now(UTC)
        cpu_before = [_cpu_seconds(p) for p in processes]
        offered, offered_rate = await _offer(connections, reports, rate)
        await _wait_assigned(pool, warm + offered, timeout=120)
        relay_cpu, routing_cpu, _ = (
            (_cpu_seconds(p) - before) * 1000 / offered
            for p, before in zip(processes, cpu_before, strict=True)
        )
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a process exited early: see {logs}")
    finally:
        await connections.close()
        for process in processes:
            _stop(process)
    latencies = await _latencies_ms(pool, since)
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    relay_lags = await _relay_lags_ms(js, settings.stream_name, pool, since)
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
        "routing_requests_measured": len(latencies),
        "routing_latency_max_ms": round(latencies[-1], 1),
        "routing_p99_under_100_ms": p99 < LATENCY_TARGET_MS,
        "routing_cpu_ms_per_request": round(routing_cpu, 2),
        "routing_relay_cpu_ms_per_request": round(relay_cpu, 2),
        "routing_relay_share_p50_ms": round(relay_p50, 1),
        "routing_relay_share_p99_ms": round(relay_p99, 1),
        "routing_load_path": "Open311 POSTs to the gateway at the offered rate (open loop); gateway, relay "
        "and routing as separate processes",
    }
    print(
        f"routing: {decisions:,.0f} decisions/s; store-to-store p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {latencies[-1]:.1f} ms over {len(latencies):,} requests at {offered_rate:.1f}/s offered "
        f"(Open311 POSTs to the gateway; gateway, relay and routing as processes); "
        f"p99 < {LATENCY_TARGET_MS:g} ms: {'yes' if p99 < LATENCY_TARGET_MS else 'NO'}; of which store -> "
        f"JetStream (relay) p50 {relay_p50:.1f} ms, p99 {relay_p99:.1f} ms; CPU per request: routing "
        f"{routing_cpu:.2f} ms, relay {relay_cpu:.2f} ms",
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
    pool = await create_pool(own, application_name="civic311-bench-routing")
    client = await nats.connect(own.nats_servers)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        store = EventStore(pool, notify_channel=notify_channel(own))
        figures = await routing_figures(store, pool, own, client.jetstream())
        await store.drain()
        return figures
    finally:
        await pool.execute(f'DROP SCHEMA "{own.database_schema}" CASCADE')
        await pool.close()
        for stream in (own.stream_name, dead_letter_stream(own)):
            with contextlib.suppress(Exception):
                await client.jetstream().delete_stream(stream)
        await client.close()


async def _standalone(database_url: str, nats_server: str) -> int:
    tag = uuid4().hex[:8]
    settings = BackboneSettings(
        database_url=database_url,
        nats_url=nats_server,
        database_schema=f"bench_{tag}",
        stream_name=f"BENCH_{tag}",
        subject_prefix=f"bench{tag}",
    )
    figures, parameters = await measure_routing(settings)
    print(table(figures))
    print(json.dumps(parameters, indent=2))
    return 0


def main() -> int:
    with postgres_url() as database_url, nats_url() as nats_server:
        return asyncio.run(_standalone(database_url, nats_server))


if __name__ == "__main__":
    raise SystemExit(main())
