"""The embedded PostgreSQL: starts on a free port, keeps its data, survives a crash."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import asyncpg
import pytest

from civic311_backbone.embedded import EmbeddedPostgres, port_is_free, wait_until
from civic311_backbone.embedded.system_user import SYSTEM_USER
from tests.embedded.processes import wait_all_gone


async def fetch_value(url: str, query: str) -> object:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


async def execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def test_it_serves_the_civic311_database_and_keeps_data_over_a_restart(
    tmp_path: Path,
) -> None:
    server = EmbeddedPostgres(tmp_path / "postgres")
    url = server.start()
    try:
        assert url == f"postgresql://postgres@127.0.0.1:{server.port}/civic311"
        assert server.port != 5432
        assert await fetch_value(url, "select 1") == 1
        assert await fetch_value(url, "select current_database()") == "civic311"
        assert await fetch_value(url, "show server_encoding") == "UTF8"
        await execute(url, "create table kept (note text); insert into kept values ('still here')")
    finally:
        server.stop()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert port_is_free(port)

    with EmbeddedPostgres(tmp_path / "postgres") as again:
        assert again.port == port  # the remembered port, as it is free
        assert await fetch_value(again.url, "select note from kept") == "still here"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_as_root_the_cluster_belongs_to_an_unprivileged_user(tmp_path: Path) -> None:
    with EmbeddedPostgres(tmp_path / "postgres") as server:
        assert server.pgdata.owner() == SYSTEM_USER


async def test_it_starts_again_after_the_server_was_killed(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "postgres")
    url = server.start()
    await execute(url, "create table before_crash (id int); insert into before_crash values (1)")
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    wait_until(lambda: not server.is_running(), timeout=10, what="postgres exit")
    assert (server.pgdata / "postmaster.pid").exists()  # stale, left by the crash
    server.stop()

    url = server.start()
    try:
        assert await fetch_value(url, "select count(*) from before_crash") == 1
    finally:
        server.stop()


async def test_a_server_left_running_on_the_cluster_is_replaced(tmp_path: Path) -> None:
    forgotten = EmbeddedPostgres(tmp_path / "postgres")
    forgotten.start()
    left_pid = forgotten.pid
    assert left_pid is not None

    with EmbeddedPostgres(tmp_path / "postgres") as server:
        wait_all_gone([left_pid])
        assert await fetch_value(server.url, "select 1") == 1
    forgotten.stop()


async def test_a_long_data_path_puts_the_socket_elsewhere(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    with EmbeddedPostgres(deep, database="other_db") as server:
        assert server.url.endswith("/other_db")
        assert await fetch_value(server.url, "select current_database()") == "other_db"
        sockets = await fetch_value(server.url, "show unix_socket_directories")
        assert isinstance(sockets, str)
        assert sockets.startswith("/tmp/civic311pg-")
    assert not Path(sockets).exists()


def test_a_database_name_that_needs_quoting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain lower-case"):
        EmbeddedPostgres(tmp_path, database="x'; drop")
