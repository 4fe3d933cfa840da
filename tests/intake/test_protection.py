"""The gateway's shields, seen from a client: big bodies refused, too many POSTs slowed down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from tests.support.processes import gateway_client

LIMITS = {"POSTS_PER_MINUTE": "3", "MAX_BODY_BYTES": "2048"}


@pytest.fixture
async def gateway(settings: BackboneSettings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_client({**settings_env(settings), **LIMITS}, tmp_path) as client:
        yield client


async def test_a_body_over_the_limit_is_refused_whether_declared_or_streamed(
    gateway: httpx.AsyncClient,
) -> None:
    declared = await gateway.post("/open311/v2/requests.json", content=b"x" * 4096)
    assert declared.status_code == 413
    assert "2048 bytes" in declared.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"y" * 1024

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    streamed = await gateway.post("/open311/v2/requests.json", content=chunks(), headers=form)
    assert streamed.status_code == 413


async def test_the_fourth_post_in_a_minute_is_told_to_wait(gateway: httpx.AsyncClient) -> None:
    answers = [await gateway.post("/open311/v2/requests.json", data={"x": "1"}) for _ in range(4)]

    assert [a.status_code == 429 for a in answers] == [False, False, False, True]
    assert int(answers[-1].headers["retry-after"]) >= 1
    # Reading is not limited, nor the providers' signed webhooks (many residents, few addresses).
    assert (await gateway.get("/open311/v2/services.json")).status_code == 200
    assert (await gateway.post("/channels/sms", data={"Body": "hi"})).status_code != 429
