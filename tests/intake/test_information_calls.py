"""An agent on a call, through the running gateway: finds the answer, reads it out, and logs the call as
answered without a request, once however often the POST is retried; admins change the answers on the
desk's pages, a stale change refused. Nothing of the caller is asked or kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from civic311_backbone.contracts import InformationCallLogged
from civic311_backbone.store import RecordedEvent
from tests.intake.desk_support import RunningDesk
from tests.intake.test_answers import ARTICLES
from tests.intake.test_staff_pages import csrf_of, signed_in_browser

CALLS = "/api/staff/information-calls"
CALL_ID = re.compile(r'name="call_id" value="([^"]+)"')


async def logged_calls(desk: RunningDesk) -> list[RecordedEvent]:
    """The calls on record (read by time, not through the gap-safe horizon, which another worker's open
    transaction may hold below the last call for a moment)."""
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=1)
    return [
        e
        async for e in desk.store.read_between(start, end)
        if e.event_type == InformationCallLogged.event_type
    ]


async def write(desk: RunningDesk, admin: dict[str, str], slug: str, language: str) -> None:
    title, body, codes = ARTICLES[(slug, language)]
    written = await desk.client.put(
        f"/api/staff/answers/{slug}/{language}",
        headers=admin,
        json={"title": title, "body": body, "service_codes": codes, "expected_version": 0},
    )
    assert written.status_code == 200, written.text


async def test_an_agent_logs_calls_answered_without_a_request_once_each(desk: RunningDesk) -> None:
    admin, agent = await desk.staff("admin"), await desk.staff("agent")
    crew = await desk.staff("department_staff", "Public Works")
    for slug, language in [("holiday-collection", "en"), ("holiday-collection", "es"), ("water-bill", "en")]:
        await write(desk, admin, slug, language)

    # The answer given: the call is about the answer's first request type, by the agent
    call_id = str(uuid4())
    body = {"call_id": call_id, "answer_slug": "holiday-collection", "answer_language": "es"}
    first = await desk.client.post(CALLS, headers=agent, json=body)
    assert first.status_code == 201, first.text
    logged = first.json()
    assert logged["stream_id"] == f"call-{call_id}" and logged["channel"] == "phone"
    assert logged["service_code"] == "MISSED_TRASH" and logged["logged_by"].startswith("staff:agent-")

    # A retry is answered with the same call; other content under the same id is refused
    again = await desk.client.post(CALLS, headers=agent, json=body)
    assert again.status_code == 200 and again.json() == logged
    other = await desk.client.post(CALLS, headers=agent, json=body | {"channel": "walk_in"})
    assert other.status_code == 422 and "call_id" in other.text
    stolen = await desk.client.post(CALLS, headers=admin, json=body)
    assert stolen.status_code == 422 and "call_id" in stolen.text

    # About a request type, or a topic of the agent's own words, walk-in as well
    by_type = await desk.client.post(CALLS, headers=agent, json={"service_code": "POTHOLE"})
    by_topic = await desk.client.post(
        CALLS, headers=admin, json={"topic": "  bus   timetable ", "channel": "walk_in"}
    )
    assert (by_type.status_code, by_topic.status_code) == (201, 201), by_topic.text
    assert by_topic.json()["topic"] == "bus timetable" and by_topic.json()["service_code"] is None

    # Refusals name the field and log nothing
    refusals = {
        "no session": (await desk.client.post(CALLS, json={"topic": "x"}), 401, ""),
        "not an agent's work": (await desk.client.post(CALLS, headers=crew, json={"topic": "x"}), 403, ""),
        "no such answer": (
            await desk.client.post(
                CALLS, headers=agent, json={"answer_slug": "nothing-here", "answer_language": "en"}
            ),
            422,
            "answer_slug",
        ),
        "no such type": (
            await desk.client.post(CALLS, headers=agent, json={"service_code": "NOPE"}),
            422,
            "service_code",
        ),
        "about nothing": (await desk.client.post(CALLS, headers=agent, json={}), 422, "topic"),
        "half an answer": (
            await desk.client.post(CALLS, headers=agent, json={"answer_slug": "water-bill"}),
            422,
            "answer_language",
        ),
        "topic too long": (
            await desk.client.post(CALLS, headers=agent, json={"topic": "x" * 101}),
            422,
            "topic",
        ),
        "control character": (
            await desk.client.post(CALLS, headers=agent, json={"topic": "bell\u0007"}),
            422,
            "topic",
        ),
        "a caller's e-mail": (
            await desk.client.post(CALLS, headers=agent, json={"topic": "x", "email": "caller@example.org"}),
            422,
            "email",
        ),
        "bad channel": (
            await desk.client.post(CALLS, headers=agent, json={"topic": "x", "channel": "fax"}),
            422,
            "channel",
        ),
    }
    for name, (answer, status, field) in refusals.items():
        assert answer.status_code == status, (name, answer.text)
        assert field in answer.text, (name, answer.text)

    calls = await logged_calls(desk)
    assert len(calls) == 3
    assert {c.stream_id for c in calls} >= {f"call-{call_id}"}
    assert all(c.stream_version == 1 and c.actor["kind"] == "staff" for c in calls)
    assert {c.payload["channel"] for c in calls} == {"phone", "walk_in"}

    # The desk's pages: search a misspelled question, read the answer, log it in one click
    async with signed_in_browser(desk, f"pat-{uuid4().hex[:6]}", "agent", None) as browser:
        found = await browser.get("/staff/answers", params={"q": "holliday trash pickup"})
        assert found.status_code == 200
        assert 'href="/staff/answers/holiday-collection/en"' in found.text
        page = await browser.get("/staff/answers/holiday-collection/en")
        assert page.status_code == 200 and "Trash and recycling collection on holidays" in page.text
        assert 'href="/staff/new?service_code=MISSED_RECYCLING"' in page.text  # or file one
        assert '<form method="post" action="/staff/answers/holiday-collection/en">' not in page.text
        form = {
            "csrf_token": csrf_of(page),
            "call_id": CALL_ID.findall(page.text)[0],
            "answer_slug": "holiday-collection",
            "answer_language": "en",
            "service_code": "MISSED_RECYCLING",
            "channel": "phone",
        }
        clicked = await browser.post("/staff/information-calls", data=form)
        twice = await browser.post("/staff/information-calls", data=form)  # a double click
        forged = await browser.post("/staff/information-calls", data=form | {"csrf_token": "forged"})
        assert (clicked.status_code, twice.status_code, forged.status_code) == (303, 303, 403)
        assert clicked.headers["location"] == "/staff/answers/holiday-collection/en?logged=1"
        done = await browser.get(clicked.headers["location"])
        assert "Logged: answered, no request filed." in done.text
        edit = await browser.post(
            "/staff/answers/holiday-collection/en",
            data={
                "csrf_token": csrf_of(page),
                "title": "Mine",
                "body": "An agent's edit.",
                "expected_version": "1",
            },
        )
        assert edit.status_code == 403
    calls = await logged_calls(desk)
    assert len(calls) == 4
    assert calls[-1].payload["service_code"] == "MISSED_RECYCLING"

    # An admin changes an answer on its page; a change on a stale read is refused, both texts shown
    async with signed_in_browser(desk, f"lee-{uuid4().hex[:6]}", "admin", None) as browser:
        page = await browser.get("/staff/answers/water-bill/en")
        token = csrf_of(page)
        change = {
            "csrf_token": token,
            "title": "Your water bill",
            "body": "Check for leaks, read your meter, or ask for a review of the bill.",
            "service_codes": "",
            "expected_version": "1",
        }
        saved = await browser.post("/staff/answers/water-bill/en", data=change)
        assert saved.status_code == 303, saved.text
        stale = await browser.post("/staff/answers/water-bill/en", data=change | {"title": "On an old read"})
        assert stale.status_code == 409 and "changed since you read it" in stale.text
        assert "Your water bill" in stale.text and 'value="On an old read"' in stale.text
        unknown = await browser.post(
            "/staff/answers/water-bill/en", data=change | {"expected_version": "2", "service_codes": "NOPE"}
        )
        assert unknown.status_code == 422 and "NOPE" in unknown.text
        shown = await browser.get("/staff/answers/water-bill/en")
        assert "Changes" in shown.text and shown.text.count("staff:lee-") >= 2
        new = await browser.get("/staff/answers/new", params={"slug": "leaf-pickup", "lang": "es"})
        assert new.headers["location"] == "/staff/answers/leaf-pickup/es"
        blank = await browser.get("/staff/answers/leaf-pickup/es")
        assert blank.status_code == 200 and 'name="expected_version" value="0"' in blank.text
    revisions = (await desk.client.get("/api/staff/answers/water-bill/en/revisions", headers=admin)).json()
    assert [r["title"] for r in revisions] == ["Questions about your water bill", "Your water bill"]
