"""Intake's tables: the store's migrations, then intake's own (`migrations/`), under intake's one ledger.

Start-up applies them through the runner (wiring names the same package and name); the operators'
commands apply them here, so that they work on a fresh database without the process's wiring.
"""

from __future__ import annotations

import asyncpg

from civic311_backbone.store import bundled_migrations, migrate

SERVICE_NAME = "intake"
MIGRATIONS = "civic311_intake.migrations"
LEDGER = f"{SERVICE_NAME}_migrations"


async def apply_migrations(conn: asyncpg.Connection) -> list[str]:
    """What start-up applies: the store's migrations, then intake's; the names of those applied now."""
    applied = await migrate(conn)
    return applied + await migrate(conn, bundled_migrations(MIGRATIONS), ledger=LEDGER)
