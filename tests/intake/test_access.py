"""Api keys and staff accounts on a real database: nothing secret stored, and each check can say no."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from civic311_backbone.service.runner import migrate_service
from civic311_intake.adapters.access import (
    AccountExists,
    ApiKeys,
    StaffAccounts,
    add_staff_account,
    issue_api_key,
    revoke_api_key,
)
from civic311_intake.wiring import SERVICE as INTAKE

PASSWORD = "correct horse battery"


@pytest.fixture
async def intake_pool(pool: asyncpg.Pool) -> asyncpg.Pool:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    return pool


async def test_an_issued_key_names_its_holder_until_revoked(intake_pool: asyncpg.Pool) -> None:
    key = await issue_api_key(intake_pool, issued_to="FixMyStreet app")
    key_id, secret = key.split(".")

    assert await ApiKeys(intake_pool).holder(key) == "FixMyStreet app"
    assert await ApiKeys(intake_pool).holder(f"{key_id}.{secret[:-1]}x") is None
    assert await ApiKeys(intake_pool).holder(secret) is None
    assert await ApiKeys(intake_pool).holder(None) is None
    stored = await intake_pool.fetchval("SELECT secret_hash FROM api_keys WHERE key_id = $1", key_id)
    assert secret.encode() not in bytes(stored)

    assert await revoke_api_key(intake_pool, key_id)
    assert await ApiKeys(intake_pool).holder(key) is None
    assert not await revoke_api_key(intake_pool, key_id)


async def test_staff_sign_in_with_the_right_password_only(intake_pool: asyncpg.Pool) -> None:
    await add_staff_account(
        intake_pool,
        username="ana",
        password=PASSWORD,
        display_name="Ana Ruiz",
        role="department_staff",
        department="Public Works",
    )
    accounts = StaffAccounts(intake_pool)

    member = await accounts.authenticate("ana", PASSWORD)
    assert member is not None
    assert (member.role, member.department) == ("department_staff", "Public Works")
    assert await accounts.authenticate("ana", PASSWORD + "!") is None
    assert await accounts.authenticate("nobody", PASSWORD) is None
    stored = await intake_pool.fetchval("SELECT password_hash FROM staff_accounts WHERE username = 'ana'")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


async def test_a_session_token_finds_its_member_until_closed_or_expired(intake_pool: asyncpg.Pool) -> None:
    member = await add_staff_account(
        intake_pool, username="sam", password=PASSWORD, display_name="Sam", role="supervisor"
    )
    accounts = StaffAccounts(intake_pool)
    token = await accounts.open_session(member)
    assert await accounts.member(token) == member
    assert await accounts.member(token + "x") is None

    await accounts.close_session(token)
    assert await accounts.member(token) is None

    expired = await StaffAccounts(intake_pool, session_lifetime=timedelta(seconds=-1)).open_session(member)
    assert await accounts.member(expired) is None


@pytest.mark.parametrize(
    ("role", "department", "password", "field"),
    [
        ("department_staff", None, PASSWORD, "department"),
        ("agent", None, "short", "password"),
        ("mayor", None, PASSWORD, "role"),
    ],
)
async def test_an_account_that_breaks_a_rule_is_refused(
    intake_pool: asyncpg.Pool, role: str, department: str | None, password: str, field: str
) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        await add_staff_account(
            intake_pool,
            username="kim",
            password=password,
            display_name="Kim",
            role=role,  # type: ignore[arg-type]
            department=department,
        )
    assert await intake_pool.fetchval("SELECT count(*) FROM staff_accounts") == 0


async def test_a_username_is_taken_once(intake_pool: asyncpg.Pool) -> None:
    await add_staff_account(intake_pool, username="lee", password=PASSWORD, display_name="Lee", role="agent")
    with pytest.raises(AccountExists):
        await add_staff_account(
            intake_pool, username="lee", password=PASSWORD, display_name="L", role="admin"
        )
