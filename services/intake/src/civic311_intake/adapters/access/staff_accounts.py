"""Staff accounts (argon2id password hashes) and their sessions (random tokens, stored as SHA-256)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import timedelta

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from civic311_intake.domain.staff.members import ROLES, Role, StaffMember

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real check: no user enumeration.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


class AccountExists(ValueError):
    pass


def _token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def add_staff_account(
    conn: asyncpg.Connection | asyncpg.Pool,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    department: str | None = None,
) -> StaffMember:
    if role not in ROLES:
        raise ValueError(f"role: one of {', '.join(ROLES)}, not {role!r}")
    if role == "department_staff" and not department:
        raise ValueError("department: department staff must belong to a department")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    password_hash = await asyncio.to_thread(_HASHER.hash, password)
    try:
        await conn.execute(
            """INSERT INTO staff_accounts (username, password_hash, display_name, role, department)
               VALUES ($1, $2, $3, $4, $5)""",
            username,
            password_hash,
            display_name,
            role,
            department,
        )
    except asyncpg.UniqueViolationError as error:
        raise AccountExists(f"username: {username!r} is taken") from error
    return StaffMember(username, display_name, role, department)


def _member(row: asyncpg.Record) -> StaffMember:
    return StaffMember(row["username"], row["display_name"], row["role"], row["department"])


class StaffAccounts:
    """Signing in and out, and finding who holds a session token."""

    def __init__(self, pool: asyncpg.Pool, *, session_lifetime: timedelta = timedelta(hours=10)) -> None:
        self._pool = pool
        self._lifetime = session_lifetime

    async def authenticate(self, username: str, password: str) -> StaffMember | None:
        row = await self._pool.fetchrow(
            """SELECT username, password_hash, display_name, role, department FROM staff_accounts
               WHERE username = $1 AND disabled_at IS NULL""",
            username,
        )
        stored = row["password_hash"] if row is not None else _DUMMY_HASH
        try:
            await asyncio.to_thread(_HASHER.verify, stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return _member(row) if row is not None else None

    async def open_session(self, member: StaffMember) -> str:
        token = secrets.token_urlsafe(32)
        await self._pool.execute(
            """INSERT INTO staff_sessions (token_hash, username, expires_at)
               VALUES ($1, $2, now() + $3::interval)""",
            _token_digest(token),
            member.username,
            self._lifetime,
        )
        return token

    async def member(self, token: str | None) -> StaffMember | None:
        """Who holds this live session token, if anyone (and their account is still enabled)."""
        if not token:
            return None
        row = await self._pool.fetchrow(
            """SELECT a.username, a.display_name, a.role, a.department
               FROM staff_sessions s JOIN staff_accounts a USING (username)
               WHERE s.token_hash = $1 AND s.expires_at > now() AND a.disabled_at IS NULL""",
            _token_digest(token),
        )
        return _member(row) if row is not None else None

    async def close_session(self, token: str) -> None:
        await self._pool.execute("DELETE FROM staff_sessions WHERE token_hash = $1", _token_digest(token))
