"""OpenAPI links in the gateway's document: where one operation's answer names what another reads.

A filed request's number leads to the request, its token, its public timeline and (for staff) its full view
and the changes made to it; a staff view's `version` is what a change must expect. Clients can follow
these instead of building addresses, and schemathesis's stateful run chains its calls along them.
They are kept here, by method and path, because the routes they join live in different routers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

OPEN311 = "/open311/v2"
POST = ("post", f"{OPEN311}/requests.{{fmt}}")
LIST = ("get", f"{OPEN311}/requests.{{fmt}}")
ONE_REQUEST = ("get", f"{OPEN311}/requests/{{service_request_id}}.{{fmt}}")
TOKEN = ("get", f"{OPEN311}/tokens/{{token}}.{{fmt}}")
SERVICES = ("get", f"{OPEN311}/services.{{fmt}}")
DEFINITION = ("get", f"{OPEN311}/services/{{service_code}}.{{fmt}}")
TIMELINE = ("get", "/api/requests/{tracking_number}")
STAFF_FILING = ("post", "/api/staff/requests")
QUEUE = ("get", "/api/staff/queue")
STAFF_VIEW = ("get", "/api/staff/requests/{tracking_number}")
STAFF_CHANGES = {
    name: ("post", f"/api/staff/requests/{{tracking_number}}/{name}")
    for name in ("acknowledge", "status", "cost", "transfer", "close")
}


@dataclass(frozen=True)
class Link:
    name: str
    source: tuple[str, str]
    status: str
    target: tuple[str, str]
    description: str
    parameters: Mapping[str, str]
    request_body: Mapping[str, str] = field(default_factory=dict)


def _from_number(source: tuple[str, str], status: str, number: str, *, open311: bool) -> list[Link]:
    """The links of an answer holding a tracking number at `number` (a runtime expression); an Open311
    answer's links keep its format."""
    fmt = {"path.fmt": "$request.path.fmt"} if open311 else {"fmt": "json"}
    tracking = {"tracking_number": number}
    links = [
        Link(
            "request",
            source,
            status,
            ONE_REQUEST,
            "The request, as Open311 shows it.",
            {"service_request_id": number, **fmt},
        ),
        Link("timeline", source, status, TIMELINE, "Its public timeline.", tracking),
        Link("staff_view", source, status, STAFF_VIEW, "Its full view, for staff.", tracking),
    ]
    if open311:
        links += [
            Link(
                "token",
                source,
                status,
                TOKEN,
                "A tracking number is its own token.",
                {"token": number, **fmt},
            ),
            Link(
                "search",
                source,
                status,
                LIST,
                "Found by search.",
                {"query.service_request_id": number, **fmt},
            ),
        ]
    return links


def _changes_of(source: tuple[str, str], status: str, number: str, version: str | None) -> list[Link]:
    expected = {"expected_version": version} if version else {}
    return [
        Link(name, source, status, target, f"Change it: {name}.", {"tracking_number": number}, expected)
        for name, target in STAFF_CHANGES.items()
    ]


def _links() -> list[Link]:
    same_format = {"path.fmt": "$request.path.fmt"}
    links = [
        *_from_number(POST, "200", "$response.body#/0/service_request_id", open311=True),
        Link(
            "first",
            LIST,
            "200",
            ONE_REQUEST,
            "The first request listed.",
            {"service_request_id": "$response.body#/0/service_request_id", **same_format},
        ),
        Link(
            "definition",
            SERVICES,
            "200",
            DEFINITION,
            "The first service's questions.",
            {"service_code": "$response.body#/0/service_code", **same_format},
        ),
        Link(
            "file",
            DEFINITION,
            "200",
            POST,
            "File a request of this service.",
            same_format,
            {"service_code": "$response.body#/service_code"},
        ),
        *_from_number(STAFF_FILING, "201", "$response.body#/tracking_number", open311=False),
        *_changes_of(STAFF_FILING, "201", "$response.body#/tracking_number", None),
        *_changes_of(STAFF_VIEW, "200", "$response.body#/tracking_number", "$response.body#/version"),
        Link(
            "first",
            QUEUE,
            "200",
            STAFF_VIEW,
            "The first request in the queue.",
            {"tracking_number": "$response.body#/requests/0/tracking_number"},
        ),
    ]
    for name, change in STAFF_CHANGES.items():
        status = "202" if name == "transfer" else "200"
        links.append(
            Link(
                "view",
                change,
                status,
                STAFF_VIEW,
                "The request as it is now.",
                {"tracking_number": "$response.body#/tracking_number"},
            )
        )
        links += _changes_of(change, status, "$response.body#/tracking_number", "$response.body#/version")
    return links


LINKS = _links()


def add_links(document: dict[str, Any], links: list[Link]) -> dict[str, Any]:
    """`document` with each link on its source's answer; a link whose operations are gone is an error."""
    paths = document["paths"]
    for link in links:
        method, path = link.source
        target_method, target_path = link.target
        answer = paths[path][method]["responses"][link.status]
        written: dict[str, Any] = {
            "operationId": paths[target_path][target_method]["operationId"],
            "description": link.description,
            "parameters": dict(link.parameters),
        }
        if link.request_body:
            written["requestBody"] = dict(link.request_body)
        answer.setdefault("links", {})[link.name] = written
    return document


def install(app: FastAPI) -> None:
    """Serve the links in /openapi.json; call after every router is included."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        return add_links(build(), LINKS)

    app.openapi = openapi  # type: ignore[method-assign]
