"""Department scope, enforced by the running gateway: staff of one department cannot touch another's requests.

Every refusal is a 403 that says why, and the request's stream is exactly as it was.
"""

from __future__ import annotations

from tests.intake.desk_support import PARKS, PUBLIC_WORKS, RunningDesk


def every_change(number: str) -> list[tuple[str, dict[str, object]]]:
    base = f"/api/staff/requests/{number}"
    return [
        (f"{base}/acknowledge", {"public_note": "on it"}),
        (f"{base}/status", {"status": "in_progress", "internal_note": "not ours, but still"}),
        (f"{base}/cost", {"labour_hours": 3}),
        (f"{base}/transfer", {"department": PUBLIC_WORKS}),
        (f"{base}/close", {"resolution": "resolved", "public_note": "done"}),
    ]


async def test_public_works_staff_cannot_change_a_parks_request_and_nothing_is_appended(
    desk: RunningDesk,
) -> None:
    public_works_staff = await desk.staff("department_staff", PUBLIC_WORKS)
    public_works_supervisor = await desk.staff("supervisor", PUBLIC_WORKS)
    parks_request = await desk.request_with(PARKS, service_code="PARK_MAINTENANCE", queue="PRK-Maintenance")
    before = await desk.events_of(parks_request)

    for member in (public_works_staff, public_works_supervisor):
        looked = await desk.client.get(f"/api/staff/requests/{parks_request}", headers=member)
        assert looked.status_code == 403
        assert f"may not see {parks_request} (a request of {PARKS})" in looked.json()["detail"]
        for path, body in every_change(parks_request):
            refused = await desk.client.post(path, json=body, headers=member)
            assert refused.status_code == 403, (path, refused.text)
            assert PARKS in refused.json()["detail"]

    assert await desk.events_of(parks_request) == before == ["RequestCreated", "Assigned"]

    # The same change by Parks' own staff goes through: the refusals were about scope, nothing else.
    parks_staff = await desk.staff("department_staff", PARKS)
    accepted = await desk.client.post(
        f"/api/staff/requests/{parks_request}/acknowledge", json={}, headers=parks_staff
    )
    assert accepted.status_code == 200
    assert await desk.events_of(parks_request) == [*before, "StatusUpdated"]


async def test_agents_look_up_but_change_nothing_and_confidential_requests_stay_in_their_department(
    desk: RunningDesk,
) -> None:
    agent = await desk.staff("agent")
    city_supervisor = await desk.staff("supervisor")
    ethics_staff = await desk.staff("department_staff", "Ethics Office")
    pothole = await desk.request_with(PUBLIC_WORKS)
    ethics = await desk.request_with("Ethics Office", service_code="ETHICS_CONCERN", queue="ETH-Intake")

    looked_up = await desk.client.get(f"/api/staff/requests/{pothole}", headers=agent)
    assert looked_up.status_code == 200
    for path, body in every_change(pothole):
        assert (await desk.client.post(path, json=body, headers=agent)).status_code == 403, path

    for outsider in (agent, city_supervisor):
        assert (await desk.client.get(f"/api/staff/requests/{ethics}", headers=outsider)).status_code == 403
        closing = await desk.client.post(
            f"/api/staff/requests/{ethics}/close", json={"resolution": "withdrawn"}, headers=outsider
        )
        assert closing.status_code == 403
    assert (await desk.client.get(f"/api/staff/requests/{ethics}", headers=ethics_staff)).status_code == 200

    assert await desk.events_of(pothole) == await desk.events_of(ethics) == ["RequestCreated", "Assigned"]
