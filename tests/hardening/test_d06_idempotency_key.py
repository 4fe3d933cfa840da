"""Defect 6: an Idempotency-Key reused with a different body answered with the first tracking number and
dropped the second report. Reuse with another body is refused (422); with the same body, the first answer."""

from __future__ import annotations

from uuid import uuid4

from tests.hardening.support import Target
from tests.intake.open311_support import event_count, pothole


async def test_same_key_same_body_is_the_first_answer(target: Target) -> None:
    key = {"Idempotency-Key": uuid4().hex}
    fields = {"api_key": target.gateway.api_key, **pothole(description="same body story")}
    first = await target.gateway.client.post("/requests.json", data=fields, headers=key)
    before = await event_count(target.gateway.pool)
    again = await target.gateway.client.post("/requests.json", data=fields, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert await event_count(target.gateway.pool) == before


async def test_same_key_other_body_is_refused_and_stores_nothing(target: Target) -> None:
    key = {"Idempotency-Key": uuid4().hex}
    fields = {"api_key": target.gateway.api_key, **pothole(description="first body")}
    first = await target.gateway.client.post("/requests.json", data=fields, headers=key)
    assert first.status_code == 200
    before = await event_count(target.gateway.pool)
    for fmt in ("json", "xml"):
        other = {**fields, "description": "a different report"}
        answer = await target.gateway.client.post(f"/requests.{fmt}", data=other, headers=key)
        assert answer.status_code == 422, answer.text
        assert "Idempotency-Key" in answer.text
    assert await event_count(target.gateway.pool) == before
    same = await target.gateway.client.post("/requests.json", data=fields, headers=key)
    assert same.json() == first.json()


async def test_the_same_fields_in_another_order_are_the_same_body(target: Target) -> None:
    key = {"Idempotency-Key": uuid4().hex}
    fields = list({"api_key": target.gateway.api_key, **pothole(description="order story")}.items())
    first = await target.gateway.client.post("/requests.json", data=dict(fields), headers=key)
    again = await target.gateway.client.post("/requests.json", data=dict(reversed(fields)), headers=key)
    assert again.status_code == 200
    assert again.json() == first.json()
