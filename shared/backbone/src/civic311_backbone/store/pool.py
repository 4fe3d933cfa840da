"""Connection pools bound to one schema of the event store's database."""

from __future__ import annotations

import asyncpg

from civic311_backbone.settings import BackboneSettings


async def create_pool(settings: BackboneSettings, *, application_name: str) -> asyncpg.Pool:
    """A pool whose connections resolve unqualified names in the configured schema."""
    schema = settings.database_schema
    # Creating the schema is idempotent and lets a fresh database (or a test's schema) just work.
    conn = await asyncpg.connect(str(settings.database_url))
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except (asyncpg.UniqueViolationError, asyncpg.DuplicateSchemaError):
        pass  # another process created it at the same moment
    finally:
        await conn.close()
    pool = await asyncpg.create_pool(
        str(settings.database_url),
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        server_settings={"search_path": schema, "application_name": application_name},
        reset=_release,
    )
    assert pool is not None
    return pool


async def _release(conn: asyncpg.Connection) -> None:
    """What a connection needs before the pool lends it again: nothing, but an unfinished transaction.

    asyncpg's default sends `RESET ALL; UNLISTEN *; CLOSE ALL; pg_advisory_unlock_all()` on every
    release, a round trip per query (a tenth of the gateway's time per request). Nothing here leaves
    session state on a pooled connection: settings go in `server_settings` or `SET LOCAL`, advisory
    locks are transaction-scoped, and LISTEN and session locks use dedicated connections (the relay's).
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


def notify_channel(settings: BackboneSettings) -> str:
    """The LISTEN/NOTIFY channel on which appends to this schema's store are announced."""
    return f"civic311_events.{settings.database_schema}"
