"""Defect 8: a revoked api key kept working for about 30 s. Revocation takes effect at once, in every
gateway process."""

from __future__ import annotations

from civic311_intake.adapters.access import issue_api_key, revoke_api_key
from tests.hardening.support import Target
from tests.intake.open311_support import event_count, pothole


async def test_a_revoked_key_is_refused_at_the_next_request(target: Target) -> None:
    key = await issue_api_key(target.gateway.pool, issued_to="revocation story")
    for _ in range(3):  # in use, so any cache holds it
        answer = await target.gateway.client.post("/requests.json", data={"api_key": key, **pothole()})
        assert answer.status_code == 200, answer.text
    assert await revoke_api_key(target.gateway.pool, key.split(".")[0])
    before = await event_count(target.gateway.pool)
    answer = await target.gateway.client.post("/requests.json", data={"api_key": key, **pothole()})
    assert answer.status_code == 403, answer.text
    assert await event_count(target.gateway.pool) == before
