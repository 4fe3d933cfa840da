"""What was said in each chat on the resident site, for the page to show (intake's migration 0007_chat.sql).

Lines are added in the transaction that takes the resident's message, under the conversation's lock, so
two messages of one chat never get the same position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import asyncpg

SHOWN_LINES = 60
"""The page shows the latest lines only: a chat left open for long does not grow without end."""


@dataclass(frozen=True)
class ChatLine:
    speaker: Literal["resident", "city"]
    said: str
    tracking_number: str | None


async def add_exchange(
    conn: asyncpg.Connection,
    session: str,
    said: str,
    answer: str,
    tracking_number: str | None,
    ttl: timedelta,
) -> None:
    """The resident's message and our answer, after the chat's lines so far; the whole chat is then kept
    for `ttl` from now."""
    last = await conn.fetchval("SELECT max(position) FROM chat_lines WHERE session = $1", session) or 0
    await conn.executemany(
        "INSERT INTO chat_lines (session, position, speaker, said, tracking_number, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, now() + $6::interval)",
        [
            (session, last + 1, "resident", said, None, ttl),
            (session, last + 2, "city", answer, tracking_number, ttl),
        ],
    )
    await conn.execute(
        "UPDATE chat_lines SET expires_at = now() + $2::interval WHERE session = $1", session, ttl
    )


async def transcript(pool: asyncpg.Pool, session: str) -> list[ChatLine]:
    """The chat's latest lines, oldest first; none once it expired."""
    rows = await pool.fetch(
        "SELECT speaker, said, tracking_number FROM ("
        "  SELECT * FROM chat_lines WHERE session = $1 AND expires_at > now() "
        "  ORDER BY position DESC LIMIT $2"
        ") latest ORDER BY position",
        session,
        SHOWN_LINES,
    )
    return [ChatLine(row["speaker"], row["said"], row["tracking_number"]) for row in rows]


async def prune(pool: asyncpg.Pool) -> None:
    await pool.execute("DELETE FROM chat_lines WHERE expires_at <= now()")
