"""Defect 3: input the error writer could not write (NaN, Infinity, 1e400, a lone surrogate) made a 500.
Every such body is a 422 naming the field, and the answer is valid JSON."""

from __future__ import annotations

import json

from tests.hardening.support import Target
from tests.intake.open311_support import event_count, pothole

JSON = {"content-type": "application/json"}


async def test_non_finite_and_overflowing_numbers_are_a_422(target: Target) -> None:
    headers = {**await target.supervisor(), **JSON}
    number = await target.gateway.file(**pothole(description="cost story"))
    for raw in ("NaN", "Infinity", "-Infinity", "1e400"):
        before = await event_count(target.gateway.pool)
        for path, body, loc in (
            ("cost", f'{{"labour_hours": {raw}}}', ["body", "labour_hours"]),
            (
                "status",
                f'{{"status": "in_progress", "cost": {{"labour_hours": {raw}}}}}',
                ["body", "cost", "labour_hours"],
            ),
        ):
            answer = await target.root.post(
                f"/api/staff/requests/{number}/{path}", content=body, headers=headers
            )
            assert answer.status_code == 422, (raw, path, answer.status_code, answer.text)
            problems = json.loads(answer.content)["detail"]
            assert loc in [p["loc"] for p in problems], problems
        assert await event_count(target.gateway.pool) == before


async def test_a_lone_surrogate_in_a_sign_in_is_a_422(target: Target) -> None:
    for body in (
        b'{"username": "\\ud800", "password": "x"}',
        b'{"username": "x", "password": "\\udfff\\ud800"}',
        b'{"username": "\xed\xa0\x80", "password": "x"}',
        b'{"username": "\xff", "password": "x"}',
    ):
        answer = await target.root.post("/api/staff/sessions", content=body, headers=JSON)
        assert answer.status_code in (400, 422), (body, answer.status_code, answer.text)
        answer.content.decode("utf-8")  # what the client gets back is valid UTF-8
        assert json.loads(answer.content)["detail"]


async def test_a_body_that_is_not_json_is_a_422_on_every_staff_route(target: Target) -> None:
    headers = {**await target.supervisor(), **JSON}
    number = await target.gateway.file(**pothole(description="not json story"))
    for body in (b"{", b"\xff\xfe", b"[1e99999]", b'{"a":' * 2000):
        answer = await target.root.post(f"/api/staff/requests/{number}/cost", content=body, headers=headers)
        assert answer.status_code in (400, 422), (body[:20], answer.status_code, answer.text)
