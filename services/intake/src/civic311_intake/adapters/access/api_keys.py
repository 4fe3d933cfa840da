"""Open311 api keys: `<key_id>.<secret>`; the secret is stored only as its SHA-256.

An api key is a long random string, so a fast hash is enough (unlike a password, it cannot be guessed
from a dictionary). Every presented key is looked up (one primary-key read): a revoked key stops working
at the next request in every gateway process. A cache would save that read but let a revoked key work on
for its lifetime; the read is small beside the append a POST makes anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import asyncpg


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def issue_api_key(conn: asyncpg.Connection | asyncpg.Pool, *, issued_to: str) -> str:
    """A new key for `issued_to`; the only time the whole key is seen."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
    await conn.execute(
        "INSERT INTO api_keys (key_id, secret_hash, issued_to) VALUES ($1, $2, $3)",
        key_id,
        _digest(secret),
        issued_to,
    )
    return f"{key_id}.{secret}"


async def revoke_api_key(conn: asyncpg.Connection | asyncpg.Pool, key_id: str) -> bool:
    status = await conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL", key_id
    )
    return bool(status.endswith(" 1"))


class ApiKeys:
    """Checks presented keys against the table."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def holder(self, presented: str | None) -> str | None:
        """To whom the key was issued, or None if it is not a valid, unrevoked key."""
        if not presented or presented.count(".") != 1:
            return None
        key_id, secret = presented.split(".")
        row = await self._pool.fetchrow(
            "SELECT secret_hash, issued_to FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL", key_id
        )
        if row is None or not hmac.compare_digest(bytes(row["secret_hash"]), _digest(secret)):
            return None
        return str(row["issued_to"])
