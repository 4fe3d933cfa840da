"""The running gateway (and the relay that fills its request index), as an Open311 client sees them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4
from xml.etree import ElementTree

import asyncpg
import httpx
import nats
from nats.js.errors import NotFoundError

from civic311_backbone.relay.jetstream import dead_letter_stream
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore, create_pool, migrate, notify_channel
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import issue_api_key
from civic311_intake.wiring import SERVICE as INTAKE
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

CONTACT = {
    "email": "maria.lopez@example.org",
    "first_name": "Maria",
    "last_name": "Lopez-Garcia",
    "phone": "+1 617 555 0100",
    "device_id": "device-4711",
    "account_id": "account-0815",
}
"""Every contact field a client may POST; none of these may appear in any answer."""


@dataclass(frozen=True)
class Open311Gateway:
    client: httpx.AsyncClient
    """A client of the Open311 base URL, …/open311/v2."""
    api_key: str
    pool: asyncpg.Pool
    store: EventStore
    url: str

    async def post(self, fmt: str = "json", /, **fields: str | list[str]) -> httpx.Response:
        return await self.client.post(f"/requests.{fmt}", data={"api_key": self.api_key, **fields})

    async def file(self, **fields: str | list[str]) -> str:
        """POST a request that must be accepted; its tracking number."""
        response = await self.post(**fields)
        assert response.status_code == 200, response.text
        [posted] = response.json()
        number: str = posted["service_request_id"]
        return number

    async def indexed(
        self, *numbers: str, params: Mapping[str, str] | None = None, timeout: float = 30
    ) -> list[dict[str, object]]:
        """Wait until a search by these ids finds them all (the index is kept from the bus)."""

        async def found() -> list[dict[str, object]]:
            query = {"service_request_id": ",".join(numbers), **(params or {})}
            listed: list[dict[str, object]] = (await self.client.get("/requests.json", params=query)).json()
            return listed

        def all_found(rows: list[dict[str, object]]) -> bool:
            return len(rows) == len(numbers)

        return await eventually(found, until=all_found, timeout=timeout, what="indexed")


async def event_count(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM events")
    return count


def xml_of(response: httpx.Response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def pothole(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    """A complete, valid pothole report."""
    return {
        "service_code": "POTHOLE",
        "lat": "42.3601",
        "long": "-71.0589",
        "address_string": "1 City Hall Sq",
        "attribute[SIZE]": "large",
        "description": "Deep pothole by the bus stop",
        **overrides,
    }


@asynccontextmanager
async def open311_gateway(
    database_server_url: str,
    nats_server_url: str,
    log_dir: Path,
    *,
    relay: bool = True,
    env: Mapping[str, str] | None = None,
    ready_timeout: float = 60.0,
) -> AsyncIterator[Open311Gateway]:
    """The gateway as its own process, in a schema and stream of its own, with an api key issued to "test";
    with the relay (which fills the request index) unless told not. `ready_timeout` bounds each
    process's start (a busy machine needs longer).

    Starting a gateway costs seconds on this machine, so a test module shares one; its tests tell their
    requests apart by the tracking numbers they were given, never by counting everything.
    """
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
            await migrate(conn)
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
                await process.wait_ready(timeout=ready_timeout)
            url = processes[0].url
            store = EventStore(pool, notify_channel=notify_channel(settings))
            async with httpx.AsyncClient(base_url=f"{url}/open311/v2", timeout=30) as client:
                gateway = Open311Gateway(client=client, api_key=api_key, pool=pool, store=store, url=url)
                if relay:  # the first event reaches the index once the consumer is up: wait for that here
                    await gateway.indexed(await gateway.file(**pothole()), timeout=max(90, ready_timeout))
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
