"""The Must-show story, end to end through the gateway: the gateway, the relay, routing and the
notifier as processes, a real SMTP server. A resident files in Spanish with an e-mail address, staff
update twice and close through the desk's API; she gets four Spanish e-mails whose links work; one click
unsubscribes her; her "not fixed" link reopens the request and routing assigns it again."""

from __future__ import annotations

import json
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
from tests.intake.text_channel_support import TRACKING_NUMBER, SmsProvider, reply_of
from tests.notifier.fake_sms_provider import FakeSmsProvider
from tests.notifier.running import ADMIN_TOKEN, SECRET, notifier_env
from tests.notifier.sink import MailSink, text_of
from tests.notifier.stories import unique_address
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FILED = re.compile(r"^/requests/([2-9A-Z]{3}-[2-9A-Z]{5})/filed$")
PASSWORD = "correct horse battery staple"
SMS_WEBHOOK_TOKEN = uuid4().hex


@dataclass(frozen=True)
class City:
    gateway: httpx.AsyncClient
    notifier: ServiceProcess
    store: EventStore
    pool: asyncpg.Pool
    texts: FakeSmsProvider

    def resident_texting(self, phone: str) -> SmsProvider:
        """A resident's phone, texting the gateway through the (stood-in) provider's webhook."""
        return SmsProvider(
            self.gateway, str(self.gateway.base_url).rstrip("/") + "/channels/sms", SMS_WEBHOOK_TOKEN, phone
        )

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
def texts() -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
async def city(
    settings: BackboneSettings,
    pool: asyncpg.Pool,
    store: EventStore,
    sink: MailSink,
    texts: FakeSmsProvider,
    tmp_path: Path,
) -> AsyncIterator[City]:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    env = settings_env(settings)
    gateway = ServiceProcess(
        "civic311_intake",
        {**env, "RESIDENT_LINK_SECRET": SECRET, "SMS_WEBHOOK_TOKEN": SMS_WEBHOOK_TOKEN},
        tmp_path,
    )
    notifier = ServiceProcess("civic311_notifier", {}, tmp_path)
    notifier.env.update(notifier_env(settings, sink, GATEWAY_PUBLIC_URL=gateway.url, **texts.env()))
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
            yield City(gateway=client, notifier=notifier, store=store, pool=pool, texts=texts)
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


async def _update_and_close(
    city: City, number: str, updates: list[tuple[str, str]], closing_note: str
) -> None:
    """Staff of the department routing chose post status updates and close it, through the desk's API."""
    [assigned] = await _of_type(city, number, "Assigned")
    staff = await _staff_headers(city, assigned.payload.department)
    for status, note in updates:
        answer = await city.gateway.post(
            f"/api/staff/requests/{number}/status",
            json={"status": status, "public_note": note},
            headers=staff,
        )
        assert answer.status_code == 200, answer.text
    if closing_note:
        closing = {"resolution": "resolved", "public_note": closing_note}
        answer = await city.gateway.post(f"/api/staff/requests/{number}/close", json=closing, headers=staff)
        assert answer.status_code == 200, answer.text


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

    # When staff update it twice and close it through the desk's API
    updates = [("in_progress", "Cuadrilla en camino."), ("on_hold", "Esperamos el asfalto.")]
    await _update_and_close(city, number, updates, "Bache reparado.")

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


@pytest.mark.slow
async def test_a_resident_who_filed_by_text_gets_each_change_texted_once_in_spanish_even_after_a_500(
    city: City,
) -> None:
    # Given a resident who files by text in Spanish, and a provider that fails her first text once
    phone = f"+1617555{uuid4().int % 10_000:04d}"
    city.texts.fail_first[phone] = (500, 1)
    resident = city.resident_texting(phone)
    reply_of(await resident.text("Hay un bache enorme frente al 45 de la calle Mayor"))
    [number] = TRACKING_NUMBER.findall(reply_of(await resident.text("3")))

    # When staff post an update with a public note and close it
    await _update_and_close(city, number, [("in_progress", "Cuadrilla en camino.")], "Bache reparado.")

    # Then the provider got exactly three texts to her, once each, in Spanish, with number and link
    texts = await eventually(
        lambda: _now(city.texts.to(phone)), until=lambda t: len(t) >= 3, timeout=60, what="three texts"
    )
    [closed] = await _of_type(city, number, "Closed")
    await eventually(lambda: city.processed_by_notifier(closed), until=lambda n: n == 1, what="notifier")
    await eventually(city.counts, until=lambda c: c.get("pending", 0) == 0, what="outbox worked")
    bodies = [t.body for t in city.texts.to(phone)]
    assert len(bodies) == 3 and city.texts.attempts[phone] == 4  # the 500 was retried, and sent once
    assert bodies[0].startswith("Sample City 311: recibimos su reporte " + number)
    assert "Responda STOP" in bodies[0]
    assert bodies[1].startswith(f"Sample City 311: novedades de {number}: Cuadrilla en camino.")
    assert bodies[2].startswith(f"Sample City 311: su reporte {number} fue cerrado. Bache reparado.")
    assert all(f"/track/{number}?lang=es" in body for body in bodies)
    assert city.texts.refused == []
    sids = await city.pool.fetch("SELECT provider_ref FROM notifier_outbox WHERE channel = 'sms'")
    assert sorted(r["provider_ref"] for r in sids) == sorted(t.sid for t in texts)


@pytest.mark.slow
async def test_stop_by_text_stops_every_further_text(city: City) -> None:
    # Given a resident who filed by text and got the first text
    phone = f"+1617555{uuid4().int % 10_000:04d}"
    resident = city.resident_texting(phone)
    [number] = TRACKING_NUMBER.findall(
        reply_of(await resident.text("Graffiti all over the wall at 12 Main St"))
    )
    await eventually(lambda: _now(city.texts.to(phone)), until=lambda t: len(t) == 1, what="first text")

    # When she texts STOP to the city's number
    stopped = reply_of(await resident.text("STOP"))

    # Then the gateway confirms it and records her choice, and staff's next change is not texted
    assert "no more texts" in stopped
    await _update_and_close(city, number, [("in_progress", "Crew on the way.")], "Cleaned.")
    [closed] = await _of_type(city, number, "Closed")
    await eventually(lambda: city.processed_by_notifier(closed), until=lambda n: n == 1, what="notifier")
    await eventually(city.counts, until=lambda c: c.get("pending", 0) == 0, what="outbox worked")
    assert len(city.texts.to(phone)) == 1
    assert (await city.counts()).get("suppressed", 0) == 2
    unsubscribed = await city.pool.fetch(
        "SELECT stream_id, payload FROM events WHERE event_type = 'Unsubscribed'"
    )
    assert [
        (r["stream_id"].startswith("sms-recipient-"), json.loads(r["payload"])) for r in unsubscribed
    ] == [(True, {"recipient": phone, "channel": "sms", "scope": "all"})]
