"""Defect 1: a malformed service_request_id searched for everything instead of nothing."""

from __future__ import annotations

from tests.hardening.support import Target, wrong_check_character
from tests.intake.open311_support import pothole


async def test_a_number_with_a_wrong_check_character_is_refused_naming_the_field(target: Target) -> None:
    number = await target.gateway.file(**pothole(description="malformed id story"))
    await target.gateway.indexed(number)
    for given in (wrong_check_character(number), f"{number},{wrong_check_character(number)}", "3KM-JSDCT"):
        answer = await target.gateway.client.get("/requests.json", params={"service_request_id": given})
        assert answer.status_code == 400, (given, answer.status_code, answer.text)
        [problem] = answer.json()
        assert problem["description"].startswith("service_request_id: "), problem


async def test_a_well_formed_unknown_number_still_finds_nothing(target: Target) -> None:
    answer = await target.gateway.client.get("/requests.json", params={"service_request_id": "3KM-JSDCS"})
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert answer.json() == []
        assert answer.headers["X-Total-Count"] == "0"
