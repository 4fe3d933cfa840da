"""The review desk's page, over HTTP from the running gateway (and the relay, which feeds its queue):
a flagged pair side by side with its score, confirmed through the form with its CSRF token; a form
without a reason changes nothing and says why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import pytest
from nats.aio.client import Client as NatsClient

from civic311_backbone.contracts import Actor, DuplicateFlagged, new_event
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from tests.intake.desk_support import PUBLIC_WORKS, RunningDesk, running_desk
from tests.intake.test_staff_pages import csrf_of, signed_in_browser
from tests.support.waiting import eventually

DEDUP = Actor(kind="service", id="dedup")


@pytest.fixture
async def desk(
    settings: BackboneSettings, pool: asyncpg.Pool, store: EventStore, nats_client: NatsClient, tmp_path: Path
) -> AsyncIterator[RunningDesk]:
    async with running_desk(settings, pool, store, tmp_path, with_relay=True) as running:
        yield running


async def test_a_flagged_pair_is_confirmed_on_the_page(desk: RunningDesk) -> None:
    original = await desk.request_with(PUBLIC_WORKS)
    later = await desk.request_with(PUBLIC_WORKS)
    flag = DuplicateFlagged(
        original=original, score=0.71, distance_m=18.4, reasons=("same type", "18 m apart")
    )
    await desk.store.append(stream_id_for(later), [new_event(flag, actor=DEDUP)], expected_version=2)
    async with signed_in_browser(desk, f"pw-{uuid4().hex[:6]}", "department_staff", PUBLIC_WORKS) as browser:

        async def page() -> httpx.Response:
            return await browser.get("/staff/duplicates")

        shown = await eventually(page, until=lambda p: later in p.text, what="the pair on the page")
        assert shown.status_code == 200
        assert original in shown.text and "Score 0.71" in shown.text and "18 m apart" in shown.text
        assert "maria@example.org" not in shown.text

        token = csrf_of(shown)
        form = {"duplicate": later, "expected_version": "3", "csrf_token": token}
        unsaid = await browser.post("/staff/duplicates/confirm", data=form | {"reason": ""})
        assert unsaid.status_code == 422 and "reason" in unsaid.text
        no_token = await browser.post(
            "/staff/duplicates/confirm", data={"duplicate": later, "reason": "same"}
        )
        assert no_token.status_code == 403
        assert "DuplicateReviewed" not in await desk.events_of(later)

        done = await browser.post("/staff/duplicates/confirm", data=form | {"reason": "same hole"})
        assert done.status_code == 303 and done.headers["location"].startswith(
            "/staff/duplicates?done=confirmed"
        )
        assert (await desk.events_of(later))[-1] == "DuplicateReviewed"
        request_page = await browser.get(f"/staff/requests/{later}")
        assert "duplicate confirmed" in request_page.text and "same hole" in request_page.text
