"""Services under measurement as their own processes (as `make run` starts them), and the isolated
schema and JetStream stream a measurement works in, removed afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import nats
from nats.aio.client import Client as NatsClient

from civic311_backbone.embedded.ports import free_port
from civic311_backbone.relay.jetstream import dead_letter_stream
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_backbone.testing.plugin import settings_env
from civic311_backbone.testing.servers import nats_url, postgres_url


def bench_settings(database_url: str, nats_server: str) -> BackboneSettings:
    """Settings naming a schema, a stream and subjects of a fresh bench run's own."""
    tag = uuid4().hex[:8]
    return BackboneSettings(
        database_url=database_url,
        nats_url=nats_server,
        database_schema=f"bench_{tag}",
        stream_name=f"BENCH_{tag}",
        subject_prefix=f"bench{tag}",
        db_pool_max_size=10,
    )


def run_alone(measure: Callable[[BackboneSettings], Coroutine[None, None, str]]) -> int:
    """`python -m bench.<one>`: one measurement by itself, on DATABASE_URL / NATS_URL or the embedded
    servers, in settings of its own; prints what it reports."""
    with postgres_url() as database_url, nats_url() as nats_server:
        print(asyncio.run(measure(bench_settings(database_url, nats_server))))
    return 0


@dataclass(frozen=True)
class Isolated:
    pool: asyncpg.Pool
    store: EventStore
    nats: NatsClient


@asynccontextmanager
async def isolated(settings: BackboneSettings, *, pool_name: str) -> AsyncIterator[Isolated]:
    """A migrated store in `settings`' schema and a NATS client; the schema and the stream (with its
    dead letters) are dropped afterwards."""
    pool = await create_pool(settings, application_name=pool_name)
    client = await nats.connect(settings.nats_servers)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        store = EventStore(pool, notify_channel=notify_channel(settings))
        yield Isolated(pool, store, client)
        await store.drain()
    finally:
        await pool.execute(f'DROP SCHEMA "{settings.database_schema}" CASCADE')
        await pool.close()
        for stream in (settings.stream_name, dead_letter_stream(settings)):
            with contextlib.suppress(Exception):
                await client.jetstream().delete_stream(stream)
        await client.close()


def process_cpu_seconds(pid: int | str) -> float:
    """CPU time (user + system) a process has used so far; 0 where /proc is not there (or it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def named_cpu_seconds(name: str) -> float:
    """CPU time of every process on this machine by that name (PostgreSQL's backends and helpers, say)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if comm.read_text().strip() == name:
                total += process_cpu_seconds(comm.parent.name)
    return total


def machine_busy_seconds() -> float:
    """CPU time this machine's cores have spent busy so far (all processes); 0 without /proc."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Service:
    module: str
    process: subprocess.Popen[bytes]
    url: str

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process has used so far; 0 where /proc is not there."""
        return process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_service(module: str, settings: BackboneSettings, logs: Path, **env: str) -> Service:
    """`python -m module` in `settings`' isolation, warnings and worse logged to `logs`."""
    port = free_port()
    log = (logs / f"{module.rsplit('.', 1)[-1]}.log").open("ab")
    variables = {**settings_env(settings), "LOG_LEVEL": "WARNING", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        env={**os.environ, **variables, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Service(module, process, f"http://127.0.0.1:{port}")


async def wait_ready(*services: Service, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        for service in services:
            while True:
                if service.process.poll() is not None:
                    raise RuntimeError(f"{service.module} exited with {service.process.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{service.url}/health/ready")).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service.module} was not ready within {timeout:g} s")
                await asyncio.sleep(0.1)
