"""In headless Chromium: a resident starting a pothole report is offered the open one already reported
there, follows it instead of filing again, and the follow is on that request's record; an agent filing
for a caller is offered the same list and adds the caller as a follower instead."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Browser, ViewportSize, expect

from civic311_backbone.contracts import Actor, Contact, Location, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.intake.desk_support import RunningDesk, running_desk, sign_in
from tests.support.browser import screenshot_path
from tests.support.waiting import eventually

PHONE = ViewportSize(width=390, height=844)
PLACE = (42.35542, -71.06032)
NEIGHBOUR = Actor(kind="resident", id="neighbour")


@pytest.fixture
async def desk(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    async with running_desk(settings, pool, store, tmp_path, with_relay=True) as running:
        yield running


async def reported_by_a_neighbour(desk: RunningDesk) -> str:
    number = new_tracking_number()
    created = RequestCreated(
        tracking_number=number,
        service_code="POTHOLE",
        description="Deep pothole by the library steps",
        location=Location(lat=PLACE[0], long=PLACE[1], address_string="700 Boylston St"),
        channel="web",
        contact=Contact(email="neighbour@example.org"),
    )
    await desk.store.append(stream_id_for(number), [new_event(created, actor=NEIGHBOUR)], expected_version=0)
    await eventually(
        lambda: desk.pool.fetchval("SELECT listed FROM request_index WHERE tracking_number = $1", number),
        until=lambda listed: listed is True,
        what="the neighbour's report in the index",
    )
    return number


@pytest.mark.slow
async def test_a_resident_is_offered_the_report_already_there_and_follows_it(
    browser: Browser, desk: RunningDesk
) -> None:
    original = await reported_by_a_neighbour(desk)
    context = await browser.new_context(viewport=PHONE, locale="en-US", base_url=str(desk.client.base_url))
    page = await context.new_page()
    try:
        await page.goto("/report/POTHOLE")
        await page.get_by_text("Give the position as latitude and longitude").click()
        await page.get_by_label("Latitude").fill(str(PLACE[0] + 0.0002))  # about 22 m north of it
        await page.get_by_label("Longitude").fill(str(PLACE[1]))
        await page.get_by_label("Longitude").press("Tab")

        panel = page.get_by_role("region", name="Already reported?")
        await expect(panel).to_be_visible()
        await expect(panel).to_contain_text("Deep pothole by the library steps")
        await expect(panel).to_contain_text("22 m away")
        assert "neighbour@example.org" not in await panel.inner_text()
        await page.screenshot(path=screenshot_path("already-reported-1-offered"), full_page=True)

        await panel.get_by_role("link", name=f"This is it: keep me informed ({original})").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(original)
        await page.get_by_label("E-mail address").fill("second.resident@example.org")
        await page.get_by_role("button", name="Keep me informed").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("You will hear of every change")
        await page.screenshot(path=screenshot_path("already-reported-2-followed"), full_page=True)
    finally:
        await context.close()

    # Then the follow is on the original's record, and no second report was filed
    on_record = [r.event_type for r in await desk.store.read_stream(stream_id_for(original))]
    assert on_record == ["RequestCreated", "FollowerAdded"]
    assert await desk.pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'RequestCreated'") == 1


@pytest.mark.slow
async def test_an_agent_filing_for_a_caller_is_offered_the_report_already_there_and_adds_the_caller(
    browser: Browser, desk: RunningDesk
) -> None:
    original = await reported_by_a_neighbour(desk)
    page = await sign_in(browser, desk, "al", "agent", None)
    try:
        await page.goto(f"{str(desk.client.base_url).rstrip('/')}/staff/new?service_code=POTHOLE")
        await page.get_by_label("Latitude").fill(str(PLACE[0] + 0.0002))
        await page.get_by_label("Longitude").fill(str(PLACE[1]))
        await page.get_by_label("Longitude").press("Tab")

        panel = page.get_by_role("region", name="Already reported?")
        await expect(panel).to_contain_text("Deep pothole by the library steps")
        await expect(panel).to_contain_text("22 m away")
        assert "neighbour@example.org" not in await panel.inner_text()
        await page.screenshot(path=screenshot_path("already-reported-3-agent"), full_page=True)

        # The tracking page opens beside the half-filled form, which stays as it was
        async with page.context.expect_page() as opened:
            await panel.get_by_role(
                "link", name=f"This is it: add the caller as a follower ({original})"
            ).click()
        tracking = await opened.value
        await expect(tracking.get_by_role("heading", level=1)).to_have_text(original)
        await tracking.get_by_label("E-mail address").fill("caller@example.org")
        await tracking.get_by_role("button", name="Keep me informed").click()
        await expect(tracking.get_by_role("heading", level=1)).to_have_text("You will hear of every change")
        await expect(page.get_by_label("Latitude")).to_have_value(str(PLACE[0] + 0.0002))
    finally:
        await page.context.close()

    on_record = [r.event_type for r in await desk.store.read_stream(stream_id_for(original))]
    assert on_record == ["RequestCreated", "FollowerAdded"]
    assert await desk.pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'RequestCreated'") == 1
