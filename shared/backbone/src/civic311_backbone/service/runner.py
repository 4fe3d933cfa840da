"""One way to run every civic311 process: the same start-up, health, shutdown and failure handling.

A service declares itself once (`Service`: its name, settings class, wiring and migrations) and its
`__main__` calls `run(SERVICE)`. Start-up: settings from the environment, logging, a pool on the store,
the store's migrations and then the service's own (one ledger per service, `<name>_migrations`), the NATS
broker, the JetStream streams, the service's consumers and background tasks, one HTTP server (health,
metrics and the service's own pages). SIGTERM or SIGINT stops it gracefully: the HTTP server and
consumers first, then the connections, each step bounded in time. A background task that loses its
connection to PostgreSQL or NATS is started again once it can be (service.outage); readiness says not
ready meanwhile; any other failure of a task stops the process, which exits non-zero to be restarted.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import asyncpg
import structlog
import uvicorn
import uvloop
from faststream.nats import NatsBroker
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from civic311_backbone.consuming import AfterCommit, ConsumerSpec, EventConsumer
from civic311_backbone.logging import configure_logging
from civic311_backbone.relay.jetstream import ensure_stream
from civic311_backbone.service.health import ReadinessCheck, health_routes
from civic311_backbone.service.http_server import http_config
from civic311_backbone.service.outage import is_outage, keep_running
from civic311_backbone.settings import ServiceSettings
from civic311_backbone.store import EventStore, bundled_migrations, create_pool, migrate, notify_channel

log = structlog.get_logger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0

BackgroundTask = Callable[[asyncio.Event], Awaitable[None]]


S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Resources(Generic[S]):
    """What a service's wiring gets to build its parts from."""

    settings: S
    pool: asyncpg.Pool
    store: EventStore
    broker: NatsBroker

    def consumer(self, spec: ConsumerSpec, *, after_commit: AfterCommit | None = None) -> EventConsumer:
        """A durable consumer of the request events on this process's pool, store and settings."""
        return EventConsumer(
            spec=spec, pool=self.pool, store=self.store, settings=self.settings, after_commit=after_commit
        )


@dataclass
class Wiring:
    """A service's parts: consumers, background tasks, an HTTP app, and readiness checks."""

    consumers: Sequence[EventConsumer] = ()
    background: Sequence[BackgroundTask] = ()
    app: ASGIApp | None = None
    checks: Mapping[str, ReadinessCheck] = field(default_factory=dict)
    on_stop: Sequence[Callable[[], Awaitable[None]]] = ()


@dataclass(frozen=True)
class Service(Generic[S]):
    """A service as the runner knows it."""

    name: str
    settings: type[S]
    wire: Callable[[Resources[S]], Awaitable[Wiring]]
    migrations: str | None = None
    """The package holding the service's own `NNNN_name.sql` migrations, if it has tables."""

    @property
    def ledger(self) -> str:
        return f"{self.name}_migrations"


async def migrate_service(conn: asyncpg.Connection, service: Service[S]) -> list[str]:
    """The store's migrations, then the service's own under its ledger: what start-up applies."""
    applied = await migrate(conn)
    if service.migrations is not None:
        applied += await migrate(conn, bundled_migrations(service.migrations), ledger=service.ledger)
    return applied


def run(service: Service[S]) -> None:
    """The entry point of a service process: its settings from the environment, then `serve`."""
    settings = service.settings()
    configure_logging(service=service.name, level=settings.log_level, fmt=settings.log_format)
    logging.getLogger("asyncpg.pool").addFilter(_without_traceback)
    # uvloop: the libuv event loop, several times faster than asyncio's own at sockets.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(service, settings))


async def serve(service: Service[S], settings: S) -> None:
    name, http = service.name, settings
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    pool = await create_pool(settings, application_name=f"civic311-{name}")
    async with pool.acquire() as conn:
        await migrate_service(conn, service)
    store = EventStore(pool, notify_channel=notify_channel(settings))
    # No FastDepends: the one subscriber (consuming.runtime) takes the decoded body as it is and
    # validates it itself; argument injection and validation cost a quarter of a message's CPU.
    broker = NatsBroker(settings.nats_servers, name=f"civic311-{name}", logger=None, apply_types=False)
    await broker.connect()
    await ensure_stream(broker.connection.jetstream(), settings)
    resources = Resources(settings=settings, pool=pool, store=store, broker=broker)
    wiring = await service.wire(resources)
    for consumer in wiring.consumers:
        consumer.subscribe(broker)
    await broker.start()

    async def database_ready() -> bool:
        return bool(await pool.fetchval("SELECT true", timeout=READINESS_TIMEOUT_SECONDS))

    async def bus_ready() -> bool:
        return bool(broker.connection.is_connected)

    checks = {"database": database_ready, "nats": bus_ready, **wiring.checks}
    server = uvicorn.Server(http_config(_with_health(wiring.app, health_routes(name, checks)), http))
    tasks: list[asyncio.Task[None]] = [
        asyncio.create_task(
            keep_running(task, stop, name=f"{name} background task"), name=f"{name}-background"
        )
        for task in wiring.background
    ]
    # What start-up built (the app, its routes and models, the catalogue) lives as long as the
    # process: kept out of the collector's walks, whose full passes otherwise stall requests.
    gc.collect()
    gc.freeze()
    http_task = asyncio.create_task(server.serve(), name=f"{name}-http")
    log.info("service started", http=f"http://{http.http_host}:{http.http_port}")
    try:
        await _until_stopped_or_failed(stop, [http_task, *tasks])
    finally:
        stop.set()
        server.should_exit = True
        # Every step of the shutdown is bounded: during an outage a drain, a close or a task's last
        # write may wait on a server that is not there, and SIGTERM must still stop the process.
        await _within(asyncio.gather(http_task, *tasks, return_exceptions=True), 3.0, "background tasks")
        for task in (http_task, *tasks):
            task.cancel()
        for consumer in wiring.consumers:
            await _within(consumer.stop(grace_seconds=2.0), 3.0, "a consumer")
        await _within(broker.stop(), 2.0, "the NATS connection")
        for hook in wiring.on_stop:
            await _within(hook(), 2.0, "a stop hook")
        await _within(store.drain(), 1.0, "the store's followers")
        if not await _within(pool.close(), 2.0, "the database pool"):
            pool.terminate()
        log.info("service stopped")


def _with_health(app: ASGIApp | None, health: Sequence[BaseRoute]) -> ASGIApp:
    """The service's app with the health routes first. A Starlette (or FastAPI) app takes them among
    its own routes, so a request passes one middleware stack, not an outer one and then the app's."""
    if isinstance(app, Starlette):
        app.router.routes[0:0] = list(health)
        return app
    routes = list(health)
    if app is not None:
        routes.append(Mount("/", app=app))
    return Starlette(routes=routes)


def _without_traceback(record: logging.LogRecord) -> bool:
    """asyncpg's pool logs each failed attempt to restore its connection floor with a traceback; in an
    outage that is expected (readiness says so): one line with the error is enough."""
    if record.exc_info and record.exc_info[1] is not None and is_outage(record.exc_info[1]):
        record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        record.args, record.exc_info, record.exc_text = None, None, None
    return True


async def _within(step: Awaitable[object], seconds: float, what: str) -> bool:
    """Await one step of the shutdown for at most `seconds`; False (and a line) if it took longer."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.warning("shutdown step timed out; going on", step=what, seconds=seconds)
        return False
    except Exception as error:
        log.warning("shutdown step failed; going on", step=what, error=repr(error)[:200])
    return True


async def _until_stopped_or_failed(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    """Return on stop; raise if a task fails, so the process exits non-zero and is restarted."""
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    for task in done:
        if task is not stopper and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
