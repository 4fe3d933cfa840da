"""The gateway under attack: one running gateway process (with the relay that fills its index) shared by
the hardening tests, an api key, and a signed-in supervisor for the staff API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx
import nats
from nats.js.errors import NotFoundError

from civic311_backbone.relay.jetstream import dead_letter_stream
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, notify_channel
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import add_staff_account, issue_api_key
from civic311_intake.wiring import SERVICE as INTAKE
from tests.intake.open311_support import Open311Gateway, pothole
from tests.support.processes import ServiceProcess

READY = 120.0
"""Seconds a process may take to be ready: on a shared, loaded machine start-up takes tens of seconds."""

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Target:
    gateway: Open311Gateway
    root: httpx.AsyncClient
    """A client of the gateway's root URL (staff API, pages)."""

    async def supervisor(self) -> dict[str, str]:
        """A new supervisor account, signed in: the headers that carry its session."""
        username = f"supervisor-{uuid4().hex[:8]}"
        await add_staff_account(
            self.gateway.pool,
            username=username,
            password=PASSWORD,
            display_name="Sam Supervisor",
            role="supervisor",
        )
        signed_in = await self.root.post(
            "/api/staff/sessions", json={"username": username, "password": PASSWORD}
        )
        assert signed_in.status_code == 201, signed_in.text
        return {"Authorization": f"Bearer {signed_in.json()['token']}"}


def wrong_check_character(number: str) -> str:
    """`number` with its last (check) character replaced: well-formed, but no number we gave out."""
    last = number[-1]
    return number[:-1] + ("B" if last != "B" else "C")


@asynccontextmanager
async def running_gateway(
    database_server_url: str,
    nats_server_url: str,
    log_dir: Path,
    *,
    relay: bool = True,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Open311Gateway]:
    """The gateway as its own process (and the relay, unless told not), in a schema and stream of its
    own, with an api key issued to "test"."""
    tag = uuid4().hex[:12]
    settings = BackboneSettings(
        database_url=database_server_url,
        nats_url=nats_server_url,
        database_schema=f"t_{tag}",
        stream_name=f"T_{tag}",
        subject_prefix=f"t{tag}",
    )
    pool = await create_pool(settings, application_name="civic311-tests")
    try:
        async with pool.acquire() as conn:
            await migrate_service(conn, INTAKE)
        api_key = await issue_api_key(pool, issued_to="test")
        environment = {**settings_env(settings), **(env or {})}
        processes = [ServiceProcess("civic311_intake", environment, log_dir)]
        if relay:
            processes.append(ServiceProcess("civic311_backbone.relay", environment, log_dir))
        try:
            for process in processes:
                process.start()
            for process in processes:
                await process.wait_ready(timeout=READY)
            url = processes[0].url
            store = EventStore(pool, notify_channel=notify_channel(settings))
            async with httpx.AsyncClient(base_url=f"{url}/open311/v2", timeout=30) as client:
                gateway = Open311Gateway(client=client, api_key=api_key, pool=pool, store=store, url=url)
                if relay:
                    await gateway.indexed(await gateway.file(**pothole()), timeout=READY)
                yield gateway
            await store.drain()
        finally:
            for process in processes:
                process.stop()
            await _drop_streams(settings)
    finally:
        await pool.execute(f'DROP SCHEMA "{settings.database_schema}" CASCADE')
        await pool.close()


async def _drop_streams(settings: BackboneSettings) -> None:
    client = await nats.connect(settings.nats_servers)
    try:
        for stream in (settings.stream_name, dead_letter_stream(settings)):
            with contextlib.suppress(NotFoundError):
                await client.jetstream().delete_stream(stream)
    finally:
        await client.close()
