"""GET discovery, the service list and a service definition, each as .json or .xml."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from civic311_intake.domain.open311.listing import listed_type
from civic311_intake.entrypoints.api.open311.mapping.services import (
    Discovery,
    Error,
    Service,
    ServiceDefinition,
    discovery,
    service,
    service_definition,
)
from civic311_intake.entrypoints.api.open311.responses import Format, error, respond
from civic311_intake.entrypoints.api.open311.route_class import Open311Route
from civic311_intake.entrypoints.api.open311.state import OnlyOurJurisdiction, Open311

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["open311"], route_class=Open311Route)

_XML: dict[str, Any] = {"text/xml": {}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {
        "model": list[Error],
        "description": "Unknown service code, jurisdiction_id or format",
        "content": _XML,
    }
}


@router.get(
    "/discovery.{fmt}",
    response_class=Response,
    responses={200: {"model": Discovery, "content": _XML}, **_ERRORS},
)
async def get_discovery(fmt: Format, request: Request, open311: Open311) -> Response:
    document = discovery(
        url=str(request.base_url).rstrip("/") + PREFIX,
        changed_at=open311.changed_at,
        contact=open311.contact,
        key_service=open311.key_service,
    )
    return respond(fmt, "discovery", document)


@router.get(
    "/services.{fmt}",
    response_class=Response,
    responses={200: {"model": list[Service], "content": _XML}, **_ERRORS},
    dependencies=[OnlyOurJurisdiction],
)
async def get_services(fmt: Format, open311: Open311) -> Response:
    return respond(fmt, "services", [service(t) for t in open311.catalogue.public()])


@router.get(
    "/services/{service_code}.{fmt}",
    response_class=Response,
    responses={200: {"model": ServiceDefinition, "content": _XML}, **_ERRORS},
    dependencies=[OnlyOurJurisdiction],
)
async def get_service_definition(service_code: str, fmt: Format, open311: Open311) -> Response:
    request_type = listed_type(open311.catalogue, service_code)
    if request_type is None:
        return error(fmt, 404, f"service_code {service_code} is not a service of this jurisdiction")
    return respond(fmt, "service_definition", service_definition(request_type))
