"""Answer an Open311 call in the format its path ends with, errors included, as the spec lays them out."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from civic311_intake.domain.submission import FieldProblem
from civic311_intake.entrypoints.api.errors import MESSAGE, excerpt
from civic311_intake.entrypoints.api.open311.mapping.services import Error
from civic311_intake.entrypoints.api.open311.xml import to_xml

Format = Literal["json", "xml"]
"""A path's extension: the route declares it, so anything else never reaches a handler (404)."""
FORMATS = ("json", "xml")
XML_MEDIA_TYPE = "text/xml; charset=utf-8"


class Refused(Exception):
    """Raised anywhere in an Open311 route (a dependency, say): answered as the spec's error (route_class)."""

    def __init__(self, status_code: int, description: str) -> None:
        super().__init__(description)
        self.status_code = status_code
        self.description = description


def respond(fmt: Format, root: str, payload: BaseModel | list[Any], status_code: int = 200) -> Response:
    """`payload` as JSON, or as XML under the element `root`."""
    data = _plain(payload)
    if fmt == "json":
        return JSONResponse(data, status_code=status_code)
    return Response(to_xml(root, data), status_code=status_code, media_type=XML_MEDIA_TYPE)


def error(fmt: Format, status_code: int, description: str) -> Response:
    """The spec's error list: `[{"code", "description"}]`, or `<errors><error>…</error></errors>`."""
    return respond(
        fmt, "errors", [Error(code=status_code, description=excerpt(description, MESSAGE))], status_code
    )


def problems(fmt: Format, status_code: int, found: list[FieldProblem]) -> Response:
    """One error per problem, each naming its field and why."""
    listed = [
        Error(code=status_code, description=excerpt(f"{excerpt(p.field)}: {p.message}", MESSAGE))
        for p in found[:50]
    ]
    return respond(fmt, "errors", listed, status_code)


def format_or_json(extension: str | None) -> Format:
    """The format a path asks for, or JSON when it names none we offer (for errors only)."""
    return "xml" if extension == "xml" else "json"


def _plain(payload: object) -> Any:
    if isinstance(payload, BaseModel):
        return payload.model_dump(mode="json")
    if isinstance(payload, list):
        return [_plain(item) for item in payload]
    return payload
