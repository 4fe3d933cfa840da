"""Versioned SQL migrations, applied on start-up. Running them twice, or from two processes at once, is harmless.

The event store's migrations are recorded in `schema_migrations`. A service that owns tables of its own
(an index, a conversation state) ships its migrations in a package of its own and records them in a
ledger of its own (`intake_migrations`, say), so versions never collide between owners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import asyncpg
import structlog

log = structlog.get_logger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LEDGER = re.compile(r"^[a-z][a-z0-9_]*_migrations$")
STORE_MIGRATIONS = "civic311_backbone.store.migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations(package: str = STORE_MIGRATIONS) -> list[Migration]:
    """The migrations (`NNNN_name.sql` files) shipped in `package`, in version order."""
    found = []
    for entry in resources.files(package).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {[m.name for m in found]}")
    return found


async def migrate(
    conn: asyncpg.Connection,
    migrations: list[Migration] | None = None,
    *,
    ledger: str = "schema_migrations",
) -> list[str]:
    """Apply the migrations this database lacks, in the connection's current schema. Returns their names.

    `ledger` is the table that records which were applied: the store's by default.
    """
    if not _LEDGER.match(ledger):
        raise ValueError(f"ledger {ledger!r}: a lower-case table name ending in _migrations")
    pending = bundled_migrations() if migrations is None else migrations
    applied_now: list[str] = []
    async with conn.transaction():
        # One migrator at a time per schema; the others wait, then find nothing left to do.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.civic311.migrations'))"
        )
        await conn.execute(
            f"""CREATE TABLE IF NOT EXISTS {ledger} (
                   version    integer     PRIMARY KEY,
                   name       text        NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {r["version"] for r in await conn.fetch(f"SELECT version FROM {ledger}")}
        for migration in pending:
            if migration.version in done:
                continue
            await conn.execute(migration.sql)
            await conn.execute(
                f"INSERT INTO {ledger} (version, name) VALUES ($1, $2)",
                migration.version,
                migration.name,
            )
            applied_now.append(migration.name)
    if applied_now:
        log.info("migrations applied", ledger=ledger, migrations=applied_now)
    return applied_now
