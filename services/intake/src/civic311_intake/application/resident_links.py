"""What residents do from the links and forms of their e-mails and the tracking page: say a closed
request is not fixed (it reopens, and routing routes it again), or follow a request by e-mail.

Both load the request's stream, let the domain decide (domain.resident_links) and append one event
with the version read as the expected version; a concurrent change is decided again on the new
stream, never merged blindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid5

from civic311_backbone.contracts import (
    Actor,
    Contact,
    Envelope,
    FollowerAdded,
    RequestCreated,
    StatusUpdated,
    from_record,
    new_event,
    utc_now,
)
from civic311_backbone.contracts.events import Language
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore, WrongExpectedVersion
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.resident_links import (
    NOT_FIXED_NOTE,
    Channel,
    LinkClaims,
    NotFixedRule,
    Verdict,
    already_hearing,
    judge_not_fixed,
    reopening_id,
    resident_ref,
)

_FOLLOW_NAMESPACE = UUID("0f6a3a52-8d0e-4b8e-a7f4-3c2b8f9e6d21")
_TRIES = 3


@dataclass(frozen=True)
class NotFixedOutcome:
    verdict: Verdict
    tracking_number: str | None


async def _events(store: EventStore, stream_id: str) -> list[Envelope[Any]]:
    return [from_record(r) for r in await store.read_stream(stream_id)]


async def say_not_fixed(
    store: EventStore, claims: LinkClaims, *, secret: bytes, rule: NotFixedRule, now: datetime | None = None
) -> NotFixedOutcome:
    """Reopen the request the link's closing e-mail was about, once; or say why not."""
    for _ in range(_TRIES):
        events = await _events(store, claims.stream_id)
        tracking = _tracking_number(events)
        verdict = judge_not_fixed(events, claims, rule=rule, now=now or utc_now())
        if verdict != "reopen":
            return NotFixedOutcome(verdict, tracking)
        reopening = StatusUpdated(status="reopened", public_note=NOT_FIXED_NOTE)
        actor = Actor(kind="resident", id=resident_ref(claims.recipient, secret))
        event = new_event(
            reopening, actor=actor, causation=events[-1], event_id=reopening_id(claims.event_id)
        )
        try:
            await store.append(claims.stream_id, [event], expected_version=len(events))
        except WrongExpectedVersion:
            continue  # something happened meanwhile: judge the link again on the new stream
        return NotFixedOutcome("reopen", tracking)
    raise WrongExpectedVersion(claims.stream_id, None, None)


def _tracking_number(events: list[Envelope[Any]]) -> str | None:
    first = events[0].payload if events else None
    return getattr(first, "tracking_number", None)


FollowVerdict = Literal["followed", "already", "unknown"]
"""unknown: no such request, or a confidential one (unknown to the public)."""


async def follow(
    store: EventStore,
    catalogue: Catalogue,
    tracking_number: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    language: Language,
) -> FollowVerdict:
    """The address (an e-mail, or a phone number for texts) follows the request: FollowerAdded(reason
    resident) unless it hears of it already."""
    channel: Channel = "email" if email else "sms"
    address = (email or phone or "").strip()
    stream_id = stream_id_for(tracking_number)
    for _ in range(_TRIES):
        events = await _events(store, stream_id)
        created = events[0].payload if events else None
        if not isinstance(created, RequestCreated) or created.confidential:
            return "unknown"
        request_type = catalogue.get(created.service_code)
        if request_type is None or request_type.confidential:
            return "unknown"
        if already_hearing(events, address, channel):
            return "already"
        contact = Contact(email=address) if channel == "email" else Contact(phone=address)
        added = FollowerAdded(contact=contact, language=language, reason="resident")
        # Derived from the address and the stream as read: a form sent twice stores one follower.
        event_id = uuid5(_FOLLOW_NAMESPACE, f"{stream_id}:{address.lower()}:{len(events)}")
        actor = Actor(kind="resident", id=f"resident-web-{event_id.hex[:12]}")
        try:
            await store.append(
                stream_id, [new_event(added, actor=actor, event_id=event_id)], expected_version=len(events)
            )
        except WrongExpectedVersion:
            continue
        return "followed"
    raise WrongExpectedVersion(stream_id, None, None)
