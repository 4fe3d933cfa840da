"""The Twilio-shaped SMS sender against the local fake of its API: a 429 is tried again, never before
its Retry-After, and sent once; Twilio's 21211 (not a valid number) parks the text with that reason.
The outbox's text senders run in this process on the real PostgreSQL outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from uuid import uuid4

import asyncpg
import pytest

from civic311_backbone.service.runner import migrate_service
from civic311_notifier.adapters import outbox
from civic311_notifier.adapters.mail import MailLinks
from civic311_notifier.adapters.twilio import TextDeferred, TextRefused, TwilioConfig, TwilioSender
from civic311_notifier.application.sending import SendingPolicy
from civic311_notifier.application.texting import TextComposer, TextOutbox
from civic311_notifier.domain.notices import Notice
from civic311_notifier.wiring import SERVICE
from tests.notifier.fake_sms_provider import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeSmsProvider
from tests.support.waiting import eventually

PHONE = "+16175550142"


@pytest.fixture
def fake() -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider().start()
    yield provider
    provider.stop()


def _sender(fake: FakeSmsProvider) -> TwilioSender:
    return TwilioSender(
        TwilioConfig(base_url=fake.base_url, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, sender=FROM)
    )


async def test_a_429_carries_its_retry_after_and_the_next_try_is_accepted(fake: FakeSmsProvider) -> None:
    fake.fail_first[PHONE] = (429, 1)
    fake.retry_after[PHONE] = "7"
    sender = _sender(fake)
    try:
        with pytest.raises(TextDeferred) as deferred:
            await sender.send(PHONE, "Your request 311-AB12-CD34 is in progress.")
        assert deferred.value.retry_after == 7.0
        sid = await sender.send(PHONE, "Your request 311-AB12-CD34 is in progress.")
    finally:
        await sender.close()
    assert [t.sid for t in fake.to(PHONE)] == [sid]
    assert fake.attempts[PHONE] == 2


async def test_21211_is_refused_for_good_with_its_code_and_does_not_stop_the_number(
    fake: FakeSmsProvider,
) -> None:
    fake.invalid.add(PHONE)
    sender = _sender(fake)
    try:
        with pytest.raises(TextRefused) as refused:
            await sender.send(PHONE, "Your request 311-AB12-CD34 is in progress.")
    finally:
        await sender.close()
    assert "21211" in str(refused.value) and "not a valid phone number" in str(refused.value)
    assert refused.value.stopped is False
    assert fake.to(PHONE) == []


async def _one_text(pool: asyncpg.Pool, phone: str) -> int:
    """An update's text to `phone` in the outbox, as the consumer writes it; its row's id."""
    event_id = uuid4()
    facts = {"tracking_number": "311-AB12-CD34", "department": "Public Works", "note": "Crew on the way."}
    async with pool.acquire() as conn:
        await outbox.add(
            conn,
            event_id=event_id,
            stream_id=f"request-{uuid4().hex}",
            event_at=None,
            notices=[Notice("updated", phone, "sms", "en", facts)],
        )
        row_id: int = await conn.fetchval("SELECT id FROM notifier_outbox WHERE event_id = $1", event_id)
    return row_id


@asynccontextmanager
async def _texting(pool: asyncpg.Pool, fake: FakeSmsProvider) -> AsyncIterator[None]:
    """The notifier's text senders working the outbox, in this process, until the block ends."""
    async with pool.acquire() as conn:
        await migrate_service(conn, SERVICE)
    texts = TextOutbox(
        pool=pool,
        composer=TextComposer(
            city_name="Sample City",
            time_zone="America/New_York",
            links=MailLinks("http://gateway.test", "http://notifier.test", b"k" * 32),
        ),
        provider=_sender(fake),
        policy=SendingPolicy(senders=1, idle_seconds=0.1, max_delay=timedelta(seconds=1)),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(texts.run(stop))
    try:
        yield
    finally:
        stop.set()
        await running


async def _row(pool: asyncpg.Pool, row_id: int) -> asyncpg.Record:
    row: asyncpg.Record = await pool.fetchrow(
        "SELECT state, attempts, last_error, provider_ref FROM notifier_outbox WHERE id = $1", row_id
    )
    return row


async def test_a_text_answered_429_is_sent_again_not_before_its_retry_after_and_once(
    pool: asyncpg.Pool, fake: FakeSmsProvider
) -> None:
    # Given a provider that answers the first try with 429 and "Retry-After: 2", longer than the
    # outbox's own first backoff (at most a second here)
    fake.fail_first[PHONE] = (429, 1)
    fake.retry_after[PHONE] = "2"
    async with _texting(pool, fake):
        row_id = await _one_text(pool, PHONE)
        # When the senders work the outbox
        row = await eventually(
            lambda: _row(pool, row_id), until=lambda r: r["state"] != "pending", what="the text settled"
        )
    # Then it was sent on the second try, the provider's sid kept, once
    assert row["state"] == "sent" and row["attempts"] == 2
    assert [t.sid for t in fake.to(PHONE)] == [row["provider_ref"]]
    # and the second try came no sooner than the provider asked
    first, second = fake.attempted_at[PHONE]
    assert second - first >= 2.0


async def test_a_text_to_a_number_twilio_calls_invalid_is_parked_with_the_reason(
    pool: asyncpg.Pool, fake: FakeSmsProvider
) -> None:
    fake.invalid.add(PHONE)
    async with _texting(pool, fake):
        row_id = await _one_text(pool, PHONE)
        row = await eventually(
            lambda: _row(pool, row_id), until=lambda r: r["state"] != "pending", what="the text settled"
        )
    assert row["state"] == "parked" and row["attempts"] == 1
    assert "21211" in row["last_error"] and "not a valid phone number" in row["last_error"]
    assert fake.attempts[PHONE] == 1 and fake.to(PHONE) == []
    # an invalid number is not a STOP: nothing is suppressed for it
    silenced = await pool.fetchval("SELECT count(*) FROM notifier_suppressions WHERE recipient = $1", PHONE)
    assert silenced == 0
