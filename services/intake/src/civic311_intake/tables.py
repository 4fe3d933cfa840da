"""The gateway's own tables: applied at start-up, after the event store's."""

from __future__ import annotations

import asyncpg

from civic311_backbone.store import bundled_migrations, migrate

LEDGER = "intake_migrations"


async def migrate_intake(conn: asyncpg.Connection) -> list[str]:
    return await migrate(conn, bundled_migrations("civic311_intake.migrations"), ledger=LEDGER)
