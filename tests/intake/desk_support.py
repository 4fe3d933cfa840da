"""The staff desk under test: the real gateway process (and the relay, for the queues) on this test's
database and NATS, staff accounts made in the test, and requests already with a department."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
from playwright.async_api import Browser, Page, expect

from civic311_backbone.contracts import Actor, Assigned, Contact, Location, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import RESIDENT
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import add_staff_account
from civic311_intake.domain.staff.members import Role
from civic311_intake.wiring import SERVICE as INTAKE
from tests.support.processes import ServiceProcess

PASSWORD = "correct horse battery staple"
ROUTING = Actor(kind="service", id="routing")
PUBLIC_WORKS = "Public Works"
PARKS = "Parks and Recreation"


@dataclass(frozen=True)
class RunningDesk:
    client: httpx.AsyncClient
    """A client of the running gateway (base URL set)."""
    store: EventStore
    pool: asyncpg.Pool

    async def account(self, username: str, role: Role, department: str | None = None) -> None:
        """A new staff account with the tests' password."""
        await add_staff_account(
            self.pool,
            username=username,
            password=PASSWORD,
            display_name=username.title(),
            role=role,
            department=department,
        )

    async def staff(self, role: Role, department: str | None = None) -> dict[str, str]:
        """A new staff account, signed in: the headers that carry its session."""
        username = f"{role}-{uuid4().hex[:8]}"
        await self.account(username, role, department)
        signed_in = await self.client.post(
            "/api/staff/sessions", json={"username": username, "password": PASSWORD}
        )
        assert signed_in.status_code == 201, signed_in.text
        return {"Authorization": f"Bearer {signed_in.json()['token']}"}

    async def request_with(
        self,
        department: str,
        *,
        service_code: str = "POTHOLE",
        queue: str | None = None,
        due_at: datetime | None = None,
    ) -> str:
        """A request routing has already given to `department`; its tracking number."""
        number = new_tracking_number()
        created = RequestCreated(
            tracking_number=number,
            service_code=service_code,
            description=f"{service_code.lower()} reported by a resident",
            location=Location(lat=42.3601, long=-71.0589, address_string="1 City Hall Sq"),
            attributes={"SIZE": "large"} if service_code == "POTHOLE" else {},
            channel="web",
            contact=Contact(first_name="Maria", email="maria@example.org"),
        )
        assigned = Assigned(department=department, queue=queue or f"{department}-Main", due_at=due_at)
        await self.store.append(
            stream_id_for(number),
            [new_event(created, actor=RESIDENT), new_event(assigned, actor=ROUTING)],
            expected_version=0,
        )
        return number

    async def events_of(self, tracking_number: str) -> list[str]:
        return [r.event_type for r in await self.store.read_stream(stream_id_for(tracking_number))]


@asynccontextmanager
async def running_desk(
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    log_dir: Path,
    *,
    with_relay: bool = False,
) -> AsyncIterator[RunningDesk]:
    """The gateway (and, for the queues, which read the bus-fed index, the relay) as processes."""
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    processes = [ServiceProcess("civic311_intake", env, log_dir).start()]
    if with_relay:
        processes.append(ServiceProcess("civic311_backbone.relay", env, log_dir).start())
    try:
        for process in processes:
            await process.wait_ready(timeout=60)  # a start beside the other worker can take over 30 s
        async with httpx.AsyncClient(base_url=processes[0].url, timeout=30) as client:
            yield RunningDesk(client=client, store=store, pool=pool)
    finally:
        for process in processes:
            process.stop()


async def sign_in(
    browser: Browser, desk: RunningDesk, username: str, role: Role, department: str | None
) -> Page:
    await desk.account(username, role, department)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{str(desk.client.base_url).rstrip('/')}/staff")
    await expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page
