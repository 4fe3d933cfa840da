"""The notifier as a city runs it (relay and notifier processes, real PostgreSQL, NATS and an SMTP
server): a resident hears of every public change once, in their language, and can stop hearing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_notifier.domain.links import verify
from tests.notifier.running import ADMIN_TOKEN, GATEWAY_URL, SECRET, relay_and_notifier
from tests.notifier.sink import MailSink, html_of, text_of
from tests.notifier.stories import (
    assigned,
    closed,
    filed,
    follower,
    new_request,
    tell,
    unique_address,
    updated,
    warning,
)
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually


@pytest.fixture
def sink() -> Iterator[MailSink]:
    mail = MailSink().start()
    yield mail
    mail.stop()


@pytest.fixture
async def notifier(
    settings: BackboneSettings, sink: MailSink, tmp_path: Path, store: EventStore
) -> AsyncIterator[ServiceProcess]:
    with relay_and_notifier(
        settings,
        sink,
        tmp_path,
        SUPERVISOR_EMAILS='{"Public Works": ["pw-sup@city.test"]}',
        SLA_DIGEST_WINDOW="PT4S",  # long enough for both warnings on a busy machine
    ) as (relay, notifier):
        await relay.wait_ready()
        await notifier.wait_ready()
        yield notifier


async def _mails(sink: MailSink, address: str, count: int) -> list:  # type: ignore[type-arg]
    return await eventually(
        lambda: _now(sink.to(address)), until=lambda m: len(m) >= count, what=f"{count} e-mails to {address}"
    )


async def _now(value: list) -> list:  # type: ignore[type-arg]
    return value


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


async def _admin(notifier: ServiceProcess, path: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(f"{notifier.url}{path}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})


async def test_a_spanish_resident_gets_four_emails_and_one_click_stops_the_next(
    store: EventStore, sink: MailSink, notifier: ServiceProcess
) -> None:
    # Given a request filed in Spanish with an e-mail address, routed, updated twice (and once with
    # nothing public to say) and closed
    ana = unique_address()
    created = filed(ana, language="es")
    stream = await new_request(store, created, assigned())
    await tell(store, stream, updated("in_progress", "Cuadrilla en camino."))
    await tell(store, stream, updated("acknowledged", None))
    await tell(store, stream, updated("on_hold", "Esperamos el asfalto."))
    await tell(store, stream, closed("Bache reparado."))

    # Then exactly four e-mails reach her, in Spanish, each with its own stable Message-ID
    mails = await _mails(sink, ana, 4)
    subjects = [str(m["Subject"]) for m in mails]
    assert subjects[0].startswith("Recibimos su reporte: ")
    assert "Novedades" in subjects[1] and "en curso" in subjects[1]
    assert "en espera" in subjects[2]
    assert "cerrada: resuelta" in subjects[3]
    assert all(created.tracking_number in s for s in subjects)
    assert len({m["Message-ID"] for m in mails}) == 4
    assert all(str(m["Message-ID"]).endswith("@311.sample.test>") for m in mails)
    assert all(str(m["Content-Language"]) == "es" for m in mails)
    received = text_of(mails[0])
    assert "Public Works" in received and "antes del" in received  # what happens next, and by when
    assert "Esperamos el asfalto." in html_of(mails[2])
    # ... with a tracking link, a "not fixed" link for the closing one, and one-click unsubscribe
    assert f"{GATEWAY_URL}/track/{created.tracking_number}?lang=es" in _links(received)
    not_fixed = [u for u in _links(text_of(mails[3])) if "/not-fixed?" in u]
    assert len(not_fixed) == 1
    claims = verify(parse_qs(urlsplit(not_fixed[0]).query)["t"][0], SECRET.encode(), action="not-fixed")
    assert claims.stream_id == stream
    assert all(str(m["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click" for m in mails)
    unsubscribe = str(mails[3]["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith(notifier.url)

    # When she unsubscribes with one click, as a mail client does (RFC 8058)
    async with httpx.AsyncClient() as client:
        page = await client.get(unsubscribe, headers={"Accept-Language": "es"})
        assert page.status_code == 200 and "Solo sobre esta solicitud" in page.text
        answer = await client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    # Then the choice is on the record
    recorded = [e for e in await store.read_stream(stream) if e.event_type == "Unsubscribed"]
    assert len(recorded) == 1

    # And the next change reaches her no more, while a resident who follows it from then on hears of it
    await tell(store, stream, updated("reopened", "Lo revisamos otra vez."))
    later = unique_address("later")
    await tell(store, stream, follower(later, reason="resident", language="es"))
    await tell(store, stream, updated("in_progress", "Cuadrilla en camino otra vez."))
    welcome, news = await _mails(sink, later, 2)
    assert "Usted sigue esta solicitud" in text_of(welcome)
    assert "otra vez" in text_of(news)
    assert len(sink.to(ana)) == 4
    counts = await _admin(notifier, "/admin/notifications/counts")
    assert counts.json() == {"sent": 6}


async def test_a_follower_hears_of_the_original_and_supervisors_get_one_digest_of_warnings(
    store: EventStore, sink: MailSink, notifier: ServiceProcess
) -> None:
    # Given a request whose duplicate's reporter follows it, and two requests of Public Works breaching
    reporter, follows = unique_address("reporter"), unique_address("follower")
    first = await new_request(store, filed(reporter), assigned(), follower(follows))
    await tell(store, first, updated("in_progress", "Crew on the way."))
    second = await new_request(store, filed(unique_address("other")), assigned())
    await tell(store, first, warning())
    await tell(store, second, warning("approaching"))

    # Then the follower gets the original's change like its reporter
    [news] = await _mails(sink, follows, 1)
    assert "Crew on the way." in text_of(news)
    await _mails(sink, reporter, 2)
    # And the supervisor one e-mail naming both requests; no resident hears of a warning
    [digest] = await _mails(sink, "pw-sup@city.test", 1)
    assert "2 requests of Public Works" in str(digest["Subject"])
    assert all("SLA" not in str(m["Subject"]) for m in sink.messages if m["To"] != "pw-sup@city.test")
    assert "List-Unsubscribe" not in digest


async def test_an_address_the_server_refuses_is_parked_with_its_reason(
    store: EventStore, sink: MailSink, notifier: ServiceProcess
) -> None:
    # Given a resident whose address the SMTP server refuses for good
    refused = unique_address("refused")
    await new_request(store, filed(refused), assigned())

    # Then the notification is parked, and operators see why
    listing = await eventually(
        lambda: _admin(notifier, "/admin/notifications?state=parked"),
        until=lambda r: any(n["recipient"] == refused for n in r.json()["notifications"]),
        what="the refused notification parked",
    )
    [parked] = [n for n in listing.json()["notifications"] if n["recipient"] == refused]
    assert "550" in parked["last_error"]
    # And the admin API wants its token
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{notifier.url}/admin/notifications")).status_code == 401

    # An operator sends it again; bodies that are not a list of outbox ids are refused and change nothing
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(base_url=notifier.url, headers=admin) as client:
        for bad in (b'{"ids": [18446744073709551616]}', b'{"ids": "12"}', b'{"ids": [0]}', b"{}", b"\xff"):
            answer = await client.post("/admin/notifications/retry", content=bad)
            assert answer.status_code == 400, (bad, answer.text)
            assert answer.json()["detail"].startswith("ids: ")
        odd = await client.get("/admin/notifications", params={"state": "<script>" + "x" * 5000})
        assert odd.status_code == 400 and "<script>" not in odd.text and len(odd.text) < 200
        again = await client.post("/admin/notifications/retry", json={"ids": [parked["id"]]})
        assert again.json() == {"retried": 1}
