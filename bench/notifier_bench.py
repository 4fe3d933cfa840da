"""The notifier: e-mails per second to a local SMTP sink, and the time from a StatusUpdated in the
store to its e-mail accepted by the SMTP server, beside a raw ceiling.

The sink is aiosmtpd on 127.0.0.1 in a process of its own, noting when each message's DATA was
accepted and its Message-ID (read from the raw bytes, no parsing). The relay and the notifier run
as their own processes, as `make run` starts them.

(a) Ceiling: plain aiosmtplib sends of a ready-made message over NOTIFIER_SENDERS connections to the
same sink, from a process of its own on uvloop (as the notifier runs): what the sink and the SMTP
protocol allow on this machine.
(b) Throughput: BENCH_NOTIFIER_REQUESTS (default 200) requests, each routed and then updated
BENCH_NOTIFIER_UPDATES (default 9) times with a public note, appended at once; e-mails per second from
the first e-mail accepted to the last.
(c) Latency: public updates appended at BENCH_NOTIFIER_RATE (default 100/s) for
BENCH_NOTIFIER_SECONDS (default 20 s) across 100 requests; each update's `recorded_at` (PostgreSQL's
clock) to its e-mail's acceptance at the sink (this host's clock), p50 and p99.

`python -m bench.notifier_bench` (or `BENCH_ONLY=notifier python -m bench`) measures only these.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from email.message import EmailMessage
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from uuid import UUID

import aiosmtplib
import uvloop
from aiosmtpd.smtp import SMTP, Envelope, Session

from bench.report import Figure, table
from bench.services import Service, bench_settings, isolated, start_service, wait_ready
from civic311_backbone.contracts import (
    Actor,
    Assigned,
    Contact,
    Location,
    RequestCreated,
    StatusUpdated,
    new_event,
    utc_now,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.embedded.ports import free_port
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.servers import nats_url, postgres_url
from civic311_notifier.domain.notices import message_key

SENDERS = 8
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^@>]+)@", re.MULTILINE | re.IGNORECASE)
RESIDENT = Actor(kind="resident", id="resident-bench")
ROUTING = Actor(kind="service", id="routing")
STAFF = Actor(kind="staff", id="bench")


class _Clock:
    """Notes when each message was accepted, by the left part of its Message-ID, in a file."""

    def __init__(self, out: Path) -> None:
        self._out = out.open("a", buffering=1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        now = time.time()
        found = _MESSAGE_ID.search(envelope.original_content or b"")
        self._out.write(f"{found.group(1).decode() if found else '-'} {now:.6f}\n")
        return "250 OK"


def _serve(port: int, out: str) -> None:
    """The sink's own process: the notifier's figures must not be the bench's GIL's. On uvloop, as
    the notifier runs: asyncio's own loop made the sink the ceiling sooner. (Several sink processes
    sharing the port with SO_REUSEPORT raised nothing on two cores: the client side is half the work.)"""
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    clock = _Clock(Path(out))
    loop.run_until_complete(
        loop.create_server(lambda: SMTP(clock, hostname="sink.bench.test", loop=loop), "127.0.0.1", port)
    )
    loop.run_forever()


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self._out = Path(tempfile.mkdtemp(prefix="civic311-bench-sink-")) / "accepted.txt"
        self._out.touch()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(self.port, str(self._out)), daemon=True
        )

    def __enter__(self) -> Sink:
        self._process.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        self._process.join(10)

    def _lines(self) -> list[str]:
        return self._out.read_text().splitlines()

    @property
    def count(self) -> int:
        return len(self._lines())

    def accepted(self) -> dict[str, float]:
        seen: dict[str, float] = {}
        for line in self._lines():
            key, _, at = line.partition(" ")
            if at:
                seen.setdefault(key, float(at))
        return seen


async def _plain_sends(port: int, messages: int) -> float:
    message = EmailMessage()
    message["From"] = "bench@311.bench.test"
    message["To"] = "resident@example.org"
    message["Subject"] = "Novedades de su solicitud"
    message.set_content("Cuadrilla en camino.\n" * 20)
    message.add_alternative("<p>Cuadrilla en camino.</p>" * 20, subtype="html")
    share = messages // SENDERS
    data = message.as_bytes()

    async def sender() -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as smtp:
            for _ in range(share):
                await smtp.sendmail("bench@311.bench.test", ["resident@example.org"], data)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(SENDERS)))
    return share * SENDERS / (time.perf_counter() - started)


def _ceiling_client(port: int, messages: int, answer: Connection) -> None:
    """The ceiling's own process, on uvloop: a client as the notifier is, not the bench's interpreter.
    Sends its rate and the CPU seconds each message cost it."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        cpu = time.process_time()
        rate = runner.run(_plain_sends(port, messages))
        answer.send((rate, (time.process_time() - cpu) / messages))


def raw_ceiling(sink: Sink, messages: int) -> tuple[float, float]:
    """E-mails/s of plain aiosmtplib sends of ready-made bytes over SENDERS connections to the sink,
    from a process of its own on uvloop: the SMTP exchange alone, nothing composed; and the client's
    CPU seconds per message."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    client = context.Process(target=_ceiling_client, args=(sink.port, messages, sending))
    client.start()
    try:
        if not receiving.poll(300):
            raise RuntimeError("the ceiling's client gave no figure within 300 s")
        rate, cpu = receiving.recv()
        return float(rate), float(cpu)
    finally:
        client.join(10)


def _filed(address: str) -> RequestCreated:
    return RequestCreated(
        tracking_number=new_tracking_number(),
        service_code="POTHOLE",
        description="Bache profundo",
        location=Location(lat=42.36, long=-71.06),
        channel="web",
        language="es",
        contact=Contact(first_name="Ana", email=address),
    )


async def _requests(store: EventStore, count: int) -> dict[str, str]:
    """`count` routed requests; each stream's reporter address."""
    reporters: dict[str, str] = {}
    due = utc_now() + timedelta(days=3)
    for n in range(count):
        address = f"resident-{n}-{secrets.token_hex(3)}@example.org"
        created = _filed(address)
        stream = stream_id_for(created.tracking_number)
        routed = Assigned(department="Public Works", queue="PWD-Streets", due_at=due, reason="routing")
        await store.append(
            stream,
            [new_event(created, actor=RESIDENT), new_event(routed, actor=ROUTING)],
            expected_version=0,
        )
        reporters[stream] = address
    return reporters


async def _backlog(store: EventStore, count: int, updates: int) -> None:
    """`count` requests, each filed, routed and updated `updates` times, one append per request: the
    throughput phase measures the notifier working a backlog, not the pace of an appender."""
    due = utc_now() + timedelta(days=3)
    for n in range(count):
        created = _filed(f"resident-{n}-{secrets.token_hex(3)}@example.org")
        routed = Assigned(department="Public Works", queue="PWD-Streets", due_at=due, reason="routing")
        news = [
            new_event(StatusUpdated(status="in_progress", public_note=f"Novedad {u}."), actor=STAFF)
            for u in range(updates)
        ]
        await store.append(
            stream_id_for(created.tracking_number),
            [new_event(created, actor=RESIDENT), new_event(routed, actor=ROUTING), *news],
            expected_version=0,
        )


async def _update(store: EventStore, stream: str, n: int) -> UUID:
    event = new_event(StatusUpdated(status="in_progress", public_note=f"Novedad {n}."), actor=STAFF)
    await store.append(stream, [event], expected_version=None)
    return event.event_id


async def _until(sink: Sink, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sink.count < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {sink.count} of {count} e-mails within {timeout:g} s")
        await asyncio.sleep(0.05)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def notifier_figures(settings: BackboneSettings) -> tuple[list[Figure], dict[str, Any]]:
    requests = int(os.environ.get("BENCH_NOTIFIER_REQUESTS", "200"))
    updates = int(os.environ.get("BENCH_NOTIFIER_UPDATES", "9"))
    rate = float(os.environ.get("BENCH_NOTIFIER_RATE", "100"))
    seconds = float(os.environ.get("BENCH_NOTIFIER_SECONDS", "20"))
    logs = Path(tempfile.mkdtemp(prefix="civic311-bench-notifier-"))
    settings = settings.model_copy(  # a schema and stream of its own, beside a full run's
        update={
            "database_schema": f"{settings.database_schema}_notifier",
            "stream_name": f"{settings.stream_name}_NOTIFIER",
            "subject_prefix": f"{settings.subject_prefix}notifier",
        }
    )
    with Sink() as sink:
        print("notifier: raw SMTP ceiling ...", file=sys.stderr)
        ceiling, ceiling_cpu = await asyncio.to_thread(raw_ceiling, sink, 2000)
        async with isolated(settings, pool_name="civic311-bench-notifier") as bench:
            env = {
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(sink.port),
                "MAIL_FROM": "Sample City 311 <no-reply@311.bench.test>",
                "GATEWAY_PUBLIC_URL": "http://gateway.bench.test",
                "NOTIFIER_PUBLIC_URL": "http://notifier.bench.test",
                "RESIDENT_LINK_SECRET": secrets.token_urlsafe(32),
                "NOTIFIER_ADMIN_TOKEN": secrets.token_urlsafe(24),
                "NOTIFIER_SENDERS": str(SENDERS),
            }
            print("notifier: throughput ...", file=sys.stderr)
            before = sink.count
            await _backlog(bench.store, requests, updates)
            services: list[Service] = [
                start_service("civic311_backbone.relay", settings, logs),
                start_service("civic311_notifier", settings, logs, **env),
            ]
            try:
                await wait_ready(*services, timeout=120)
                expected = before + requests * (updates + 1)
                notifier = services[1]
                await _until(sink, before + 1, timeout=600)
                cpu_from, counted_from = notifier.cpu_seconds(), sink.count
                await _until(sink, expected, timeout=600)
                cpu_per_email = (notifier.cpu_seconds() - cpu_from) / max(sink.count - counted_from, 1)
                times = sorted(sink.accepted().values())[-(requests * (updates + 1)) :]
                throughput = (len(times) - 1) / (times[-1] - times[0])

                print(f"notifier: latency at {rate:g} updates/s ...", file=sys.stderr)
                print(f"notifier: {throughput:.0f} e-mails/s (ceiling {ceiling:.0f})", file=sys.stderr)
                before = sink.count
                lanes = await _requests(bench.store, 100)
                await _until(sink, before + 100, timeout=120)  # their "received" e-mails first
                lane_streams = list(lanes)
                sent: list[tuple[str, UUID]] = []
                started = time.perf_counter()
                total = int(rate * seconds)
                for n in range(total):
                    stream = lane_streams[n % len(lane_streams)]
                    sent.append((stream, await _update(bench.store, stream, n)))
                    pause = started + (n + 1) / rate - time.perf_counter()
                    if pause > 0:
                        await asyncio.sleep(pause)  # the offered pace, not a wait for an outcome
                offered = total / (time.perf_counter() - started)
                latencies = await _latencies(bench.store, bench.pool, sink, sent, lanes)
            finally:
                for service in services:
                    service.stop()
    p50, p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
    figures = [
        Figure(
            "notifier e-mails/s to a local SMTP sink",
            throughput,
            "e-mails/s",
            ceiling_name="plain aiosmtplib sends to the same sink",
            ceiling=ceiling,
            target_absolute=500,
        ),
        Figure(f"StatusUpdated in store -> e-mail accepted p50 at {rate:g}/s", p50 * 1000, "ms"),
        Figure(f"StatusUpdated in store -> e-mail accepted p99 at {rate:g}/s", p99 * 1000, "ms"),
    ]
    parameters = {
        "notifier_requests": requests,
        "notifier_updates_per_request": updates,
        "notifier_emails_counted": len(times),
        "notifier_offered_updates_per_second": round(offered, 1),
        "notifier_latency_samples": len(latencies),
        "notifier_senders": SENDERS,
        # What a message costs the notifier's process, whatever else shares the cores: CPU from the
        # first e-mail accepted to the last, over the e-mails accepted meanwhile.
        "notifier_cpu_ms_per_email": round(cpu_per_email * 1000, 2),
        "ceiling_client_cpu_ms_per_email": round(ceiling_cpu * 1000, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    return figures, parameters


async def _latencies(
    store: EventStore, pool: Any, sink: Sink, sent: list[tuple[str, UUID]], lanes: dict[str, str]
) -> list[float]:
    keys = {str(message_key(str(event_id), lanes[stream], "email")): event_id for stream, event_id in sent}
    deadline = time.monotonic() + 120
    while True:
        accepted = sink.accepted()
        if all(key in accepted for key in keys) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    missing = [key for key in keys if key not in accepted]
    if missing:
        raise RuntimeError(f"{len(missing)} of {len(keys)} e-mails never arrived")
    rows = await pool.fetch(
        "SELECT event_id, extract(epoch FROM recorded_at) AS at FROM events WHERE event_id = ANY($1)",
        list(keys.values()),
    )
    recorded = {row["event_id"]: float(row["at"]) for row in rows}
    return [accepted[key] - recorded[event_id] for key, event_id in keys.items()]


def main() -> int:
    with postgres_url() as database_url, nats_url() as nats_server:
        settings = bench_settings(database_url, nats_server)
        figures, parameters = asyncio.run(notifier_figures(settings))
    print(table(figures))
    print(parameters)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
