"""One gateway for every hardening test: starting one costs seconds, and each test tells its own
requests apart by the tracking numbers it was given."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.hardening.support import Target, running_gateway

ENV = {
    "POSTS_PER_MINUTE": "0",  # every test here posts from 127.0.0.1; the limit has its own test
    "BODY_TIMEOUT_SECONDS": "2",
    "HTTP_HEADER_TIMEOUT_SECONDS": "2",
}


@pytest.fixture(scope="package")
async def target(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Target]:
    log_dir = tmp_path_factory.mktemp("hardening")
    async with (
        running_gateway(database_server_url, nats_server_url, log_dir, relay=True, env=ENV) as gateway,
        httpx.AsyncClient(base_url=gateway.url, timeout=30) as root,
    ):
        yield Target(gateway=gateway, root=root)
