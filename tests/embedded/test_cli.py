"""The `civic311` command line: its help, and `dev-servers` for people and tests."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import asyncpg
import nats

from tests.embedded.processes import Spawned, wait_all_gone

CIVIC311 = str(Path(sys.executable).parent / "civic311")


def test_help_lists_the_commands() -> None:
    shown = Spawned([CIVIC311, "--help"])
    assert shown.exit_code() == 0
    assert "run" in shown.text
    assert "dev-servers" in shown.text


async def test_dev_servers_prints_urls_that_work_until_ctrl_c(tmp_path: Path) -> None:
    env = {"CIVIC311_DATA_DIR": str(tmp_path), "DATABASE_URL": None, "NATS_URL": None}
    servers = Spawned([CIVIC311, "dev-servers"], env)
    try:
        database_url = servers.wait_for(r"^DATABASE_URL=(\S+)$", timeout=60)[1]
        nats_url = servers.wait_for(r"^NATS_URL=(\S+)$")[1]
        pids = servers.descendants()

        connection = await asyncpg.connect(database_url)
        assert await connection.fetchval("select current_database()") == "civic311"
        await connection.close()
        client = await nats.connect(nats_url)
        await client.jetstream().account_info()
        await client.close()

        servers.process.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(servers.exit_code) == 0
    finally:
        servers.kill()
    wait_all_gone(pids)
    assert (tmp_path / "postgres" / "pgdata" / "PG_VERSION").is_file()
    assert (tmp_path / "nats" / "jetstream").is_dir()
