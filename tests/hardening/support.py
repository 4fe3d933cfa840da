"""The gateway under attack: one running gateway process (with the relay that fills its index) shared by
the hardening tests, an api key, and a signed-in supervisor for the staff API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

from civic311_intake.adapters.access import add_staff_account
from tests.intake.open311_support import Open311Gateway, open311_gateway

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
    """The intake tests' gateway (tests.intake.open311_support), given longer to start: these tests run
    it beside load and fault runs."""
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, relay=relay, env=env, ready_timeout=READY
    ) as gateway:
        yield gateway
