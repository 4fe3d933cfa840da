"""What an operator does from the command line: issue api keys, add staff, and the demo credentials.

Each function opens its own pool from the settings, applies the gateway's migrations (so it works on a
fresh database) and closes the pool.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import create_pool
from civic311_intake.adapters.access import add_staff_account, issue_api_key, revoke_api_key
from civic311_intake.adapters.schema import apply_migrations
from civic311_intake.domain.staff.members import Role, StaffMember

DEMO_USERNAME = "demo-supervisor"


@asynccontextmanager
async def _intake_pool(settings: BackboneSettings) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(settings, application_name="civic311-admin")
    try:
        async with pool.acquire() as conn:
            await apply_migrations(conn)
        yield pool
    finally:
        await pool.close()


async def issue_key(settings: BackboneSettings, *, issued_to: str) -> str:
    async with _intake_pool(settings) as pool:
        return await issue_api_key(pool, issued_to=issued_to)


async def revoke_key(settings: BackboneSettings, key_id: str) -> bool:
    async with _intake_pool(settings) as pool:
        return await revoke_api_key(pool, key_id)


async def add_staff(
    settings: BackboneSettings,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    department: str | None,
    departments: Collection[str],
) -> StaffMember:
    """Add a staff account; a department must be one of `departments` (the catalogue's), else ValueError
    listing them: a member of a department nobody routes to would see an empty queue."""
    if department is not None and department not in departments:
        listed = "; ".join(sorted(departments))
        raise ValueError(f"department: {department!r} is not a department of the catalogue: {listed}")
    async with _intake_pool(settings) as pool:
        return await add_staff_account(
            pool,
            username=username,
            password=password,
            display_name=display_name,
            role=role,
            department=department,
        )


async def demo_credentials(settings: BackboneSettings, path: Path) -> dict[str, str]:
    """The demo api key and staff login kept in `path`; made (once) if the file is not there yet."""
    kept = _read_kept(path)
    if kept is not None:
        return kept
    password = secrets.token_urlsafe(12)
    async with _intake_pool(settings) as pool:
        api_key = await issue_api_key(pool, issued_to="demo (civic311 run)")
        await add_staff_account(
            pool,
            username=DEMO_USERNAME,
            password=password,
            display_name="Demo Supervisor",
            role="supervisor",
        )
    made = {"api_key": api_key, "staff_username": DEMO_USERNAME, "staff_password": password}
    _keep(path, made)
    return made


def _read_kept(path: Path) -> dict[str, str] | None:
    if not path.exists():
        return None
    kept: dict[str, str] = json.loads(path.read_text("utf-8"))
    return kept


def _keep(path: Path, credentials: dict[str, str]) -> None:
    """Readable by its owner only: it holds a password."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(credentials, file, indent=2)
