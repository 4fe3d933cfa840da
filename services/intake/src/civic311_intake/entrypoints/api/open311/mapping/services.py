"""The service catalogue as Open311 GeoReport v2 writes it: discovery, the service list, a definition."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

from civic311_city.catalogue import Attribute, Datatype, RequestType

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("text/xml", "application/json")

_DATATYPE_HELP: dict[Datatype, str] = {
    "string": "A short line of text.",
    "number": "A number.",
    "datetime": "A date and time in ISO 8601 with a UTC offset, e.g. 2026-11-23T09:30:00-05:00.",
    "text": "Text; it may span several lines.",
    "singlevaluelist": "Exactly one of the listed keys.",
    "multivaluelist": "One or more of the listed keys.",
}


class Service(BaseModel):
    """One entry of the service list (GET services)."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class AttributeValue(BaseModel):
    key: str
    name: str


class ServiceAttribute(BaseModel):
    variable: bool
    code: str
    datatype: Datatype
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[AttributeValue]


class ServiceDefinition(BaseModel):
    """The questions a request type asks (GET services/{service_code})."""

    service_code: str
    attributes: list[ServiceAttribute]


class Endpoint(BaseModel):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Error(BaseModel):
    """One entry of the spec's error list."""

    code: int
    description: str


def service(request_type: RequestType) -> Service:
    return Service(
        service_code=request_type.code,
        service_name=request_type.name,
        description=request_type.description,
        metadata=bool(request_type.attributes),
        type="realtime",  # the tracking number is given at once
        keywords=", ".join(request_type.keywords),
        group=request_type.group,
    )


def service_definition(request_type: RequestType) -> ServiceDefinition:
    ordered = sorted(request_type.attributes, key=lambda a: a.order)
    return ServiceDefinition(service_code=request_type.code, attributes=[_attribute(a) for a in ordered])


def _attribute(attribute: Attribute) -> ServiceAttribute:
    return ServiceAttribute(
        variable=True,
        code=attribute.code,
        datatype=attribute.datatype,
        required=attribute.required,
        datatype_description=_DATATYPE_HELP[attribute.datatype],
        order=attribute.order,
        description=attribute.question,
        values=[AttributeValue(key=v.key, name=v.name) for v in attribute.values],
    )


def changeset(moment: datetime) -> str:
    """A sortable timestamp (W3C date-time, UTC) for discovery's changeset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def discovery(*, url: str, changed_at: datetime, contact: str, key_service: str) -> Discovery:
    stamp = changeset(changed_at)
    endpoint = Endpoint(
        specification=SPECIFICATION, url=url, changeset=stamp, type="production", formats=list(FORMATS)
    )
    return Discovery(changeset=stamp, contact=contact, key_service=key_service, endpoints=[endpoint])
