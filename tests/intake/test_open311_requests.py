"""An Open311 client files a request and reads it back at once, in JSON and XML, by id and by token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from civic311_backbone.contracts import Actor, RequestCreated, StatusUpdated, from_record, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from tests.intake.open311_support import CONTACT, Open311Gateway, open311_gateway, pothole, xml_of

STAFF = Actor(kind="staff", id="desk-test")
DISCOVERY_CONTACT = "Sample City 311, 1 City Hall Sq, 311@city.example.org"
DISCOVERY_KEY_SERVICE = "Ask 311@city.example.org for an api_key."


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Open311Gateway]:
    # GET a request and tokens read the request's own stream: no relay needed.
    log_dir = tmp_path_factory.mktemp("open311-requests")
    env = {"OPEN311_CONTACT": DISCOVERY_CONTACT, "OPEN311_KEY_SERVICE": DISCOVERY_KEY_SERVICE}
    async with open311_gateway(
        database_server_url, nats_server_url, log_dir, relay=False, env=env
    ) as gateway:
        yield gateway


@pytest.fixture
def store(open311: Open311Gateway) -> EventStore:
    return open311.store


async def created(store: EventStore, number: str) -> tuple[RequestCreated, Actor]:
    [event] = [from_record(r) for r in await store.read_stream(stream_id_for(number))]
    assert isinstance(event.payload, RequestCreated)
    return event.payload, event.actor


async def test_a_posted_request_has_its_tracking_number_at_once_and_reads_back_without_contact(
    open311: Open311Gateway, store: EventStore
) -> None:
    posted = await open311.post(**pothole(**CONTACT))

    assert posted.status_code == 200
    [answer] = posted.json()
    number = answer["service_request_id"]
    assert answer == {
        "service_request_id": number,
        "service_notice": answer["service_notice"],
        "account_id": None,
    }
    assert number in answer["service_notice"]

    read = await open311.client.get(f"/requests/{number}.json")
    assert read.status_code == 200
    [request] = read.json()
    assert request == {
        "service_request_id": number,
        "status": "open",
        "status_notes": None,
        "service_name": "Pothole",
        "service_code": "POTHOLE",
        "description": "Deep pothole by the bus stop",
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": request["requested_datetime"],
        "updated_datetime": request["requested_datetime"],
        "expected_datetime": None,
        "address": "1 City Hall Sq",
        "address_id": None,
        "zipcode": None,
        "lat": 42.3601,
        "long": -71.0589,
        "media_url": None,
    }
    assert request["requested_datetime"].endswith("Z")
    for value in CONTACT.values():
        assert value not in posted.text + read.text

    event, actor = await created(store, number)
    assert (event.channel, event.attributes) == ("open311", {"SIZE": "large"})
    assert event.contact is not None
    assert (event.contact.email, event.contact.last_name) == (CONTACT["email"], CONTACT["last_name"])
    assert actor.kind == "resident"
    assert actor.id == f"open311-client-{open311.api_key.split('.')[0]}"


async def test_the_same_in_xml_in_the_specs_element_names(open311: Open311Gateway) -> None:
    posted = await open311.post("xml", **pothole(**CONTACT, media_url="https://photos.example.org/1.jpg"))

    assert posted.status_code == 200
    root = xml_of(posted)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    number = request.findtext("service_request_id")
    assert number is not None
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]

    read = await open311.client.get(f"/requests/{number}.xml")
    assert read.status_code == 200
    [shown] = xml_of(read).findall("request")
    assert shown.findtext("service_request_id") == number
    assert shown.findtext("status") == "open"
    assert shown.findtext("service_code") == "POTHOLE"
    assert shown.findtext("address") == "1 City Hall Sq"
    assert shown.findtext("lat") == "42.3601"
    assert shown.findtext("media_url") == "https://photos.example.org/1.jpg"
    assert shown.find("expected_datetime") is not None
    for value in CONTACT.values():
        assert value not in posted.text + read.text


async def test_a_multivaluelist_is_answered_with_attribute_code_brackets(
    open311: Open311Gateway, store: EventStore
) -> None:
    answers: dict[str, str | list[str]] = {
        "attribute[SET_OUT_TIME]": "2026-11-23T06:30:00-05:00",
        "attribute[ITEMS][]": ["trash", "yard"],
    }
    number = await open311.file(service_code="MISSED_TRASH", address_id="ADDR-1234", **answers)
    single = await open311.file(
        service_code="MISSED_TRASH",
        address_string="12 Elm St",
        **{"attribute[SET_OUT_TIME]": "2026-11-23T06:30:00-05:00", "attribute[ITEMS][]": "recycling"},
    )

    event, _ = await created(store, number)
    assert event.attributes == {"SET_OUT_TIME": "2026-11-23T06:30:00-05:00", "ITEMS": ["trash", "yard"]}
    assert event.location.address_id == "ADDR-1234"
    assert (await created(store, single))[0].attributes["ITEMS"] == ["recycling"]


async def test_a_retry_with_the_same_idempotency_key_is_filed_once(open311: Open311Gateway) -> None:
    key = {"Idempotency-Key": f"app-report-{new_tracking_number()}"}
    body = {"api_key": open311.api_key, **pothole()}

    first = await open311.client.post("/requests.json", data=body, headers=key)
    retry = await open311.client.post("/requests.json", data=body, headers=key)
    other = await open311.client.post("/requests.json", data=body, headers={"Idempotency-Key": "another"})

    assert first.status_code == retry.status_code == other.status_code == 200
    number = first.json()[0]["service_request_id"]
    assert retry.json()[0]["service_request_id"] == number
    assert other.json()[0]["service_request_id"] != number
    too_long = await open311.client.post("/requests.json", data=body, headers={"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 400
    assert too_long.json()[0]["description"].startswith("Idempotency-Key:")


async def test_extensions_add_the_public_timeline_and_never_internal_notes(
    open311: Open311Gateway, store: EventStore
) -> None:
    number = await open311.file(**pothole())
    update = StatusUpdated(status="in_progress", public_note="Crew on Tuesday", internal_note="rude caller")
    await store.append(stream_id_for(number), [new_event(update, actor=STAFF)], expected_version=1)

    read = await open311.client.get(f"/requests/{number}.json", params={"extensions": "true"})
    plain = await open311.client.get(f"/requests/{number}.json")
    as_xml = await open311.client.get(f"/requests/{number}.xml", params={"extensions": "true"})

    [request] = read.json()
    assert request["status_notes"] == "Crew on Tuesday"
    extended = request["extended_attributes"]
    assert (extended["channel"], extended["duplicate"], extended["parent_service_request_id"]) == (
        "open311",
        None,
        None,
    )
    assert [(n["type"], n["status"], n["description"]) for n in extended["notes"]] == [
        ("created", "received", None),
        ("status", "in_progress", "Crew on Tuesday"),
    ]
    assert "extended_attributes" not in plain.json()[0]
    notes = xml_of(as_xml).findall("request/extended_attributes/notes/note")
    assert [n.findtext("status") for n in notes] == ["received", "in_progress"]
    assert "rude caller" not in read.text + as_xml.text


async def test_a_tracking_number_is_its_own_token(open311: Open311Gateway) -> None:
    number = await open311.file(**pothole())

    as_json = await open311.client.get(f"/tokens/{number}.json")
    as_xml = await open311.client.get(f"/tokens/{number}.xml")
    unknown = await open311.client.get(f"/tokens/{new_tracking_number()}.json")

    assert as_json.status_code == 200
    assert as_json.json() == [{"service_request_id": number, "token": number}]
    [request] = xml_of(as_xml).findall("request")
    assert (request.findtext("service_request_id"), request.findtext("token")) == (number, number)
    assert unknown.status_code == 404
    assert unknown.json()[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_an_unknown_or_malformed_request_id_is_404_in_the_specs_format(
    open311: Open311Gateway, fmt: str
) -> None:
    for given in (new_tracking_number(), "not-a-number"):
        response = await open311.client.get(f"/requests/{given}.{fmt}")

        assert response.status_code == 404
        if fmt == "json":
            [problem] = response.json()
            assert problem["code"] == 404
            assert given in problem["description"]
        else:
            [problem] = xml_of(response).findall("error")
            assert problem.findtext("code") == "404"


async def test_discovery_tells_the_operators_contact_and_key_service(open311: Open311Gateway) -> None:
    discovery = (await open311.client.get("/discovery.json")).json()

    assert (discovery["contact"], discovery["key_service"]) == (DISCOVERY_CONTACT, DISCOVERY_KEY_SERVICE)


async def test_the_openapi_document_describes_the_form_and_every_answer(open311: Open311Gateway) -> None:
    async with httpx.AsyncClient(base_url=open311.url) as client:
        document = (await client.get("/openapi.json")).json()

    post = document["paths"]["/open311/v2/requests.{fmt}"]["post"]
    form = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["required"] == ["api_key", "service_code"]
    assert {"lat", "long", "address_string", "address_id", "description", "media_url", "email"} <= set(
        form["properties"]
    )
    assert form["properties"]["description"]["maxLength"] == 4000
    assert sorted(post["responses"]) == ["200", "400", "403", "404"]
    listed = document["paths"]["/open311/v2/requests.{fmt}"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
        "updated_after",
        "updated_before",
        "extensions",
    }
    assert sorted(listed["responses"]) == ["200", "400", "404"]
