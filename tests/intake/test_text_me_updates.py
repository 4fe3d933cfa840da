"""'Text me updates' on the tracking page of the running gateway: a resident leaves a mobile number instead
of an e-mail address and is on the record as a follower by text, in E.164; a bad number, or neither,
comes back at its field and stores nothing."""

from __future__ import annotations

import httpx

from civic311_backbone.contracts import (
    Contact,
    FollowerAdded,
    Location,
    RequestCreated,
    from_record,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import STAFF
from tests.intake.test_resident_pages import open_form


async def a_request(store: EventStore) -> str:
    number = new_tracking_number()
    created = RequestCreated(
        tracking_number=number,
        service_code="POTHOLE",
        location=Location(lat=42.36, long=-71.06),
        channel="phone",
        contact=Contact(phone="+1 617 555 0100"),
    )
    await store.append(stream_id_for(number), [new_event(created, actor=STAFF)], expected_version=0)
    return number


async def followers(store: EventStore, number: str) -> list[FollowerAdded]:
    events = [from_record(r).payload for r in await store.read_stream(stream_id_for(number))]
    return [e for e in events if isinstance(e, FollowerAdded)]


async def test_a_resident_follows_a_request_by_text_with_a_mobile_number(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    number = await a_request(store)
    token = await open_form(gateway, f"/track/{number}")
    page = (await gateway.get(f"/track/{number}")).text
    assert 'name="follow_phone"' in page and "text messages" in page

    def form(**fields: str) -> dict[str, str]:
        return {"csrf_token": token, "follow_language": "es", **fields}

    bad = await gateway.post(f"/track/{number}/follow", data=form(follow_phone="12"))
    neither = await gateway.post(f"/track/{number}/follow", data=form())
    assert bad.status_code == 400 and 'href="#follow_phone"' in bad.text
    assert neither.status_code == 400 and 'href="#follow_email"' in neither.text
    assert await followers(store, number) == []

    followed = await gateway.post(f"/track/{number}/follow", data=form(follow_phone="(617) 555-0123"))
    again = await gateway.post(f"/track/{number}/follow", data=form(follow_phone="+1 617 555 0123"))

    assert followed.status_code == 200 and again.status_code == 200
    [added] = await followers(store, number)
    assert added.contact.phone == "+16175550123" and added.contact.email is None
    assert (added.language, added.reason) == ("es", "resident")
    assert "+16175550123" not in (await gateway.get(f"/track/{number}")).text
