"""The gateway's geocoding, through HTTP against the running gateway: the lookups the map will use,
and what filing an address without a point writes on the record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from civic311_backbone.contracts import RequestCreated, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_city import load_districts
from civic311_city.geocoding import AddressPoint, metres
from civic311_city.geocoding.sample import sample_points
from tests.intake.open311_support import Open311Gateway, open311_gateway, pothole

HOUSE = next(p for p in sample_points() if p.address == "101 Elm Ter")


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    log_dir = tmp_path_factory.mktemp("geocoding")
    async with open311_gateway(database_server_url, nats_server_url, log_dir, relay=False) as gateway:
        yield gateway


@pytest.fixture
def api(open311: Open311Gateway) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=open311.url, timeout=30)


async def _created(open311: Open311Gateway, number: str) -> RequestCreated:
    [event] = [from_record(r) for r in await open311.store.read_stream(stream_id_for(number))]
    assert isinstance(event.payload, RequestCreated)
    return event.payload


def _district(point: AddressPoint) -> str | None:
    return load_districts().containing(point.lat, point.long)


async def test_an_address_geocodes_to_its_point_and_district(api: httpx.AsyncClient) -> None:
    async with api:
        answer = await api.get("/api/geocode", params={"address": "101 elm terrace, Sample City"})
    assert answer.status_code == 200, answer.text
    place = answer.json()
    assert (place["address"], place["address_id"], place["kind"]) == (
        "101 Elm Ter",
        HOUSE.address_id,
        "exact",
    )
    assert metres(place["lat"], place["long"], HOUSE.lat, HOUSE.long) < 1
    assert place["district"] == _district(HOUSE) is not None


async def test_a_typo_and_an_intersection_geocode_too(api: httpx.AsyncClient) -> None:
    async with api:
        typo = (await api.get("/api/geocode", params={"address": "101 Elmm Ter"})).json()
        corner = (await api.get("/api/geocode", params={"address": "Elm Ter & Market St"})).json()
    assert (typo["address"], typo["kind"]) == ("101 Elm Ter", "fuzzy")
    assert corner["kind"] == "intersection" and set(corner["address"].split(" & ")) == {
        "ELM TER",
        "MARKET ST",
    }


async def test_reverse_answers_the_nearest_address_with_its_distance(api: httpx.AsyncClient) -> None:
    async with api:
        answer = await api.get(
            "/api/geocode/reverse", params={"lat": HOUSE.lat, "long": HOUSE.long + 0.00003}
        )
    assert answer.status_code == 200, answer.text
    place = answer.json()
    assert (place["address"], place["kind"], place["district"]) == (
        "101 Elm Ter",
        "nearest",
        _district(HOUSE),
    )
    assert 1.5 < place["distance_m"] < 3.5  # 0.00003 degrees of longitude here: about 2.5 m


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/geocode", {}, "address"),
        ("/api/geocode", {"address": "  "}, "address"),
        ("/api/geocode", {"address": "12 Elm\x00 Ter"}, "address"),
        ("/api/geocode", {"address": "1 " + "x" * 600}, "address"),
        ("/api/geocode/reverse", {"lat": "north", "long": "-71.1"}, "lat"),
        ("/api/geocode/reverse", {"lat": "42.3"}, "long"),
        ("/api/geocode/reverse", {"lat": "42.3", "long": "-191"}, "long"),
        ("/api/geocode/reverse", {"lat": "nan", "long": "-71.1"}, "lat"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    api: httpx.AsyncClient, path: str, params: dict[str, str], field: str
) -> None:
    async with api:
        answer = await api.get(path, params=params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(f"{field}: ")


async def test_an_address_not_in_the_city_is_a_404_with_the_reason(api: httpx.AsyncClient) -> None:
    async with api:
        answer = await api.get("/api/geocode", params={"address": "12 Nowhere Rd"})
        far = await api.get("/api/geocode/reverse", params={"lat": "40.0", "long": "-75.0"})
    assert answer.status_code == 404 and answer.json()["reason"] == "not_found"
    assert far.status_code == 404 and far.json()["reason"] == "not_found"


async def test_an_address_only_request_is_filed_with_its_geocoded_point(open311: Open311Gateway) -> None:
    number = await open311.file(**pothole(lat="", long="", address_string="101 Elm Terrace"))
    location = (await _created(open311, number)).location
    assert (location.address_string, location.address_id, location.geocoded) == (
        "101 Elm Terrace",
        HOUSE.address_id,
        "exact",
    )
    assert (location.lat, location.long, location.matched_address) == (HOUSE.lat, HOUSE.long, "101 Elm Ter")
    assert location.unplaced is None
    [shown] = (await open311.client.get(f"/requests/{number}.json")).json()
    assert (shown["lat"], shown["long"]) == (HOUSE.lat, HOUSE.long)


async def test_a_request_with_coordinates_keeps_them(open311: Open311Gateway) -> None:
    number = await open311.file(**pothole(lat="42.3700", long="-71.1000", address_string="101 Elm Ter"))
    location = (await _created(open311, number)).location
    assert (location.lat, location.long, location.geocoded, location.unplaced) == (42.37, -71.1, None, None)


@pytest.mark.parametrize(("address", "reason"), [("12 Nowhere Rd", "not_found"), ("Elm Ter", "ambiguous")])
async def test_an_address_that_cannot_be_placed_is_filed_saying_why(
    open311: Open311Gateway, address: str, reason: str
) -> None:
    number = await open311.file(**pothole(lat="", long="", address_string=address))
    location = (await _created(open311, number)).location
    assert (location.lat, location.long, location.address_string, location.unplaced) == (
        None,
        None,
        address,
        reason,
    )


async def test_the_same_idempotent_post_is_geocoded_and_filed_once(open311: Open311Gateway) -> None:
    fields = {"api_key": open311.api_key, **pothole(lat="", long="", address_string="101 Elm Ter")}
    headers = {"Idempotency-Key": "geocoded-once"}
    first = await open311.client.post("/requests.json", data=fields, headers=headers)
    again = await open311.client.post("/requests.json", data=fields, headers=headers)
    assert first.status_code == again.status_code == 200, again.text
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]


@pytest.mark.slow
async def test_lookups_beyond_the_limit_are_refused_with_retry_after(
    database_server_url: str, nats_server_url: str, tmp_path: Path
) -> None:
    env = {"GEOCODE_PER_MINUTE": "3"}
    async with (
        open311_gateway(database_server_url, nats_server_url, tmp_path, relay=False, env=env) as gateway,
        httpx.AsyncClient(base_url=gateway.url) as api,
    ):
        answers = [await api.get("/api/geocode", params={"address": "101 Elm Ter"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
