"""In headless Chromium: a resident files a report through the chat on the resident site, in English and
in Spanish, answering its questions one at a time; the request is on the record with the type and place
the resident gave, and the chat shows its tracking number. One gateway for the module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.intake.open311_support import Open311Gateway
from tests.intake.text_channel_support import TRACKING_NUMBER, chat_gateway, created
from tests.support.browser import screenshot_path

PHONE = ViewportSize(width=390, height=844)


@pytest.fixture(scope="module")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("chat-browser")
    async with chat_gateway(database_server_url, nats_server_url, log_dir) as running:
        yield running


async def _send_by_keyboard(page: Page, box_label: str, message: str) -> None:
    box = page.get_by_label(box_label)
    await box.fill(message)
    await box.press("Enter")


async def _tracking_number(page: Page, link_start: str) -> str:
    link = page.get_by_role("link", name=link_start)
    await expect(link).to_be_visible()
    [number] = TRACKING_NUMBER.findall(await link.inner_text())
    return str(number)


@pytest.mark.slow
async def test_a_resident_files_a_pothole_through_the_chat_in_english(
    browser: Browser, gateway: Open311Gateway
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="en-US", base_url=gateway.url)
    page = await context.new_page()
    try:
        await page.goto("/")
        await page.get_by_role("link", name="Open the chat").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Chat with 311")
        lines = page.locator("[data-chat-lines] li")
        live = page.locator("[aria-live=polite]")

        await _send_by_keyboard(page, "Your message", "There is a big pothole outside 12 Main St")
        await expect(lines).to_have_count(3)
        await expect(lines.last).to_contain_text("How big is the pothole?")
        await expect(live).to_contain_text("How big is the pothole?")
        assert page.url.endswith("/chat")  # answered in place: the script posted it
        await expect(page.get_by_label("Your message")).to_be_focused()
        await page.screenshot(path=screenshot_path("chat-1-asked-en"), full_page=True)

        await page.get_by_label("Your message").fill("3")
        await page.get_by_role("button", name="Send").click()
        number = await _tracking_number(page, "Follow")
        await expect(lines.last).to_contain_text(f"Your tracking number is {number}.")
        await expect(live).to_contain_text(number)
        await page.screenshot(path=screenshot_path("chat-2-filed-en"), full_page=True)

        await page.reload()  # the conversation so far is the page's, not only the script's
        await expect(lines).to_have_count(5)
    finally:
        await context.close()

    request = await created(gateway, number)
    assert (request["service_code"], request["location"]["address_string"]) == ("POTHOLE", "12 Main St")
    assert (request["attributes"], request["language"]) == ({"SIZE": "large"}, "en")


@pytest.mark.slow
async def test_a_resident_files_through_the_chat_in_spanish(
    browser: Browser, gateway: Open311Gateway
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="es-MX", base_url=gateway.url)
    page = await context.new_page()
    try:
        await page.goto("/chat")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Chatee con el 311")
        lines = page.locator("[data-chat-lines] li")

        await _send_by_keyboard(page, "Su mensaje", "Hay un bache enorme")
        await expect(lines.last).to_contain_text("¿Dónde está?")
        await _send_by_keyboard(page, "Su mensaje", "frente al 45 de la calle Mayor")
        await expect(lines.last).to_contain_text("¿Qué tamaño tiene el bache? Responda con un número")
        await _send_by_keyboard(page, "Su mensaje", "2")
        number = await _tracking_number(page, "Siga")
        await expect(lines.last).to_contain_text(f"Su número de seguimiento es {number}.")
        await page.screenshot(path=screenshot_path("chat-3-filed-es"), full_page=True)
    finally:
        await context.close()

    request = await created(gateway, number)
    assert request["service_code"] == "POTHOLE"
    assert request["location"]["address_string"] == "45 de la calle Mayor"
    assert (request["attributes"], request["language"]) == ({"SIZE": "medium"}, "es")
