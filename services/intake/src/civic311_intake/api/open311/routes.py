"""GET discovery, the service list and a service definition, each as .json or .xml."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from civic311_intake.api.open311.responses import UnknownFormat, error, parse_format, respond
from civic311_intake.api.open311.state import Open311
from civic311_intake.domain.open311 import (
    Discovery,
    Error,
    Service,
    ServiceDefinition,
    discovery,
    listed_type,
    service,
    service_definition,
)

PREFIX = "/open311/v2"
router = APIRouter(prefix=PREFIX, tags=["open311"])

_XML: dict[str, Any] = {"text/xml": {}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": list[Error], "description": "Unknown service code or format", "content": _XML}
}


@router.get(
    "/discovery.{fmt}",
    response_class=Response,
    responses={200: {"model": Discovery, "content": _XML}, **_ERRORS},
)
async def get_discovery(fmt: str, request: Request, open311: Open311) -> Response:
    try:
        chosen = parse_format(fmt)
    except UnknownFormat as problem:
        return error("json", 404, str(problem))
    document = discovery(
        url=str(request.base_url).rstrip("/") + PREFIX,
        changed_at=open311.changed_at,
        contact=open311.contact,
        key_service=open311.key_service,
    )
    return respond(chosen, "discovery", document)


@router.get(
    "/services.{fmt}",
    response_class=Response,
    responses={200: {"model": list[Service], "content": _XML}, **_ERRORS},
)
async def get_services(fmt: str, open311: Open311, jurisdiction_id: str | None = None) -> Response:
    # One jurisdiction per server for now: any jurisdiction_id is answered with its list.
    try:
        chosen = parse_format(fmt)
    except UnknownFormat as problem:
        return error("json", 404, str(problem))
    return respond(chosen, "services", [service(t) for t in open311.catalogue.public()])


@router.get(
    "/services/{service_code}.{fmt}",
    response_class=Response,
    responses={200: {"model": ServiceDefinition, "content": _XML}, **_ERRORS},
)
async def get_service_definition(
    service_code: str, fmt: str, open311: Open311, jurisdiction_id: str | None = None
) -> Response:
    try:
        chosen = parse_format(fmt)
    except UnknownFormat as problem:
        return error("json", 404, str(problem))
    request_type = listed_type(open311.catalogue, service_code)
    if request_type is None:
        return error(chosen, 404, f"service_code {service_code} is not a service of this jurisdiction")
    return respond(chosen, "service_definition", service_definition(request_type))
