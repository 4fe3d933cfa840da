"""One gateway for the fuzz suite's runs (stateless and stateful): starting one costs tens of seconds."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.hardening.support import running_gateway
from tests.intake.open311_support import Open311Gateway


@pytest.fixture(scope="package")
async def gateway(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("fuzz-gateway")
    env = {"POSTS_PER_MINUTE": "0"}
    async with running_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as running:
        yield running
