"""The facts of a service request's life. Past tense, frozen, additive changes only.

Four core facts (RequestCreated, Assigned, StatusUpdated, Closed); one internal alarm (SlaWarning), which
is for supervisors and never shown on a resident's timeline; and a staff transfer's two steps
(TransferRequested by the desk, then routing's Assigned or TransferRefused): routing alone decides where a
request goes and by when. Dedup flags possible duplicates (DuplicateFlagged) and staff review them
(DuplicateReviewed); residents follow requests (FollowerAdded) and stop hearing of them (Unsubscribed).
An agent who answers a caller without filing a request logs it (InformationCallLogged), on the call's own
stream: a call resolved without a request. Staff attach a photo to a request, or hide one from the public
view (PhotoChanged).

Two marks in the JSON Schemas (and the AsyncAPI document) say what a public feed, map, page or API
answer must leave out:

- `x-personal-data: true`: a resident's personal data (their contact details). It travels to the services
  that need it (the notifier, the staff desk) and never into anything public, an export or a log line.
- `x-internal: true`: for staff only: on a field (internal notes, costs, the routing rule that matched, a
  transfer's reason), or on a whole event (SlaWarning). A public timeline shows the event without the
  field, or not at all.

A request whose `RequestCreated.confidential` is true (an ethics report, say) is left out of everything
public altogether.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from civic311_backbone.contracts.envelope import Payload

PERSONAL: JsonDict = {"x-personal-data": True}
"""A resident's personal data: never public, never in an export or a log line."""
INTERNAL: JsonDict = {"x-internal": True}
"""For staff only: never in a public feed, map, page or API answer."""
EXAMPLE_TRACKING_NUMBER = "7KQ-4MX28"
"""A tracking number that passes its check character, for the schemas' examples."""

Channel = Literal["web", "open311", "phone", "walk_in", "sms", "email", "staff", "import"]
Language = Literal["en", "es"]
Priority = Literal["emergency", "high", "normal", "low"]


class Location(BaseModel):
    """Where the problem is: coordinates, an address, or both."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lat: Annotated[float, Field(ge=-90, le=90)] | None = Field(
        default=None, description="Latitude (WGS 84).", examples=[42.3601]
    )
    long: Annotated[float, Field(ge=-180, le=180)] | None = Field(
        default=None, description="Longitude (WGS 84).", examples=[-71.0589]
    )
    address_string: str | None = Field(
        default=None, max_length=500, description="Address as given.", examples=["1 City Hall Sq"]
    )
    address_id: str | None = Field(
        default=None,
        max_length=100,
        description="Id of the address in the city's address database.",
    )
    geocoded: Literal["exact", "fuzzy", "intersection", "nearest"] | None = Field(
        default=None,
        description="How the point was found from the address in the city's address points (exact key, "
        "typo-tolerant street, the corner of two streets, the nearest listed house on the street); unset: "
        "the point, if any, is the one the resident gave.",
    )
    matched_address: str | None = Field(
        default=None, max_length=500, description="The address as the city's list writes the one geocoded."
    )
    unplaced: Literal["not_found", "ambiguous", "outside_city", "geocoder_error"] | None = Field(
        default=None,
        description="Why the address could not be placed: not in the city's addresses, more than one "
        "address fits, outside the city, or the geocoder failed; the request then goes to triage.",
    )


class Contact(BaseModel):
    """How to reach the resident who reported the problem. Personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=PERSONAL)

    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254, examples=["resident@example.org"])
    phone: str | None = Field(default=None, max_length=40, examples=["+1 617 555 0100"])


class Cost(BaseModel):
    """Effort and money spent on a request, as recorded by staff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    labour_hours: Decimal = Field(default=Decimal(0), ge=0, examples=["1.5"])
    materials: Decimal = Field(default=Decimal(0), ge=0, description="Materials, in `currency`.")
    currency: str = Field(default="USD", min_length=3, max_length=3)


class RequestCreated(Payload):
    """A resident's report was accepted and given a tracking number."""

    event_type = "RequestCreated"

    tracking_number: str = Field(
        description="Short code the resident quotes to follow the request.",
        examples=[EXAMPLE_TRACKING_NUMBER],
    )
    service_code: str = Field(description="Request type from the service catalogue.", examples=["POTHOLE"])
    description: str | None = Field(default=None, max_length=4000, examples=["Deep pothole by the bus stop"])
    location: Location
    attributes: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="Answers to the request type's questions, by attribute code.",
        examples=[{"SIZE": "large"}],
    )
    media_url: str | None = Field(default=None, max_length=2000, description="Link to a photo.")
    channel: Channel = Field(description="How the request came in.", examples=["web"])
    language: Language = Field(default="en", description="Language the resident wants to hear in.")
    contact: Contact | None = Field(default=None, json_schema_extra=PERSONAL)
    jurisdiction_id: str | None = Field(default=None, max_length=100)
    external_id: str | None = Field(
        default=None, max_length=100, description="Id in the system it came from (imports)."
    )
    confidential: bool = Field(
        default=False,
        description="The request's type is confidential (an ethics report, say): never shown on a public "
        "map, feed or page. Set from the catalogue when the request is filed.",
    )


class Assigned(Payload):
    """The request was given to a department and queue, with a due time. A transfer is a new Assigned."""

    event_type = "Assigned"

    department: str = Field(examples=["Public Works"])
    queue: str = Field(examples=["PWD-Streets-North"])
    priority: Priority = Field(default="normal")
    due_at: datetime | None = Field(default=None, description="SLA due time (UTC); none if untimed.")
    district: str | None = Field(default=None, examples=["North"])
    rule: str | None = Field(
        default=None,
        description="Routing rule that matched, so a supervisor can see why. Internal.",
        examples=["default-by-type"],
        json_schema_extra=INTERNAL,
    )
    reason: Literal["routing", "transfer", "reopen", "import"] = Field(
        default="routing",
        description="routing: a new request; transfer: staff moved it; reopen: a reopened request routed "
        "again; import: from a city's historical export.",
    )
    clock: Literal["started", "restarted", "continued"] = Field(
        default="started", description="What the SLA clock did with this assignment."
    )
    note: str | None = Field(
        default=None,
        max_length=4000,
        description="Why it was transferred (the TransferRequested's note). Internal.",
        json_schema_extra=INTERNAL,
    )


class TransferRequested(Payload):
    """Staff asked for the request to move to another department or queue. Routing decides: it appends
    the Assigned that moves it (with the due time the type's transfer clock gives), or a TransferRefused."""

    event_type = "TransferRequested"

    department: str = Field(description="Department asked for.", examples=["Transportation"])
    queue: str | None = Field(
        default=None,
        description="Queue asked for; none: the department's queue for the request's type.",
        examples=["BTD-Signals"],
    )
    note: str | None = Field(
        default=None,
        max_length=4000,
        description="Why it is transferred. Internal.",
        json_schema_extra=INTERNAL,
    )


class TransferRefused(Payload):
    """Routing could not accept a requested transfer; the request stays where it was."""

    event_type = "TransferRefused"

    department: str = Field(description="Department that was asked for.", examples=["Parks"])
    queue: str | None = Field(default=None, description="Queue that was asked for, if any.")
    reason: str = Field(
        description="Why routing refused it.", examples=["not a department of this city: 'Parks'"]
    )


class StatusUpdated(Payload):
    """Staff changed the status of an open request, or added a note or cost."""

    event_type = "StatusUpdated"

    status: Literal["acknowledged", "in_progress", "on_hold", "reopened"] = Field(examples=["in_progress"])
    public_note: str | None = Field(default=None, max_length=4000, description="Shown to the resident.")
    internal_note: str | None = Field(
        default=None, max_length=4000, description="Staff only.", json_schema_extra=INTERNAL
    )
    cost: Cost | None = Field(
        default=None, description="Effort and money spent. Internal.", json_schema_extra=INTERNAL
    )


class Closed(Payload):
    """The request is finished: resolved, found to be a duplicate, or otherwise ended."""

    event_type = "Closed"

    resolution: Literal["resolved", "duplicate", "not_actionable", "referred", "withdrawn"] = Field(
        examples=["resolved"]
    )
    duplicate_of: str | None = Field(
        default=None,
        description="Tracking number of the original, when resolution is duplicate.",
        examples=[EXAMPLE_TRACKING_NUMBER],
    )
    public_note: str | None = Field(default=None, max_length=4000, description="Shown to the resident.")
    internal_note: str | None = Field(
        default=None, max_length=4000, description="Staff only.", json_schema_extra=INTERNAL
    )
    cost: Cost | None = Field(
        default=None, description="Effort and money spent. Internal.", json_schema_extra=INTERNAL
    )


class SlaWarning(Payload):
    """Internal: an open request is about to breach its SLA, or has; for supervisors, never residents."""

    model_config = ConfigDict(json_schema_extra=INTERNAL)

    # Never on a resident's timeline, page or e-mail. Routing appends it to the request's stream at most
    # once per due time and stage; a new due time (a transfer that restarted the clock) gets its own.

    event_type = "SlaWarning"

    stage: Literal["approaching", "breached"] = Field(
        description="approaching: the due time is less than `lead` away; breached: it has passed.",
        examples=["approaching"],
    )
    due_at: datetime = Field(description="The SLA due time (UTC) this warning is about.")
    department: str = Field(description="Department the request is assigned to.", examples=["Public Works"])
    queue: str = Field(description="Queue the request is assigned to.", examples=["PWD-Streets-North"])
    lead: timedelta | None = Field(
        default=None,
        description="How long before the due time an approaching warning is given (ISO 8601 duration); "
        "none at breach.",
        examples=["PT4H"],
    )


class DuplicateFlagged(Payload):
    """Dedup found an open request that may be the same problem, but is not sure: staff decide."""

    event_type = "DuplicateFlagged"

    original: str = Field(
        description="Tracking number of the request this one may duplicate.",
        examples=[EXAMPLE_TRACKING_NUMBER],
    )
    score: float = Field(
        ge=0, le=1, description="How alike the two are (1: surely the same).", examples=[0.72]
    )
    distance_m: float | None = Field(
        default=None,
        ge=0,
        description="Metres between the two places; none when matched by address.",
        examples=[18.5],
    )
    reasons: tuple[str, ...] = Field(
        default=(),
        description="What the score is made of, for the reviewer.",
        examples=[["same type", "18 m apart"]],
    )


class DuplicateReviewed(Payload):
    """Staff decided whether this request duplicates another: a flagged pair confirmed or rejected, or two
    requests linked or unlinked by hand. A link also closes this request (Closed, resolution duplicate);
    an unlink reopens it (StatusUpdated reopened), and routing routes it again."""

    event_type = "DuplicateReviewed"

    original: str = Field(
        description="Tracking number of the other request.", examples=[EXAMPLE_TRACKING_NUMBER]
    )
    decision: Literal["confirmed", "rejected", "linked", "unlinked"] = Field(examples=["confirmed"])
    reason: str | None = Field(
        default=None, max_length=4000, description="Why, in the reviewer's words.", json_schema_extra=INTERNAL
    )


class FollowerAdded(Payload):
    """A resident follows this request: they hear of its public changes like its reporter (a duplicate's
    reporter, linked by dedup or staff, or a resident who chose to follow it)."""

    event_type = "FollowerAdded"

    contact: Contact = Field(json_schema_extra=PERSONAL)
    language: Language = Field(default="en", description="Language the follower wants to hear in.")
    reason: Literal["duplicate", "resident"] = Field(examples=["duplicate"])
    via_tracking_number: str | None = Field(
        default=None,
        description="The follower's own request, when they follow because theirs duplicates this one.",
        examples=[EXAMPLE_TRACKING_NUMBER],
    )


class Unsubscribed(Payload):
    """A recipient asked to hear no more: about this request, or about every request (scope all)."""

    event_type = "Unsubscribed"

    recipient: str = Field(
        max_length=254, description="The e-mail address or phone number.", json_schema_extra=PERSONAL
    )
    channel: Literal["email", "sms"] = Field(examples=["email"])
    scope: Literal["request", "all"] = Field(default="request", examples=["request"])


CALL_STREAM_PREFIX = "call-"
"""The stream of one information call is `call-<call id>`: not a request's stream."""


class InformationCallLogged(Payload):
    """An agent answered a caller (or a visitor) and no request was filed: a call resolved without a
    request. Its own stream per call (`call-<uuid>`); the agent is the envelope's actor. Nothing of the
    caller is kept (nothing is asked). It names what the call was about: the answer read out (slug and
    language), a request type of the catalogue, a short free topic, or several of these."""

    event_type = "InformationCallLogged"

    answer_slug: str | None = Field(
        default=None,
        max_length=80,
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        description="The knowledge base article given as the answer.",
        examples=["holiday-collection"],
    )
    answer_language: Language | None = Field(
        default=None,
        description="The language of the article read out (with `answer_slug`).",
        examples=["en"],
    )
    service_code: str | None = Field(
        default=None,
        max_length=100,
        description="The request type the call was about (the catalogue's code): a call about a missed "
        "collection that the holiday schedule answered names MISSED_TRASH.",
        examples=["MISSED_TRASH"],
    )
    topic: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="What the call was about, in the agent's words, when no request type fits.",
        examples=["bus timetable"],
    )
    channel: Literal["phone", "walk_in"] = Field(
        description="How the caller reached the agent.", examples=["phone"]
    )

    @model_validator(mode="after")
    def _names_what_it_was_about(self) -> InformationCallLogged:
        if (self.answer_slug is None) != (self.answer_language is None):
            raise ValueError("answer_slug and answer_language go together")
        if self.answer_slug is None and self.service_code is None and self.topic is None:
            raise ValueError("name the answer given, the request type or the topic")
        return self


class PhotoChanged(Payload):
    """Staff changed a request's photos: attached one (a caller's, a crew's), or hid one from the public view
    (a face, a number plate). A hidden photo leaves the public pages, Open311's media_url and its public link;
    staff still see it. The staff member is the envelope's actor."""

    event_type = "PhotoChanged"

    change: Literal["attached", "hidden"] = Field(examples=["hidden"])
    media_url: str = Field(
        min_length=1,
        max_length=2000,
        description="The photo, by the link the request names it: the RequestCreated's media_url or an "
        "attached photo's.",
        examples=["https://311.city.example.org/photos/5f0c8a4e9b2d4c1e8f7a6b5c4d3e2f10.jpg"],
    )
    reason: str | None = Field(
        default=None,
        max_length=4000,
        description="Why it was hidden, in the staff member's words (required to hide). Internal.",
        examples=["a face is recognisable"],
        json_schema_extra=INTERNAL,
    )

    @model_validator(mode="after")
    def _hidden_says_why(self) -> PhotoChanged:
        if self.change == "hidden" and not (self.reason and self.reason.strip()):
            raise ValueError("say why the photo is hidden")
        return self


CORE_EVENTS: tuple[type[Payload], ...] = (
    RequestCreated,
    Assigned,
    StatusUpdated,
    Closed,
    SlaWarning,
    TransferRequested,
    TransferRefused,
    DuplicateFlagged,
    DuplicateReviewed,
    FollowerAdded,
    Unsubscribed,
    InformationCallLogged,
    PhotoChanged,
)
"""Every event type civic311 publishes: the four core facts, the supervisors' SLA warning, a staff
transfer's request and refusal, dedup's flags and staff's reviews, followers and unsubscriptions,
the information calls agents answer without a request, and staff's changes to a request's photos."""
