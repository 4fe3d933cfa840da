"""A client lists the city's services and reads what each asks, over Open311 in JSON and XML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from civic311_city.loading import load_catalogue
from tests.intake.open311_support import open311_gateway
from tests.support.processes import ServiceProcess

CONFIDENTIAL = "ETHICS_CONCERN"
POTHOLE_SIZES = [
    {"key": "small", "name": "Smaller than a dinner plate"},
    {"key": "medium", "name": "Up to a car tyre"},
    {"key": "large", "name": "Larger than a car tyre"},
]


@pytest.fixture(scope="module")
async def open311(
    database_server_url: str, nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the running gateway's Open311 base URL: one gateway for the module (they only read)."""
    log_dir = tmp_path_factory.mktemp("open311-services")
    async with open311_gateway(database_server_url, nats_server_url, log_dir, relay=False) as gateway:
        yield gateway.client


def xml_of(response: httpx.Response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


async def test_the_service_list_shows_every_public_type_and_never_a_confidential_one(
    open311: httpx.AsyncClient,
) -> None:
    response = await open311.get("/services.json", params={"jurisdiction_id": "city.example.org"})

    assert response.status_code == 200
    services = {s["service_code"]: s for s in response.json()}
    public = {t.code for t in load_catalogue().types if not t.confidential}
    assert set(services) == public
    assert CONFIDENTIAL not in services
    assert services["POTHOLE"] == {
        "service_code": "POTHOLE",
        "service_name": "Pothole",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "pothole, hole, road surface",
        "group": "Streets",
    }
    assert services["SIDEWALK_REPAIR"]["metadata"] is False


async def test_the_service_list_in_xml_names_elements_as_the_spec_does(
    open311: httpx.AsyncClient,
) -> None:
    as_json = (await open311.get("/services.json")).json()
    root = xml_of(await open311.get("/services.xml"))

    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == [s["service_code"] for s in as_json]
    pothole = next(s for s in services if s.findtext("service_code") == "POTHOLE")
    assert [child.tag for child in pothole] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert pothole.findtext("metadata") == "true"
    assert pothole.findtext("keywords") == "pothole, hole, road surface"
    assert CONFIDENTIAL not in root.itertext()


async def test_a_service_definition_lists_a_required_questions_values_in_json_and_xml(
    open311: httpx.AsyncClient,
) -> None:
    as_json = await open311.get("/services/POTHOLE.json", params={"jurisdiction_id": "any"})
    as_xml = await open311.get("/services/POTHOLE.xml")

    assert as_json.status_code == 200
    definition = as_json.json()
    assert definition["service_code"] == "POTHOLE"
    size, bike_lane = definition["attributes"]
    assert size == {
        "variable": True,
        "code": "SIZE",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": size["datatype_description"],
        "order": 1,
        "description": "How big is the pothole?",
        "values": POTHOLE_SIZES,
    }
    assert (bike_lane["code"], bike_lane["required"], bike_lane["order"]) == ("IN_BIKE_LANE", False, 2)

    assert as_xml.status_code == 200
    root = xml_of(as_xml)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "POTHOLE"
    [xml_size, _] = root.findall("attributes/attribute")
    assert xml_size.findtext("code") == "SIZE"
    assert xml_size.findtext("required") == "true"
    assert xml_size.findtext("variable") == "true"
    assert xml_size.findtext("datatype") == "singlevaluelist"
    assert xml_size.findtext("order") == "1"
    values = [
        {"key": v.findtext("key"), "name": v.findtext("name")} for v in xml_size.findall("values/value")
    ]
    assert values == POTHOLE_SIZES


async def test_a_type_without_questions_has_an_empty_definition(open311: httpx.AsyncClient) -> None:
    response = await open311.get("/services/SIDEWALK_REPAIR.json")

    assert response.status_code == 200
    assert response.json() == {"service_code": "SIDEWALK_REPAIR", "attributes": []}


@pytest.mark.parametrize("service_code", ["NO_SUCH_SERVICE", CONFIDENTIAL])
async def test_an_unknown_or_confidential_code_is_404_in_the_specs_error_format(
    open311: httpx.AsyncClient, service_code: str
) -> None:
    as_json = await open311.get(f"/services/{service_code}.json")
    as_xml = await open311.get(f"/services/{service_code}.xml")

    assert as_json.status_code == 404
    [problem] = as_json.json()
    assert problem["code"] == 404
    assert service_code in problem["description"]

    assert as_xml.status_code == 404
    root = xml_of(as_xml)
    assert root.tag == "errors"
    [error] = root.findall("error")
    assert error.findtext("code") == "404"
    assert error.findtext("description") == problem["description"]
    assert "Ethics" not in as_json.text + as_xml.text


async def test_the_gateway_serves_the_catalogue_the_operator_points_both_services_at(
    settings: BackboneSettings, tmp_path: Path
) -> None:
    from civic311_city.loading import SAMPLE_CATALOGUE

    edited = tmp_path / "catalogue.toml"
    edited.write_text(SAMPLE_CATALOGUE.read_text().replace('name = "Pothole"', 'name = "Road pothole"'))
    env = {**settings_env(settings), "CATALOGUE_PATH": str(edited)}
    gateway = ServiceProcess("civic311_intake", env, tmp_path).start()
    try:
        await gateway.wait_ready()
        async with httpx.AsyncClient(base_url=gateway.url) as client:
            services = (await client.get("/open311/v2/services.json")).json()
    finally:
        gateway.stop()
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["POTHOLE"] == "Road pothole"
