"""In headless Chromium: a resident files a request through the form, staff update it, the resident follows it.

Once in English (the browser's language), once in Spanish (chosen with the switch in the header, and the
place given by the browser's geolocation). Screenshots at phone and desktop width go to tests/screenshots/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.async_api import Browser, Geolocation, Page, ViewportSize, expect

from civic311_backbone.contracts import Assigned, RequestCreated, from_record, new_event
from civic311_backbone.contracts.tracking import parse_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from tests.intake.desk_support import ROUTING, RunningDesk
from tests.support.browser import screenshot_path

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
CITY_HALL = Geolocation(latitude=42.360082, longitude=-71.05888)


@dataclass(frozen=True)
class Update:
    public_note: str
    internal_note: str


async def snap(page: Page, name: str) -> None:
    """The page as a phone shows it, then as a desktop does; the page is left at phone width."""
    await page.screenshot(path=screenshot_path(f"{name}-phone"), full_page=True)
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=screenshot_path(f"{name}-desktop"), full_page=True)
    await page.set_viewport_size(PHONE)


async def staff_update(desk: RunningDesk, tracking_number: str, update: Update) -> None:
    """Routing gives the request to Public Works; a member of its staff puts it in progress, with notes."""
    await desk.store.append(
        stream_id_for(tracking_number),
        [new_event(Assigned(department="Public Works", queue="PWD-Streets"), actor=ROUTING)],
        expected_version=1,
    )
    staff = await desk.staff("department_staff", "Public Works")
    response = await desk.client.post(
        f"/api/staff/requests/{tracking_number}/status",
        headers=staff,
        json={
            "status": "in_progress",
            "public_note": update.public_note,
            "internal_note": update.internal_note,
        },
    )
    assert response.status_code == 200, response.text


async def filed_request(store: EventStore, tracking_number: str) -> RequestCreated:
    [created] = [from_record(r) for r in await store.read_stream(stream_id_for(tracking_number))][:1]
    assert isinstance(created.payload, RequestCreated)
    return created.payload


async def test_a_resident_reports_a_pothole_in_english_and_follows_it_after_staff_update_it(
    browser: Browser, desk: RunningDesk
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="en-US", base_url=str(desk.client.base_url))
    page = await context.new_page()
    try:
        await page.goto("/")
        await page.get_by_role("link", name="Report a problem", exact=True).click()
        await page.get_by_role("link", name="Pothole", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Pothole")
        await snap(page, "resident-en-1-form")

        await page.get_by_label("Larger than a car tyre").check()
        await page.get_by_label("Describe the problem").fill(
            "Deep pothole in the right lane, cars swerve into the bike lane."
        )
        await page.get_by_label("E-mail address").fill("maria.lopez@example.org")
        await page.get_by_role("button", name="Send report").click()
        # The address was forgotten: the form comes back, saying so at the top and at the field.
        summary = page.get_by_role("alert")
        await expect(summary).to_contain_text("Enter the address, or use your location")
        await expect(page.get_by_label("Describe the problem")).to_have_value(re.compile("^Deep pothole"))
        await snap(page, "resident-en-2-form-with-error")
        await summary.get_by_role("link").click()
        await expect(page.get_by_label("Street address or nearest corner")).to_be_focused()
        await page.get_by_label("Street address or nearest corner").fill("12 Main St at Elm St")
        await page.get_by_role("button", name="Send report").click()

        await expect(page.get_by_role("heading", level=1)).to_have_text("Report received")
        tracking_number = parse_tracking_number(await page.locator("[data-tracking-number]").inner_text())
        await snap(page, "resident-en-3-confirmation")
        created = await filed_request(desk.store, tracking_number)
        assert (created.channel, created.language, created.attributes) == ("web", "en", {"SIZE": "large"})
        assert created.location.address_string == "12 Main St at Elm St"

        update = Update("A crew is booked for Tuesday morning.", "Resident called twice about it.")
        await staff_update(desk, tracking_number, update)

        await page.goto("/")
        await page.get_by_role("link", name="Track a request", exact=True).click()
        await page.get_by_label("Tracking number").fill(tracking_number.lower().replace("-", " "))
        await page.get_by_role("button", name="Track").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(tracking_number)
        await expect(page.locator(".timeline")).to_contain_text(update.public_note)
        await expect(page.locator("[aria-current=step]")).to_have_text("In progress")
        await snap(page, "resident-en-4-tracking")
        text = await page.locator("body").inner_text()
        for private in ("maria.lopez@example.org", update.internal_note):
            assert private not in text
    finally:
        await context.close()


async def test_a_resident_reports_in_spanish_with_their_location_and_follows_it_after_staff_update_it(
    browser: Browser, desk: RunningDesk
) -> None:
    context = await browser.new_context(
        viewport=PHONE,
        locale="en-US",
        geolocation=CITY_HALL,
        permissions=["geolocation"],
        base_url=str(desk.client.base_url),
    )
    page = await context.new_page()
    try:
        await page.goto("/")
        await page.get_by_role("link", name="Español").click()
        await expect(page.locator("html")).to_have_attribute("lang", "es")
        await page.get_by_role("link", name="Reportar un problema", exact=True).click()
        await page.get_by_role("link", name="Farola apagada").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Farola apagada")

        await page.get_by_label("Parpadea").check()
        await page.get_by_label("Número del poste, si lo ve").fill("SL-2291")
        await page.get_by_role("button", name="Usar mi ubicación").click()
        await expect(page.get_by_role("status")).to_contain_text(
            "Ubicación encontrada: 42.360082, -71.058880"
        )
        await expect(page.get_by_label("Latitud")).to_have_value("42.360082")
        await page.get_by_label("Describa el problema").fill(
            "La farola frente a la parada del autobús parpadea toda la noche."
        )
        await page.get_by_label("Correo electrónico").fill("ana.garcia@example.org")
        await expect(page.get_by_label("Español")).to_be_checked()  # the page's language, preselected
        await snap(page, "resident-es-1-form")
        await page.get_by_role("button", name="Enviar reporte").click()

        await expect(page.get_by_role("heading", level=1)).to_have_text("Reporte recibido")
        tracking_number = parse_tracking_number(await page.locator("[data-tracking-number]").inner_text())
        await snap(page, "resident-es-2-confirmation")
        created = await filed_request(desk.store, tracking_number)
        assert (created.channel, created.language) == ("web", "es")
        assert created.attributes == {"PATTERN": "flickering", "POLE_NUMBER": "SL-2291"}
        assert (created.location.lat, created.location.long) == (42.360082, -71.05888)

        update = Update("Cambiaremos la lámpara el martes.", "Needs the bucket truck.")
        await staff_update(desk, tracking_number, update)

        await page.get_by_role("link", name="Seguir esta solicitud").click()
        await expect(page.locator(".timeline")).to_contain_text(update.public_note)
        await expect(page.locator(".timeline")).to_contain_text("Trabajo en curso")
        await expect(page.locator("[aria-current=step]")).to_have_text("En curso")
        await snap(page, "resident-es-3-tracking")
        text = await page.locator("body").inner_text()
        for private in ("ana.garcia@example.org", update.internal_note):
            assert private not in text
    finally:
        await context.close()
