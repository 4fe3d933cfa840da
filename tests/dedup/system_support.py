"""Dedup as a city runs it: the gateway, the relay, routing and dedup (and, given a mail sink, the
notifier) as processes on this test's PostgreSQL schema and NATS stream; residents file through Open311,
staff work through the desk's API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx

from civic311_backbone.contracts import Envelope, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import add_staff_account, issue_api_key
from civic311_intake.domain.staff.members import Role
from civic311_intake.wiring import SERVICE as INTAKE
from tests.notifier.running import notifier_env
from tests.notifier.sink import MailSink
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

PASSWORD = "correct horse battery staple"
CORNER = (42.3601, -71.0589)
SERVICES = ("civic311_backbone.relay", "civic311_routing", "civic311_dedup", "civic311_intake")


@dataclass(frozen=True)
class RunningCity:
    client: httpx.AsyncClient
    """A client of the running gateway (base URL set)."""
    store: EventStore
    pool: asyncpg.Pool
    api_key: str

    async def report(
        self,
        service_code: str,
        description: str,
        place: tuple[float, float],
        *,
        email: str,
        attributes: dict[str, str] | None = None,
    ) -> str:
        """A resident's Open311 POST; the tracking number the gateway answers with."""
        form = {
            "api_key": self.api_key,
            "service_code": service_code,
            "lat": f"{place[0]:.7f}",
            "long": f"{place[1]:.7f}",
            "description": description,
            "email": email,
            **{f"attribute[{k}]": v for k, v in (attributes or {}).items()},
        }
        answer = await self.client.post("/open311/v2/requests.json", data=form)
        assert answer.status_code == 200, answer.text
        number: str = answer.json()[0]["service_request_id"]
        return number

    async def staff(self, role: Role, department: str | None = None) -> tuple[str, dict[str, str]]:
        """A new staff account, signed in: its actor id and the headers that carry its session."""
        username = f"{role}-{uuid4().hex[:8]}"
        await add_staff_account(
            self.pool,
            username=username,
            password=PASSWORD,
            display_name=username.title(),
            role=role,
            department=department,
        )
        signed_in = await self.client.post(
            "/api/staff/sessions", json={"username": username, "password": PASSWORD}
        )
        assert signed_in.status_code == 201, signed_in.text
        return f"staff:{username}", {"Authorization": f"Bearer {signed_in.json()['token']}"}

    async def events(self, number: str) -> list[Envelope[Any]]:
        return [from_record(r) for r in await self.store.read_stream(stream_id_for(number))]

    async def event_of(self, number: str, kind: str, *, count: int = 1) -> list[Envelope[Any]]:
        """The request's events of `kind`, once there are `count` of them."""

        async def found() -> list[Envelope[Any]]:
            return [e for e in await self.events(number) if e.event_type == kind]

        return await eventually(found, until=lambda got: len(got) >= count, what=f"{kind} on {number}")


@asynccontextmanager
async def running_city(
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    log_dir: Path,
    *,
    mail: MailSink | None = None,
) -> AsyncIterator[RunningCity]:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    processes = [ServiceProcess(module, env, log_dir) for module in SERVICES]
    if mail is not None:
        notifier = ServiceProcess("civic311_notifier", notifier_env(settings, mail), log_dir)
        notifier.env["NOTIFIER_PUBLIC_URL"] = notifier.url
        processes.insert(-1, notifier)
    for process in processes:
        process.start()
    try:
        for process in processes:
            await process.wait_ready(timeout=60)  # four or five processes starting at once on two cores
        api_key = await issue_api_key(pool, issued_to="dedup tests")
        async with httpx.AsyncClient(base_url=processes[-1].url, timeout=30) as client:
            yield RunningCity(client=client, store=store, pool=pool, api_key=api_key)
    finally:
        for process in processes:
            process.stop()
