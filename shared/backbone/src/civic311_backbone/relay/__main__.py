"""python -m civic311_backbone.relay: the relay process."""

from __future__ import annotations

import asyncio

import asyncpg
from pydantic import Field

from civic311_backbone.relay.relay import Relay
from civic311_backbone.service.runner import Resources, Service, Wiring, run
from civic311_backbone.settings import ServiceSettings


class RelaySettings(ServiceSettings):
    relay_page_size: int = Field(default=1000, ge=1, le=10000, description="Events published per batch.")
    relay_linger_ms: float = Field(
        default=3.0, ge=0, le=1000, description="How long a wake-up waits for more appends to publish with."
    )


async def wire(resources: Resources[RelaySettings]) -> Wiring:
    settings = resources.settings
    relay = Relay(
        store=resources.store,
        js=resources.broker.connection.jetstream(),
        settings=settings,
        page_size=settings.relay_page_size,
        linger=settings.relay_linger_ms / 1000,
    )

    async def follow_store(stop: asyncio.Event) -> None:
        # Its own connection: it holds the advisory lock that makes this relay the active one. A lost
        # connection ends `relay.run`; the runner calls this again (service.outage) for a new one.
        conn = await asyncpg.connect(
            str(settings.database_url),
            timeout=10.0,
            server_settings={
                "search_path": settings.database_schema,
                "application_name": "civic311-relay",
            },
        )
        try:
            await relay.run(conn, stop)
        finally:
            try:
                await conn.close(timeout=2.0)
            except Exception:  # the server is away: drop the socket rather than wait for it
                conn.terminate()

    return Wiring(background=[follow_store])


SERVICE = Service(name="relay", settings=RelaySettings, wire=wire)


def main() -> None:
    run(SERVICE)


if __name__ == "__main__":
    main()
