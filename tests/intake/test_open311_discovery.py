"""A client developer finds the Open311 endpoint, its formats and its changeset through discovery."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import httpx

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from tests.support.processes import ServiceProcess

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


async def test_discovery_points_to_this_servers_open311_base_in_json_and_xml(
    settings: BackboneSettings, tmp_path: Path
) -> None:
    gateway = ServiceProcess("civic311_intake", settings_env(settings), tmp_path).start()
    try:
        await gateway.wait_ready()
        async with httpx.AsyncClient(base_url=gateway.url) as client:
            as_json = await client.get("/open311/v2/discovery.json")
            as_xml = await client.get("/open311/v2/discovery.xml")
            unknown_format = await client.get("/open311/v2/discovery.html")
    finally:
        gateway.stop()

    base_url = f"{gateway.url}/open311/v2"
    assert as_json.status_code == 200
    body = as_json.json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["contact"] and body["key_service"]
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": SPECIFICATION,
        "url": base_url,
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }

    assert as_xml.status_code == 200
    assert as_xml.headers["content-type"].startswith("text/xml")
    assert as_xml.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(as_xml.content)
    assert root.tag == "discovery"
    assert root.findtext("changeset") == body["changeset"]
    assert root.findtext("contact") == body["contact"]
    assert root.findtext("key_service") == body["key_service"]
    [xml_endpoint] = root.findall("endpoints/endpoint")
    assert xml_endpoint.findtext("specification") == SPECIFICATION
    assert xml_endpoint.findtext("url") == base_url
    assert xml_endpoint.findtext("type") == "production"
    assert [f.text for f in xml_endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    assert unknown_format.status_code == 404
    assert unknown_format.json()[0]["code"] == 404
