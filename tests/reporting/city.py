"""A small city's requests, stored as events dated in the past, for the dashboard and report API tests."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from civic311_backbone.contracts import Actor, Assigned, Closed, Location, RequestCreated, new_event
from civic311_backbone.contracts.events import Channel, Cost
from civic311_backbone.store import EventStore, NewEvent
from civic311_backbone.testing.factories import RESIDENT, new_stream_id

ROUTING = Actor(kind="service", id="routing")
STAFF = Actor(kind="staff", id="staff-test")
NOW = datetime.now(UTC)  # the reporting process judges as of its own clock; a test lasts seconds
DISTRICT_POINTS = {
    "North": (42.37, -71.11),
    "East": (42.37, -71.03),
    "South": (42.32, -71.03),
    "West": (42.32, -71.11),
}


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass(frozen=True)
class Request:
    department: str
    code: str = "POTHOLE"
    created: float = 5  # days ago
    due_after: float | None = 2  # days after creation
    closed: float | None = None  # days ago
    resolution: str = "resolved"
    district: str | None = "North"
    channel: Channel = "web"
    place: tuple[float, float] | None = None
    labour_hours: float = 0
    materials: float = 0


def _dated(event: NewEvent, when: datetime) -> NewEvent:
    return dataclasses.replace(event, occurred_at=when)


def events_of(request: Request) -> list[NewEvent]:
    created_at = days_ago(request.created)
    lat, long = request.place or DISTRICT_POINTS.get(request.district or "", (42.36, -71.06))
    created = RequestCreated(
        tracking_number=uuid4().hex[:8].upper(),
        service_code=request.code,
        location=Location(lat=lat, long=long),
        channel=request.channel,
    )
    due_at = None if request.due_after is None else created_at + timedelta(days=request.due_after)
    assigned = Assigned(
        department=request.department,
        queue=f"{request.department} queue",
        due_at=due_at,
        district=request.district,
    )
    events = [
        _dated(new_event(created, actor=RESIDENT), created_at),
        _dated(new_event(assigned, actor=ROUTING), created_at + timedelta(minutes=2)),
    ]
    if request.closed is not None:
        cost = None
        if request.labour_hours or request.materials:
            cost = Cost(
                labour_hours=Decimal(str(request.labour_hours)), materials=Decimal(str(request.materials))
            )
        closed = Closed(resolution=request.resolution, cost=cost)
        events.append(_dated(new_event(closed, actor=STAFF), days_ago(request.closed)))
    return events


@dataclass(frozen=True)
class Stored:
    streams: list[str]  # in the order of the requests
    position: int  # global position of the last event stored


async def store_requests(store: EventStore, requests: list[Request]) -> Stored:
    """Each request as its own stream."""
    streams, position = [], 0
    for request in requests:
        stream = new_stream_id()
        result = await store.append(stream, events_of(request), expected_version=0)
        streams.append(stream)
        position = result.global_position
    return Stored(streams, position)


DEPARTMENTS = {
    "Public Works": ("POTHOLE", "STREETLIGHT", "SIDEWALK_REPAIR", "ILLEGAL_DUMPING"),
    "Parks": ("TREE_DAMAGE", "PARK_MAINTENANCE"),
    "Transportation": ("SIGNAL_OUT", "ABANDONED_VEHICLE"),
    "Sanitation": ("MISSED_TRASH", "RODENTS"),
    "Inspectional Services": ("BUILDING_COMPLAINT",),
}
CHANNELS: tuple[Channel, ...] = ("web", "web", "phone", "phone", "open311", "sms", "email", "walk_in")


def a_busy_city(seed: int = 311, count: int = 160) -> list[Request]:
    """Several departments, types, districts and weeks; some late, some overdue, some duplicates."""
    rng = random.Random(seed)
    requests = []
    for _ in range(count):
        department = rng.choice(list(DEPARTMENTS))
        district = rng.choice(list(DISTRICT_POINTS))
        lat, long = DISTRICT_POINTS[district]
        created = rng.uniform(0.2, 60)
        due_after = rng.choice((1, 2, 3, 5, 10, None))
        closed_after = rng.expovariate(1 / 4)
        closed = created - closed_after if closed_after < created and rng.random() < 0.85 else None
        requests.append(
            Request(
                department=department,
                code=rng.choice(DEPARTMENTS[department]),
                created=created,
                due_after=due_after,
                closed=closed,
                resolution="duplicate" if closed is not None and rng.random() < 0.06 else "resolved",
                district=district,
                channel=rng.choice(CHANNELS),
                place=(lat + rng.gauss(0, 0.012), long + rng.gauss(0, 0.015)),
                labour_hours=round(rng.uniform(0.5, 6), 1) if closed is not None else 0,
                materials=round(rng.uniform(0, 250), 2) if closed is not None and rng.random() < 0.5 else 0,
            )
        )
    return requests
