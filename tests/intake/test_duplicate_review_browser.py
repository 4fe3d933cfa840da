"""In headless Chromium, the review desk: two residents' reports that dedup flagged against an earlier one
are shown on /staff/duplicates side by side with the original; a supervisor confirms one (dedup closes
it as a duplicate of the original, in the supervisor's name) and rejects the other (both stay open).
Each decision is a DuplicateReviewed on the record naming who decided. The gateway, relay, routing and
dedup run as processes; screenshots go to the test's own folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client as NatsClient
from playwright.async_api import Browser, Locator, Page, expect

from civic311_backbone.contracts import Closed, DuplicateReviewed
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.dedup.support import moved
from tests.dedup.system_support import CORNER, RunningCity, running_city
from tests.intake.desk_support import PUBLIC_WORKS, RunningDesk, sign_in

SUPERVISOR = "sam-reviews"


@pytest.fixture
async def city(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, nats_client: NatsClient, tmp_path: Path
) -> AsyncIterator[RunningCity]:
    async with running_city(settings, pool, store, tmp_path) as running:
        yield running


async def _flagged(city: RunningCity, description: str, north_m: float, email: str) -> str:
    number = await city.report("GRAFFITI", description, moved(CORNER, north_m=north_m), email=email)
    await city.event_of(number, "DuplicateFlagged")
    return number


async def _pairs_shown(page: Page, count: int) -> None:
    """Reload until the queue (fed from the bus) shows `count` pairs."""
    pairs = page.locator("section.desk-pair")
    for _ in range(150):
        if await pairs.count() == count:
            return
        await page.wait_for_timeout(200)
        await page.reload()
    await expect(pairs).to_have_count(count)


async def _side_by_side(pair: Locator) -> None:
    report, original = pair.locator(".desk-pair__side").nth(0), pair.locator(".desk-pair__side").nth(1)
    left, right = await report.bounding_box(), await original.bounding_box()
    assert left is not None and right is not None
    assert abs(left["y"] - right["y"]) < 1 and right["x"] >= left["x"] + left["width"]


@pytest.mark.slow
async def test_a_supervisor_confirms_one_flagged_pair_and_rejects_another(
    browser: Browser, city: RunningCity, tmp_path: Path
) -> None:
    first = await city.report("GRAFFITI", "graffiti on the wall of the school", CORNER, email="a@example.org")
    await city.event_of(first, "Assigned")
    # 45 m either side of the first, words half alike: each scored between the thresholds, and 90 m
    # from each other, too far apart to be matched together.
    same = await _flagged(city, "tags on the school gate", 45, "b@example.org")
    other = await _flagged(city, "tags on the school gate", -45, "c@example.org")

    desk = RunningDesk(client=city.client, store=city.store, pool=city.pool)
    page = await sign_in(browser, desk, SUPERVISOR, "supervisor", PUBLIC_WORKS)
    await expect(page.get_by_role("heading", name=f"{PUBLIC_WORKS}: open requests")).to_be_visible()
    await page.get_by_role("link", name="Duplicates to review").click()
    await expect(page.get_by_role("heading", name=f"{PUBLIC_WORKS}: possible duplicates")).to_be_visible()
    await _pairs_shown(page, 2)
    for number in (same, other):
        pair = page.get_by_role("region", name=f"Possible duplicate {number}")
        await expect(pair.get_by_role("heading", name=f"This report: {number}")).to_be_visible()
        await expect(pair.get_by_role("heading", name=f"May duplicate: {first}")).to_be_visible()
        await expect(pair).to_contain_text("tags on the school gate")
        await expect(pair).to_contain_text("graffiti on the wall of the school")
        await expect(pair).to_contain_text("m apart")
        await expect(pair).to_contain_text("Score 0.")
        await _side_by_side(pair)
    shown = await page.locator("main").inner_text()
    assert "a@example.org" not in shown and "b@example.org" not in shown
    await page.screenshot(path=tmp_path / "duplicates-1-queue.png", full_page=True)

    confirm = page.get_by_role("region", name=f"Possible duplicate {same}").locator(
        "form[action$='/confirm']"
    )
    await confirm.get_by_label("Why").fill("the same tags on the same wall")
    await confirm.get_by_role("button", name="Confirm: the same problem").click()
    await expect(page.get_by_role("status")).to_have_text(f"{same}: duplicate confirmed.")
    await page.screenshot(path=tmp_path / "duplicates-2-confirmed.png", full_page=True)
    [closed] = await city.event_of(same, "Closed")
    assert isinstance(closed.payload, Closed)
    assert (closed.payload.resolution, closed.payload.duplicate_of) == ("duplicate", first)
    assert closed.actor.id == f"staff:{SUPERVISOR}"

    await _pairs_shown(page, 1)
    reject = page.get_by_role("region", name=f"Possible duplicate {other}").locator("form[action$='/reject']")
    await reject.get_by_label("Why").fill("the gate is the park's, the wall the school's")
    await reject.get_by_role("button", name="Reject: keep both open").click()
    await expect(page.get_by_role("status")).to_have_text(f"{other}: duplicate rejected.")
    await _pairs_shown(page, 0)
    await page.screenshot(path=tmp_path / "duplicates-3-rejected.png", full_page=True)

    for number, decision in ((same, "confirmed"), (other, "rejected")):
        [review] = await city.event_of(number, "DuplicateReviewed")
        assert isinstance(review.payload, DuplicateReviewed)
        assert (review.payload.decision, review.payload.original) == (decision, first)
        assert review.actor.id == f"staff:{SUPERVISOR}" and review.actor.kind == "staff"
    # Rejected: both stay open (dedup has nothing to do for a rejection, and the page says so).
    await page.get_by_role("link", name="Queue").click()
    await page.get_by_role("link", name=other).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(other)
    await expect(page.locator("main")).to_contain_text("Open, assigned")
    await expect(page.get_by_text("duplicate rejected")).to_be_visible()
    for number in (other, first):
        assert "Closed" not in [e.event_type for e in await city.events(number)]
    await page.screenshot(path=tmp_path / "duplicates-4-rejected-request.png", full_page=True)
    await page.context.close()
