"""The channels' own PostgreSQL tables: conversations in progress and messages already answered.

The SQL is intake's migration 0003_text_conversations.sql, applied at start-up with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import asyncpg
from pydantic import TypeAdapter

from civic311_intake.domain.messages.conversation import Conversation

KEEP_MESSAGE_IDS = timedelta(days=30)
"""Long enough for any provider's or mail server's retries."""
_STATE = TypeAdapter(Conversation)


@dataclass(frozen=True)
class StoredReply:
    subject: str
    text: str
    tracking_number: str | None
    replied: bool
    repeated: bool = False
    """The reply given before to the same message (a provider's retry, a chat message posted again)."""


async def claim_message(conn: asyncpg.Connection, channel: str, message_id: str) -> bool:
    """True for the first delivery of a message. A concurrent retry waits here for the first to commit."""
    claimed = await conn.fetchval(
        "INSERT INTO inbound_messages (channel, message_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING true",
        channel,
        message_id,
    )
    return bool(claimed)


async def stored_reply(conn: asyncpg.Connection, channel: str, message_id: str) -> StoredReply:
    row = await conn.fetchrow(
        "SELECT reply_subject, reply_text, tracking_number, replied_at IS NOT NULL AS replied "
        "FROM inbound_messages WHERE channel = $1 AND message_id = $2",
        channel,
        message_id,
    )
    assert row is not None, "only asked after a claim failed"
    return StoredReply(
        row["reply_subject"], row["reply_text"], row["tracking_number"], row["replied"], repeated=True
    )


async def record_reply(conn: asyncpg.Connection, channel: str, message_id: str, reply: StoredReply) -> None:
    await conn.execute(
        "UPDATE inbound_messages SET reply_subject = $3, reply_text = $4, tracking_number = $5 "
        "WHERE channel = $1 AND message_id = $2",
        channel,
        message_id,
        reply.subject,
        reply.text,
        reply.tracking_number,
    )


async def mark_replied(pool: asyncpg.Pool, channel: str, message_id: str) -> None:
    await pool.execute(
        "UPDATE inbound_messages SET replied_at = now() WHERE channel = $1 AND message_id = $2",
        channel,
        message_id,
    )


async def load_conversation(conn: asyncpg.Connection, channel: str, sender: str) -> Conversation | None:
    """The sender's conversation, unless it expired; locked until the transaction ends.

    The lock is on the sender, not only on the row, so that two first messages at once take turns too.
    """
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 311))", channel, sender
    )
    state = await conn.fetchval(
        "SELECT state::text FROM text_conversations "
        "WHERE channel = $1 AND sender = $2 AND expires_at > now() FOR UPDATE",
        channel,
        sender,
    )
    return None if state is None else _STATE.validate_json(state)


async def save_conversation(
    conn: asyncpg.Connection, channel: str, sender: str, conversation: Conversation, ttl: timedelta
) -> None:
    await conn.execute(
        "INSERT INTO text_conversations (channel, sender, state, expires_at) "
        "VALUES ($1, $2, $3::jsonb, now() + $4) ON CONFLICT (channel, sender) DO UPDATE "
        "SET state = EXCLUDED.state, updated_at = now(), expires_at = EXCLUDED.expires_at",
        channel,
        sender,
        _STATE.dump_json(conversation).decode(),
        ttl,
    )


async def end_conversation(conn: asyncpg.Connection, channel: str, sender: str) -> None:
    await conn.execute("DELETE FROM text_conversations WHERE channel = $1 AND sender = $2", channel, sender)


async def prune(pool: asyncpg.Pool) -> None:
    """Forget expired conversations (personal data) and message ids past any retry."""
    await pool.execute("DELETE FROM text_conversations WHERE expires_at <= now()")
    await pool.execute(
        "DELETE FROM inbound_messages WHERE received_at < now() - $1::interval", KEEP_MESSAGE_IDS
    )
