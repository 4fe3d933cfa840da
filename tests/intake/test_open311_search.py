"""An Open311 client searches the city's requests with every filter, in JSON and XML, page by page."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from civic311_backbone.contracts import (
    Actor,
    Closed,
    Contact,
    Location,
    RequestCreated,
    StatusUpdated,
    new_event,
)
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from tests.intake.open311_support import CONTACT, Open311Gateway, open311_gateway, pothole, xml_of
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="desk-test")
RESIDENT = Actor(kind="resident", id="resident-test")


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("open311-search")
    async with open311_gateway(database_server_url, nats_server_url, log_dir) as gateway:
        yield gateway


def ids(rows: list[dict[str, object]]) -> list[object]:
    return [row["service_request_id"] for row in rows]


async def search(open311: Open311Gateway, **params: str) -> list[dict[str, object]]:
    response = await open311.client.get("/requests.json", params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()
    return rows


async def filed_earlier(open311: Open311Gateway, days_ago: int, service_code: str = "POTHOLE") -> str:
    """A request whose RequestCreated happened `days_ago` days ago (as an import would append it)."""
    number = new_tracking_number()
    payload = RequestCreated(
        tracking_number=number,
        service_code=service_code,
        location=Location(lat=42.36, long=-71.06),
        channel="phone",
        contact=Contact(email=CONTACT["email"]),
    )
    event = dataclasses.replace(
        new_event(payload, actor=RESIDENT), occurred_at=datetime.now(UTC) - timedelta(days=days_ago)
    )
    await open311.store.append(stream_id_for(number), [event], expected_version=0)
    return number


async def test_filters_by_id_service_code_and_status_in_json_and_xml(open311: Open311Gateway) -> None:
    pothole_number = await open311.file(**pothole(**CONTACT))
    graffiti = await open311.file(service_code="GRAFFITI", address_string="3 Main St", **CONTACT)
    closed = await open311.file(**pothole())
    await open311.store.append(
        stream_id_for(closed),
        [new_event(Closed(resolution="resolved", public_note="Filled"), actor=STAFF)],
        expected_version=1,
    )
    await open311.indexed(pothole_number, graffiti, closed)
    await eventually(
        lambda: search(open311, service_request_id=closed), until=lambda r: r[0]["status"] == "closed"
    )

    by_ids = await search(open311, service_request_id=f"{pothole_number}, {graffiti.lower()}")
    potholes = ids(await search(open311, service_code="POTHOLE"))
    both_codes = ids(await search(open311, service_code="POTHOLE,GRAFFITI"))
    open_ones = ids(await search(open311, status="open"))
    closed_ones = ids(await search(open311, status="closed", service_code="POTHOLE"))
    either = ids(await search(open311, status="open,closed"))
    as_xml = await open311.client.get("/requests.xml", params={"service_code": "GRAFFITI"})

    assert sorted(map(str, ids(by_ids))) == sorted([pothole_number, graffiti])
    assert {pothole_number, closed} <= set(potholes) and graffiti not in potholes
    assert {pothole_number, closed, graffiti} <= set(both_codes)
    assert {pothole_number, graffiti} <= set(open_ones) and closed not in open_ones
    assert closed_ones == [closed]
    assert {pothole_number, graffiti, closed} <= set(either)
    [shown] = [r for r in by_ids if r["service_request_id"] == graffiti]
    assert (shown["service_name"], shown["status"], shown["address"]) == (
        "Graffiti removal",
        "open",
        "3 Main St",
    )
    root = xml_of(as_xml)
    assert root.tag == "service_requests"
    assert graffiti in [r.findtext("service_request_id") for r in root.findall("request")]
    assert {r.findtext("service_code") for r in root.findall("request")} == {"GRAFFITI"}
    for value in CONTACT.values():
        assert value not in str(by_ids) + as_xml.text


async def test_the_90_day_rule(open311: Open311Gateway) -> None:
    recent = await open311.file(**pothole())
    old = await filed_earlier(open311, days_ago=120)
    older = await filed_earlier(open311, days_ago=200)
    await open311.indexed(recent, old, older)
    day = timedelta(days=1)
    now = datetime.now(UTC)

    default = ids(await search(open311, page_size="1000"))
    from_start = ids(await search(open311, start_date=(now - 130 * day).isoformat()))
    up_to_end = ids(await search(open311, end_date=(now - 110 * day).isoformat()))
    ranged = ids(
        await search(
            open311, start_date=(now - 201 * day).isoformat(), end_date=(now - 119 * day).isoformat()
        )
    )
    too_long = await open311.client.get(
        "/requests.json", params={"start_date": (now - 200 * day).isoformat(), "end_date": now.isoformat()}
    )

    assert recent in default and old not in default and older not in default
    assert old in from_start and recent not in from_start  # a start alone opens 90 days from it
    assert old in up_to_end and older not in up_to_end and recent not in up_to_end
    assert set(ranged) >= {old, older} and recent not in ranged
    assert too_long.status_code == 400
    [problem] = too_long.json()
    assert problem == {"code": 400, "description": "end_date: at most 90 days after start_date"}


async def test_pages_newest_first_with_the_total_in_a_header(open311: Open311Gateway) -> None:
    numbers = [await open311.file(**pothole()) for _ in range(5)]
    await open311.indexed(*numbers)
    wanted = ",".join(numbers)

    pages = [
        await open311.client.get(
            "/requests.json", params={"service_request_id": wanted, "page_size": 2, "page": p}
        )
        for p in (1, 2, 3, 4)
    ]

    assert [ids(page.json()) for page in pages] == [numbers[4:2:-1], numbers[2:0:-1], numbers[:1], []]
    assert {page.headers["X-Total-Count"] for page in pages} == {"5"}


async def test_updated_after_and_before_find_what_changed(open311: Open311Gateway) -> None:
    quiet, changed = await open311.file(**pothole()), await open311.file(**pothole())
    rows = await open311.indexed(quiet, changed)
    since = max(datetime.fromisoformat(str(row["updated_datetime"])) for row in rows).isoformat()
    update = StatusUpdated(status="acknowledged", public_note="Seen")
    await open311.store.append(stream_id_for(changed), [new_event(update, actor=STAFF)], expected_version=1)

    after = await eventually(
        lambda: search(open311, updated_after=since),
        until=lambda rows: changed in ids(rows),
        what="update indexed",
    )
    before = ids(await search(open311, updated_before=since, page_size="1000"))

    assert quiet not in ids(after)
    assert [r["status_notes"] for r in after if r["service_request_id"] == changed] == ["Seen"]
    assert quiet in before and changed not in before


async def test_extensions_show_channel_duplicates_and_notes_in_the_list(open311: Open311Gateway) -> None:
    original = await open311.file(**pothole())
    duplicate = await open311.file(**pothole())
    await open311.store.append(
        stream_id_for(duplicate),
        [
            new_event(
                Closed(resolution="duplicate", duplicate_of=original, public_note="Already reported"),
                actor=STAFF,
            )
        ],
        expected_version=1,
    )
    await open311.indexed(original, duplicate)

    rows = await eventually(
        lambda: search(open311, service_request_id=duplicate, extensions="true"),
        until=lambda rows: rows[0]["status"] == "closed",
    )
    as_xml = await open311.client.get(
        "/requests.xml", params={"service_request_id": duplicate, "extensions": "true"}
    )

    extended = rows[0]["extended_attributes"]
    assert isinstance(extended, dict)
    assert (extended["channel"], extended["duplicate"]) == ("open311", original)
    assert [(n["status"], n["description"]) for n in extended["notes"]] == [
        ("received", None),
        ("duplicate", "Already reported"),
    ]
    assert xml_of(as_xml).findtext("request/extended_attributes/duplicate") == original


async def test_a_confidential_request_is_never_listed(open311: Open311Gateway) -> None:
    ethics = await filed_earlier(open311, days_ago=0, service_code="ETHICS_CONCERN")
    visible = await filed_earlier(open311, days_ago=0)
    await open311.indexed(visible)
    await eventually(
        lambda: open311.pool.fetchval(
            "SELECT count(*) FROM request_index WHERE tracking_number = $1", ethics
        ),
        until=lambda n: n == 1,
        what="the confidential request indexed",
    )

    by_id = await search(open311, service_request_id=f"{ethics},{visible}")
    listed = ids(await search(open311, page_size="1000"))
    asked = await open311.client.get("/requests.json", params={"service_code": "ETHICS_CONCERN"})
    one = await open311.client.get(f"/requests/{ethics}.json")

    assert ids(by_id) == [visible]
    assert ethics not in listed
    assert asked.status_code == 400
    assert one.status_code == 404
