"""Service requests as Open311 GeoReport v2 writes them, made from the public view only.

Nothing here can carry personal data: every answer is built from a `PublicRequest`, which never holds
the reporter's contact, internal notes or costs.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from civic311_city.catalogue import RequestType
from civic311_intake.domain.public_view import PublicRequest, TimelineEntry


class Note(BaseModel):
    """One entry of a request's public timeline (extension `notes`)."""

    datetime: dt.datetime = Field(description="When it happened (ISO 8601, UTC).")
    type: Literal["created", "assigned", "status", "closed"]
    status: str = Field(description="received, assigned, acknowledged, in_progress, …, resolved, duplicate")
    description: str | None = Field(description="The note staff wrote for the public, if any.")
    agency_responsible: str | None = Field(description="The department, when the request was assigned.")


class ExtendedAttributes(BaseModel):
    """The common extension, given with `extensions=true`."""

    channel: str = Field(description="How the request came in: web, open311, phone, sms, email, …")
    duplicate: str | None = Field(description="service_request_id of the original, if this is a duplicate.")
    parent_service_request_id: str | None = Field(
        description="The request this one was split from; civic311 does not split requests, so always null."
    )
    notes: list[Note]


class ServiceRequest(BaseModel):
    """One request as GET requests and GET a request answer it."""

    service_request_id: str = Field(description="The tracking number.", examples=["7KQ-4MX28"])
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="The latest note for the public, if any.")
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None = Field(description="The department working on it.")
    service_notice: str | None
    requested_datetime: dt.datetime
    updated_datetime: dt.datetime
    expected_datetime: dt.datetime | None = Field(description="When it is due (the service level target).")
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    extended_attributes: ExtendedAttributes | None = Field(
        default=None, description="Only with extensions=true."
    )


class PostedRequest(BaseModel):
    """The answer to POST requests: the tracking number at once, so no token is needed."""

    service_request_id: str = Field(examples=["7KQ-4MX28"])
    service_notice: str | None
    account_id: str | None


class TokenAnswer(BaseModel):
    """GET tokens/{token}: the request a token stands for (a tracking number is its own token)."""

    service_request_id: str
    token: str


def posted_request(tracking_number: str) -> PostedRequest:
    notice = f"Quote tracking number {tracking_number} to follow this request."
    return PostedRequest(service_request_id=tracking_number, service_notice=notice, account_id=None)


def service_request(
    view: PublicRequest, request_type: RequestType | None, *, extensions: bool
) -> ServiceRequest:
    notes = [note for note in (entry.note for entry in view.timeline) if note]
    return ServiceRequest(
        service_request_id=view.tracking_number,
        status=view.status,
        status_notes=notes[-1] if notes else None,
        service_name=request_type.name if request_type is not None else view.service_code,
        service_code=view.service_code,
        description=view.description,
        agency_responsible=view.department,
        service_notice=None,
        requested_datetime=view.requested_at,
        updated_datetime=view.updated_at,
        expected_datetime=view.due_at,
        address=view.address,
        address_id=view.address_id,
        zipcode=None,
        lat=view.lat,
        long=view.long,
        media_url=view.media_url,
        extended_attributes=_extended(view) if extensions else None,
    )


def _extended(view: PublicRequest) -> ExtendedAttributes:
    return ExtendedAttributes(
        channel=view.channel,
        duplicate=view.duplicate_of,
        parent_service_request_id=None,
        notes=[_note(entry) for entry in view.timeline],
    )


def _note(entry: TimelineEntry) -> Note:
    return Note(
        datetime=entry.at,
        type=entry.kind,
        status=entry.status,
        description=entry.note,
        agency_responsible=entry.department,
    )
