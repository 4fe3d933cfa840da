"""'Already reported?': before filing, a resident (or an agent on the phone) asks the running gateway for
open requests of the type near the place, and is offered the nearest and newest, never a confidential,
closed or duplicate one, never anything of who reported them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from civic311_backbone.contracts import Actor, Closed, Contact, Location, RequestCreated, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from tests.intake.open311_support import CONTACT, Open311Gateway, open311_gateway, pothole
from tests.support.waiting import eventually

STAFF = Actor(kind="staff", id="desk-test")
HERE = (42.3431, -71.0712)
METRES_NORTH = 1 / 111_195  # degrees of latitude in a metre


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    async with open311_gateway(
        database_server_url, nats_server_url, tmp_path_factory.mktemp("already-reported")
    ) as gateway:
        yield gateway


async def file_at(open311: Open311Gateway, north_m: float, **fields: str) -> str:
    lat = HERE[0] + north_m * METRES_NORTH
    report = pothole(lat=f"{lat:.7f}", long=str(HERE[1]), email=CONTACT["email"], phone=CONTACT["phone"])
    if fields.get("service_code", "POTHOLE") != "POTHOLE":
        del report["attribute[SIZE]"]
    return await open311.file(**{**report, **fields})


async def nearby(open311: Open311Gateway, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=open311.url, timeout=30) as client:
        return await client.get("/api/nearby", params=params)


async def listed_in_the_index(open311: Open311Gateway, *numbers: str) -> None:
    await eventually(
        lambda: open311.pool.fetchval(
            "SELECT count(*) FROM request_index WHERE tracking_number = ANY($1::text[])", list(numbers)
        ),
        until=lambda n: n == len(numbers),
        what="indexed",
    )


async def test_the_open_requests_of_the_type_nearby_are_offered_nearest_first_and_nothing_else(
    open311: Open311Gateway,
) -> None:
    # Given potholes here, 60 m north and 600 m north, a broken sidewalk here, a closed pothole here and
    # a confidential report here
    here = await file_at(open311, 0, description="Deep pothole at the school crossing")
    north = await file_at(open311, 60)
    far = await file_at(open311, 600)
    sidewalk = await file_at(open311, 0, service_code="SIDEWALK_REPAIR")
    fixed = await file_at(open311, 5)
    await open311.store.append(
        stream_id_for(fixed), [new_event(Closed(resolution="resolved"), actor=STAFF)], expected_version=None
    )
    secret = new_tracking_number()
    await open311.store.append(
        stream_id_for(secret),
        [
            new_event(
                RequestCreated(
                    tracking_number=secret,
                    service_code="POTHOLE",
                    location=Location(lat=HERE[0], long=HERE[1]),
                    channel="phone",
                    confidential=True,
                    contact=Contact(email=CONTACT["email"]),
                ),
                actor=STAFF,
            )
        ],
        expected_version=0,
    )
    await listed_in_the_index(open311, here, north, far, sidewalk, fixed, secret)
    await eventually(
        lambda: open311.pool.fetchval("SELECT status FROM request_index WHERE tracking_number = $1", fixed),
        until=lambda status: status == "closed",
        what="the closing indexed",
    )

    # When a resident asks what is already reported of potholes here
    answer = await nearby(open311, service_code="POTHOLE", lat=str(HERE[0]), long=str(HERE[1]))
    wider = await nearby(
        open311, service_code="POTHOLE", lat=str(HERE[0]), long=str(HERE[1]), radius_m="1000"
    )

    # Then the two open potholes within the block, nearest first, with what their pages show
    assert answer.status_code == 200, answer.text
    offered = answer.json()
    assert [o["tracking_number"] for o in offered] == [here, north]
    assert [o["distance_m"] for o in offered] == [0, 60]
    assert offered[0]["description"] == "Deep pothole at the school crossing"
    assert offered[0]["stage"] in {"received", "assigned"}
    # And the one 600 m away only when asked farther; never the sidewalk, the closed one, the secret
    assert [o["tracking_number"] for o in wider.json()] == [here, north, far]
    shown = answer.text + wider.text
    for never in (sidewalk, fixed, secret):
        assert never not in shown
    # And nothing of who reported them
    for value in CONTACT.values():
        assert value not in shown
    assert set(offered[0]) == {
        "tracking_number",
        "service_code",
        "distance_m",
        "address",
        "description",
        "stage",
        "requested_at",
        "updated_at",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service_code": "ETHICS_CONCERN"}, "service_code"),
        ({"service_code": "NO_SUCH_TYPE"}, "service_code"),
        ({"lat": "91"}, "lat"),
        ({"lat": "nan"}, "lat"),
        ({"long": "Infinity"}, "long"),
        ({"lat": "x"}, "lat"),
        ({"radius_m": "5000"}, "radius_m"),
        ({"limit": "0"}, "limit"),
        ({"service_code": ""}, "service_code"),
    ],
)
async def test_a_bad_question_is_refused_naming_the_field(
    open311: Open311Gateway, params: dict[str, str], field: str
) -> None:
    asked = {"service_code": "POTHOLE", "lat": str(HERE[0]), "long": str(HERE[1]), **params}
    answer = await nearby(open311, **asked)
    assert answer.status_code in (400, 422), answer.text
    assert field in json.dumps(answer.json())
