"""Defect 4: 422 answers echoed what was sent, a 900 KB password included, and labelled path errors as
the body's. Secrets are never echoed, other values only as a short excerpt; path errors say "path"."""

from __future__ import annotations

import json

from tests.hardening.support import Target
from tests.intake.open311_support import pothole

JSON = {"content-type": "application/json"}
SHORT = 2000
"""Bytes an error answer about one field may take, whatever was sent."""


async def test_a_refused_password_is_never_echoed(target: Target) -> None:
    secret = "hunter2-" + "s" * 900_000
    for body in (
        {"username": "someone", "password": secret},
        {"username": "someone", "password": 12345678},
        {"username": ["x" * 5000], "password": "correct horse battery"},
        {"username": "someone", "password": "p\x00ssw0rd-of-mine"},
    ):
        answer = await target.root.post("/api/staff/sessions", json=body, headers=JSON)
        assert answer.status_code == 422, answer.text[:200]
        assert len(answer.content) < SHORT, len(answer.content)
        assert "hunter2" not in answer.text
        assert "12345678" not in answer.text
        assert "ssw0rd-of-mine" not in answer.text


async def test_a_long_value_is_echoed_only_as_a_short_excerpt(target: Target) -> None:
    headers = await target.supervisor()
    number = await target.gateway.file(**pothole(description="long value story"))
    answer = await target.root.post(
        f"/api/staff/requests/{number}/status",
        json={"status": "in_progress", "public_note": "n" * 500_000},
        headers=headers,
    )
    assert answer.status_code == 422
    assert len(answer.content) < SHORT
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "public_note"]
    open311 = await target.gateway.post(**pothole(description="d" * 600_000))
    assert open311.status_code == 400
    assert len(open311.content) < SHORT


async def test_a_path_parameter_error_is_labelled_path(target: Target) -> None:
    headers = await target.supervisor()
    for answer in (
        await target.root.get("/api/staff/requests/NOT-A-NUMBER", headers=headers),
        await target.root.post("/api/staff/requests/3KM-JSDCT/acknowledge", json={}, headers=headers),
    ):
        assert answer.status_code == 400, answer.text
        [problem] = json.loads(answer.content)["detail"]
        assert problem["loc"] == ["path", "tracking_number"], problem
