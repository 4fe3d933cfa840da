"""Answer an Open311 call in the format its path ends with, errors included, as the spec lays them out."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from civic311_intake.api.open311.xml import to_xml
from civic311_intake.domain.open311 import Error

Format = Literal["json", "xml"]
XML_MEDIA_TYPE = "text/xml; charset=utf-8"


class UnknownFormat(ValueError):
    """The path ends in neither .json nor .xml."""


def parse_format(extension: str) -> Format:
    if extension == "json":
        return "json"
    if extension == "xml":
        return "xml"
    raise UnknownFormat(f"format {extension!r} is not offered; use .json or .xml")


def respond(fmt: Format, root: str, payload: BaseModel | list[Any], status_code: int = 200) -> Response:
    """`payload` as JSON, or as XML under the element `root`."""
    data = _plain(payload)
    if fmt == "json":
        return JSONResponse(data, status_code=status_code)
    return Response(to_xml(root, data), status_code=status_code, media_type=XML_MEDIA_TYPE)


def error(fmt: Format, status_code: int, description: str) -> Response:
    """The spec's error list: `[{"code", "description"}]`, or `<errors><error>…</error></errors>`."""
    return respond(fmt, "errors", [Error(code=status_code, description=description)], status_code)


def _plain(payload: object) -> Any:
    if isinstance(payload, BaseModel):
        return payload.model_dump(mode="json")
    if isinstance(payload, list):
        return [_plain(item) for item in payload]
    return payload
