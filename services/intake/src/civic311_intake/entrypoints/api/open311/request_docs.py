"""How the Open311 request methods are described in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from civic311_intake.domain.submission import MAX_ADDRESS, MAX_ADDRESS_ID, MAX_DESCRIPTION, MAX_MEDIA_URL
from civic311_intake.entrypoints.api.open311.mapping.requests import (
    PostedRequest,
    ServiceRequest,
    TokenAnswer,
)
from civic311_intake.entrypoints.api.open311.mapping.services import Error

_XML: dict[str, Any] = {"text/xml": {}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    why = {
        400: "A parameter is missing or wrong: one error per problem, naming the field and why",
        403: "api_key missing or not valid",
        404: "Unknown request, token, jurisdiction_id or format",
    }
    return {code: {"model": list[Error], "description": why[code], "content": _XML} for code in codes}


POST_RESPONSES = {
    200: {"model": list[PostedRequest], "description": "Filed: its tracking number", "content": _XML},
    **_errors(400, 403, 404),
}
LIST_RESPONSES = {
    200: {"model": list[ServiceRequest], "description": "The requests, newest first", "content": _XML},
    **_errors(400, 404),
}
ONE_RESPONSES = {
    200: {"model": list[ServiceRequest], "description": "A one-element list", "content": _XML},
    **_errors(400, 404),
}
TOKEN_RESPONSES = {
    200: {"model": list[TokenAnswer], "description": "The request the token stands for", "content": _XML},
    **_errors(404),
}


def _text(description: str, max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": description}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


_FIELDS: dict[str, Any] = {
    "api_key": _text("Issued by the 311 office; required."),
    "jurisdiction_id": _text("Optional; if given, the jurisdiction this gateway serves.", 100),
    "service_code": _text("The code of a service from GET services."),
    "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "Latitude (WGS 84)."},
    "long": {"type": "number", "minimum": -180, "maximum": 180, "description": "Longitude (WGS 84)."},
    "address_string": _text("The address, as a person writes it.", MAX_ADDRESS),
    "address_id": _text("Id of the address in the city's address database.", MAX_ADDRESS_ID),
    "email": _text("The reporter's e-mail; never shown publicly.", 254),
    "device_id": _text("Accepted and not kept."),
    "account_id": _text("Accepted and not kept."),
    "first_name": _text("Never shown publicly.", 100),
    "last_name": _text("Never shown publicly.", 100),
    "phone": _text("Never shown publicly.", 40),
    "description": _text("What is wrong.", MAX_DESCRIPTION),
    "media_url": _text("An http(s) link to a photo.", MAX_MEDIA_URL),
}

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": _FIELDS,
    "patternProperties": {r"^attribute\[[A-Z0-9_]+\](\[\])?$": {"type": "string"}},
}
_MEDIA: dict[str, Any] = {
    "type": "string",
    "format": "binary",
    "description": "A photo (JPEG, PNG, WebP or HEIC), instead of media_url. It is re-encoded as a JPEG "
    "without metadata (no GPS, no serial number), scaled to at most 2000 px, and the request's media_url "
    "becomes the gateway's own link to it. Not a photo, too large, too many pixels: 400 naming media.",
}

POST_FORM: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "Any string of 1 to 200 characters naming this request; a retry with the same "
            "key (and api_key) is answered with the first filing's service_request_id, filed once.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        }
    ],
    "requestBody": {
        "required": True,
        "description": "Give a location: lat and long, address_string or address_id. Answer the service's "
        "questions as attribute[CODE]=value, and a multivaluelist as attribute[CODE][]=value, repeated. "
        "To send a photo, post multipart/form-data with the photo as the file part media.",
        "content": {
            "application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA},
            "multipart/form-data": {
                "schema": {**_FORM_SCHEMA, "properties": {**_FIELDS, "media": _MEDIA}},
                "encoding": {"media": {"contentType": "image/jpeg, image/png, image/webp, image/heic"}},
            },
        },
    },
}
