"""Defect 7: the rate limit was bypassed with made-up X-Forwarded-For values, because uvicorn trusted
127.0.0.1's forwarded headers. Forwarded headers count only from FORWARDED_ALLOW_IPS (empty by default)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.hardening.support import running_gateway
from tests.intake.open311_support import Open311Gateway, pothole

LIMIT = 5


@pytest.fixture(scope="module")
async def limited(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("forwarded")
    env = {"POSTS_PER_MINUTE": str(LIMIT)}
    async with running_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as gateway:
        yield gateway


@pytest.fixture(scope="module")
async def behind_a_proxy(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("proxied")
    env = {"POSTS_PER_MINUTE": str(LIMIT), "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    async with running_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as gateway:
        yield gateway


async def test_made_up_forwarded_headers_do_not_reset_the_limit(limited: Open311Gateway) -> None:
    statuses = []
    for n in range(LIMIT * 3):
        answer = await limited.client.post(
            "/requests.json",
            data={"api_key": limited.api_key, **pothole()},
            headers={"X-Forwarded-For": f"203.0.113.{n}", "Forwarded": f"for=198.51.100.{n}"},
        )
        statuses.append(answer.status_code)
    assert statuses.count(200) == LIMIT, statuses
    assert statuses[LIMIT:] == [429] * (LIMIT * 2)


async def test_a_configured_proxy_names_the_client(behind_a_proxy: Open311Gateway) -> None:
    """Behind the configured proxy, each resident has a limit of their own."""
    for client in ("203.0.113.7", "203.0.113.8"):
        statuses = [
            (
                await behind_a_proxy.client.post(
                    "/requests.json",
                    data={"api_key": behind_a_proxy.api_key, **pothole()},
                    headers={"X-Forwarded-For": client},
                )
            ).status_code
            for _ in range(LIMIT + 1)
        ]
        assert statuses == [200] * LIMIT + [429], (client, statuses)
