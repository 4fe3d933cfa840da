"""The Must-show story, end to end through the gateway: the gateway, the relay, routing and the
notifier as processes, a real SMTP server. A resident files in Spanish with an e-mail address, staff
update twice and close through the desk's API; she gets four Spanish e-mails whose links work; one click
unsubscribes her; her "not fixed" link reopens the request and routing assigns it again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from civic311_backbone.contracts import Envelope, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_intake.adapters.access import add_staff_account
from civic311_intake.wiring import SERVICE as INTAKE
from tests.notifier.running import ADMIN_TOKEN, SECRET, notifier_env
from tests.notifier.sink import MailSink, text_of
from tests.notifier.stories import unique_address
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FILED = re.compile(r"^/requests/([2-9A-Z]{3}-[2-9A-Z]{5})/filed$")
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class City:
    gateway: httpx.AsyncClient
    notifier: ServiceProcess
    store: EventStore
    pool: asyncpg.Pool

    async def events(self, number: str) -> list[Envelope[Any]]:
        return [from_record(r) for r in await self.store.read_stream(stream_id_for(number))]

    async def processed_by_notifier(self, *events: Envelope[Any]) -> int:
        found: int = await self.pool.fetchval(
            "SELECT count(*) FROM processed_events WHERE consumer = 'notifier' AND event_id = ANY($1)",
            [e.event_id for e in events],
        )
        return found

    async def counts(self) -> dict[str, int]:
        async with httpx.AsyncClient() as client:
            answer = await client.get(
                f"{self.notifier.url}/admin/notifications/counts",
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
        counted: dict[str, int] = answer.json()
        return counted


@pytest.fixture
def sink() -> Iterator[MailSink]:
    mail = MailSink().start()
    yield mail
    mail.stop()


@pytest.fixture
async def city(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, sink: MailSink, tmp_path: Path
) -> AsyncIterator[City]:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    gateway = ServiceProcess("civic311_intake", {**env, "RESIDENT_LINK_SECRET": SECRET}, tmp_path)
    notifier = ServiceProcess("civic311_notifier", {}, tmp_path)
    notifier.env.update(notifier_env(settings, sink, GATEWAY_PUBLIC_URL=gateway.url))
    notifier.env["NOTIFIER_PUBLIC_URL"] = notifier.url
    processes = [
        ServiceProcess("civic311_backbone.relay", env, tmp_path),
        ServiceProcess("civic311_routing", env, tmp_path),
        gateway,
        notifier,
    ]
    try:
        for process in processes:
            process.start()
        for process in processes:
            await process.wait_ready(timeout=60)
        async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
            yield City(gateway=client, notifier=notifier, store=store, pool=pool)
    finally:
        for process in reversed(processes):
            process.stop()


async def _file_in_spanish(gateway: httpx.AsyncClient, email: str) -> str:
    page = await gateway.get("/report/POTHOLE", params={"lang": "es"})
    found = CSRF.search(page.text)
    assert page.status_code == 200 and found is not None
    form = {
        "csrf_token": found.group(1),
        "attribute[SIZE]": "large",
        "address_string": "12 Main St",
        "lat": "42.3601",
        "long": "-71.0589",
        "description": "Bache profundo en el carril derecho",
        "first_name": "Ana",
        "email": email,
        "language": "es",
    }
    answer = await gateway.post("/report/POTHOLE", data=form)
    assert answer.status_code == 303, answer.text
    filed = FILED.match(answer.headers["location"])
    assert filed is not None
    return filed.group(1)


async def _staff_headers(city: City, department: str) -> dict[str, str]:
    username = f"crew-{uuid4().hex[:8]}"
    await add_staff_account(
        city.pool,
        username=username,
        password=PASSWORD,
        display_name="Crew Lead",
        role="department_staff",
        department=department,
    )
    signed_in = await city.gateway.post(
        "/api/staff/sessions", json={"username": username, "password": PASSWORD}
    )
    assert signed_in.status_code == 201, signed_in.text
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


async def _of_type(city: City, number: str, kind: str, count: int = 1) -> list[Envelope[Any]]:
    async def found() -> list[Envelope[Any]]:
        return [e for e in await city.events(number) if e.event_type == kind]

    return await eventually(found, until=lambda got: len(got) >= count, timeout=60, what=f"{count} {kind}")


def _link(message: Any, part: str) -> str:
    [url] = [u for u in re.findall(r"https?://\S+", text_of(message)) if part in u]
    return str(url)


@pytest.mark.slow
async def test_four_spanish_emails_working_links_one_click_unsubscribe_and_not_fixed_reopens(
    city: City, sink: MailSink
) -> None:
    # Given a resident who files in Spanish with her e-mail address, and routing assigning it
    ana = unique_address()
    number = await _file_in_spanish(city.gateway, ana)
    [assigned] = await _of_type(city, number, "Assigned")
    staff = await _staff_headers(city, assigned.payload.department)

    # When staff update it twice and close it through the desk's API
    for status, note in (("in_progress", "Cuadrilla en camino."), ("on_hold", "Esperamos el asfalto.")):
        answer = await city.gateway.post(
            f"/api/staff/requests/{number}/status",
            json={"status": status, "public_note": note},
            headers=staff,
        )
        assert answer.status_code == 200, answer.text
    closing = {"resolution": "resolved", "public_note": "Bache reparado."}
    answer = await city.gateway.post(f"/api/staff/requests/{number}/close", json=closing, headers=staff)
    assert answer.status_code == 200, answer.text

    # Then exactly four e-mails reach her, in Spanish, one per change, each its own Message-ID
    mails = await eventually(
        lambda: _now(sink.to(ana)), until=lambda m: len(m) >= 4, timeout=60, what="four e-mails"
    )
    assert len(mails) == 4 and len({m["Message-ID"] for m in mails}) == 4
    assert all(str(m["Content-Language"]) == "es" for m in mails)
    assert str(mails[0]["Subject"]).startswith("Recibimos su reporte: ")
    assert "Cuadrilla en camino." in text_of(mails[1]) and "Esperamos el asfalto." in text_of(mails[2])
    assert "cerrada: resuelta" in str(mails[3]["Subject"]) and "Bache reparado." in text_of(mails[3])

    # And their links work: the tracking page in Spanish, the unsubscribe page, the "not fixed" page
    async with httpx.AsyncClient(timeout=30) as browser:
        track = await browser.get(_link(mails[0], "/track/"))
        assert track.status_code == 200 and number in track.text and 'lang="es"' in track.text
        unsubscribe = str(mails[3]["List-Unsubscribe"]).strip("<>")
        assert unsubscribe == _link(mails[3], "/unsubscribe?")
        page = await browser.get(unsubscribe)
        assert page.status_code == 200 and "Solo sobre esta solicitud" in page.text
        not_fixed = await browser.get(_link(mails[3], "/not-fixed?"))
        assert not_fixed.status_code == 200 and "No está resuelto" in not_fixed.text
        assert [e.event_type for e in await city.events(number)][-1] == "Closed"  # a GET changes nothing

        # When she unsubscribes with one click (RFC 8058), then says it is not fixed
        one_click = await browser.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
        assert one_click.status_code == 200
        token = CSRF.search(not_fixed.text)
        assert token is not None
        form = {"t": re.findall(r'name="t" value="([^"]+)"', not_fixed.text)[0], "csrf_token": token.group(1)}
        reopened = await browser.post(str(not_fixed.url.copy_with(query=None)), data=form)
        assert reopened.status_code == 200 and "abrimos la solicitud de nuevo" in reopened.text

    # Then the request is reopened on the record by the resident, and routing assigns it again
    [*_, reopening] = await _of_type(city, number, "StatusUpdated", 3)
    assert reopening.payload.status == "reopened" and reopening.actor.kind == "resident"
    [_, again] = await _of_type(city, number, "Assigned", 2)
    assert again.payload.reason == "reopen"
    # And once the notifier has taken both changes, she has still had four e-mails: she unsubscribed
    await eventually(
        lambda: city.processed_by_notifier(reopening, again),
        until=lambda n: n == 2,
        what="notifier took both",
    )
    assert len(sink.to(ana)) == 4 and (await city.counts()) == {"sent": 4}
    assert [e.event_type for e in await city.events(number)].count("Unsubscribed") == 1


async def _now(value: list[Any]) -> list[Any]:
    return value
