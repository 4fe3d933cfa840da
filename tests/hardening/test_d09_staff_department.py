"""Defect 9: `staff add --department Parks` was accepted where the catalogue says "Parks and Recreation",
and the account saw an empty queue. An unknown department is refused with the list of departments."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg

from civic311_backbone.service.runner import migrate_service
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from civic311_city.loading import load_catalogue
from civic311_city.settings import CitySettings
from civic311_intake.adapters.access import StaffAccounts
from civic311_intake.wiring import SERVICE as INTAKE

PASSWORD = "a long enough secret"


async def civic311(settings: BackboneSettings, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, as an operator runs it."""
    env = {**os.environ, **settings_env(settings), "CIVIC311_STAFF_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "civic311", *args]
    return await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=60
    )


async def test_an_unknown_department_is_refused_with_the_departments(
    settings: BackboneSettings, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn:
        await migrate_service(conn, INTAKE)
    refused = await civic311(
        settings,
        "staff",
        "add",
        "rosa",
        "--role",
        "department_staff",
        "--department",
        "Parks",
        "--name",
        "Rosa",
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    departments = sorted(load_catalogue(CitySettings().catalogue_path).departments)
    assert "Parks and Recreation" in departments
    for department in departments:
        assert department in refused.stderr
    assert await StaffAccounts(pool).authenticate("rosa", PASSWORD) is None

    added = await civic311(
        settings,
        "staff",
        "add",
        "rosa",
        "--role",
        "department_staff",
        "--department",
        "Parks and Recreation",
        "--name",
        "Rosa",
    )
    assert added.returncode == 0, added.stderr
    member = await StaffAccounts(pool).authenticate("rosa", PASSWORD)
    assert member is not None and member.department == "Parks and Recreation"
