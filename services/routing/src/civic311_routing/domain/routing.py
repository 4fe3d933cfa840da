"""The routing decision: from a new request to the Assigned that gives it a department, queue and due time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from civic311_backbone.contracts import Actor, Assigned, Envelope, RequestCreated
from civic311_city.calendar import NEXT_DAY_AT, BusinessCalendar, due_at
from civic311_city.catalogue import Catalogue, RequestType
from civic311_city.districts import Districts
from civic311_routing.domain.rules import Rule, first_match

DEFAULT_RULE = "default-by-type"
UNKNOWN_TYPE_RULE = "unknown-service-code"
OUTSIDE = "outside-every-district"
UNPLACED = "address-not-placed"
ROUTING = Actor(kind="service", id="routing")


def answer_event_id(cause: Envelope[Any]) -> UUID:
    """The id of routing's answer to an event (the Assigned of a new request, the Assigned or
    TransferRefused of a transfer): the same cause always yields the same id, so a redelivery stores
    nothing new."""
    return uuid5(NAMESPACE_URL, f"{cause.event_id}/routing")


@dataclass(frozen=True)
class Triage:
    """Where a request of a type the catalogue does not know goes: people look at it."""

    department: str = "Constituent Services"
    queue: str = "CS-Triage"


@dataclass(frozen=True)
class Router:
    catalogue: Catalogue
    rules: Sequence[Rule]
    districts: Districts
    calendar: BusinessCalendar
    triage: Triage = Triage()

    def assign(self, request: RequestCreated, *, created_at: datetime) -> Assigned:
        """Decide who handles a new request, how urgently, and by when."""
        district = self.districts.containing(request.location.lat, request.location.long)
        request_type = self.catalogue.get(request.service_code)
        if request_type is None:
            return Assigned(
                department=self.triage.department,
                queue=self.triage.queue,
                district=district,
                rule=UNKNOWN_TYPE_RULE,
            )
        rule = first_match(
            self.rules,
            service_code=request.service_code,
            district=district,
            description=request.description or "",
            answers=request.attributes,
        )
        queue = home_queue(request_type, district)
        rule_name = rule.name if rule is not None else DEFAULT_RULE
        department = (rule and rule.department) or request_type.department
        queue = (rule and rule.queue) or queue
        unplaced = request.location.unplaced
        if unplaced is not None and district is None:
            # An address the geocoder could not place: people who read addresses place it first.
            department, queue = self.triage.department, self.triage.queue
            rule_name = f"{rule_name}; {UNPLACED}: {unplaced.replace('_', ' ')}"
        elif request_type.queue_by_district and district is None and (rule is None or rule.queue is None):
            rule_name = f"{rule_name}; {OUTSIDE}: central queue"
        return Assigned(
            department=department,
            queue=queue,
            priority=(rule and rule.priority) or request_type.priority,
            due_at=self.due(request_type, created_at),
            district=district,
            rule=rule_name,
        )

    def due(self, request_type: RequestType, start: datetime) -> datetime | None:
        """When a request of this type started at `start` is due; None for an untimed type."""
        sla = request_type.sla
        if sla is None:
            return None
        return due_at(
            self.calendar,
            start,
            sla.kind,
            sla.amount,
            out_of_hours=sla.out_of_hours,
            cutoff=sla.cutoff,
            next_day_at=sla.next_day_at or NEXT_DAY_AT,
            holidays=sla.holidays,
        )


def home_queue(request_type: RequestType, district: str | None) -> str:
    """The type's own queue: its district crew's for a queue_by_district type in a district."""
    if request_type.queue_by_district and district is not None:
        return f"{request_type.queue}-{district}"
    return request_type.queue
