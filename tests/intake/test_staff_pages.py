"""The staff desk's pages, over HTTP from the running gateway: sign in with the form, work a request.

Every form carries the double-submit CSRF token; a POST without it changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from civic311_intake.adapters.access import add_staff_account
from civic311_intake.domain.staff.members import Role
from tests.intake.desk_support import PASSWORD, PUBLIC_WORKS, RunningDesk

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def signed_in_browser(
    desk: RunningDesk, username: str, role: Role, department: str | None
) -> AsyncIterator[httpx.AsyncClient]:
    await desk.account(username, role, department)
    async with httpx.AsyncClient(base_url=desk.client.base_url, timeout=30) as browser:
        yield await _sign_in(browser, username)


async def _sign_in(browser: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    form = await browser.get("/staff/sign-in", params={"next": "/staff/queue"})
    token = csrf_of(form)
    signed_in = await browser.post(
        "/staff/sign-in",
        data={"username": username, "password": PASSWORD, "next": "/staff/queue", "csrf_token": token},
    )
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/staff/queue"
    cookie = signed_in.headers["set-cookie"]
    assert "civic311_staff=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http here; over https the cookie is Secure
    return browser


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_a_member_signs_in_and_works_a_request_through_the_pages(desk: RunningDesk) -> None:
    number = await desk.request_with(PUBLIC_WORKS)
    async with signed_in_browser(desk, "ana", "department_staff", PUBLIC_WORKS) as browser:
        page = await browser.get(f"/staff/requests/{number}")
        assert page.status_code == 200
        assert "maria@example.org" in page.text  # staff see the contact; the public page never does
        token = csrf_of(page)

        forged = await browser.post(f"/staff/requests/{number}/acknowledge", data={"expected_version": "2"})
        assert forged.status_code == 403
        assert await desk.events_of(number) == ["RequestCreated", "Assigned"]

        acknowledged = await browser.post(
            f"/staff/requests/{number}/status",
            data={
                "csrf_token": token,
                "expected_version": "2",
                "status": "in_progress",
                "internal_note": "big truck",
            },
        )
        assert acknowledged.status_code == 303
        after = await browser.get(acknowledged.headers["location"])
        assert "big truck" in after.text and "Saved: status" in after.text

        stale = await browser.post(
            f"/staff/requests/{number}/close",
            data={"csrf_token": token, "expected_version": "2", "resolution": "resolved"},
        )
        assert stale.status_code == 409
        assert "changed while you were working on it" in stale.text
        bad_hours = await browser.post(
            f"/staff/requests/{number}/cost", data={"csrf_token": token, "labour_hours": "lots"}
        )
        assert bad_hours.status_code == 422 and "labour_hours" in bad_hours.text
        assert await desk.events_of(number) == ["RequestCreated", "Assigned", "StatusUpdated"]

        queue = await browser.get("/staff/queue")
        assert queue.status_code == 200 and "Public Works: open requests" in queue.text

        signed_out = await browser.post("/staff/sign-out", data={"csrf_token": token})
        assert signed_out.status_code == 303
        assert (await browser.get("/staff/queue")).headers["location"] == "/staff/sign-in?next=/staff/queue"


async def test_without_a_session_a_page_sends_to_sign_in_and_a_wrong_password_is_refused(
    desk: RunningDesk,
) -> None:
    anonymous = await desk.client.get("/staff/requests/BCD-FGHJK")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/staff/sign-in?next=/staff/requests/BCD-FGHJK"

    await add_staff_account(desk.pool, username="ben", password=PASSWORD, display_name="Ben", role="agent")
    form = await desk.client.get("/staff/sign-in")
    wrong = await desk.client.post(
        "/staff/sign-in", data={"username": "ben", "password": "not it at all", "csrf_token": csrf_of(form)}
    )
    assert wrong.status_code == 401
    assert "unknown username or wrong password" in wrong.text
    assert "civic311_staff" not in wrong.headers.get("set-cookie", "")
    off_site = await desk.client.get("/staff/sign-in", params={"next": "https://evil.example/staff/"})
    assert 'value="/staff/queue"' in off_site.text


async def test_an_agent_files_a_phone_request_through_the_form(desk: RunningDesk) -> None:
    async with signed_in_browser(desk, "al", "agent", None) as browser:
        form = await browser.get("/staff/new", params={"service_code": "POTHOLE"})
        token = csrf_of(form)
        missing = await browser.post(
            "/staff/new", data={"csrf_token": token, "service_code": "POTHOLE", "channel": "phone"}
        )
        filed = await browser.post(
            "/staff/new",
            data={
                "csrf_token": token,
                "service_code": "POTHOLE",
                "channel": "walk_in",
                "attribute[SIZE]": "small",
                "address_string": "5 Oak St",
                "first_name": "Rosa",
                "language": "es",
            },
        )

    assert missing.status_code == 422
    assert 'href="#attr-SIZE"' in missing.text and 'href="#address_string"' in missing.text
    assert filed.status_code == 201
    number = re.search(r'class="tracking-number">([^<]+)<', filed.text)
    assert number is not None
    assert await desk.events_of(number.group(1)) == ["RequestCreated"]
