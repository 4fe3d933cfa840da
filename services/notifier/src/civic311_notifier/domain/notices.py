"""What each event says to whom: the notices one event of a request gives rise to."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from civic311_backbone.contracts import Assigned, Closed, Envelope, FollowerAdded, SlaWarning, StatusUpdated
from civic311_notifier.domain.audience import Audience, ChannelName, Language

Kind = Literal[
    "received", "transferred", "reopened", "updated", "closed", "duplicate", "sla_warning", "webhook"
]

_MESSAGE_IDS = uuid.UUID("5b0c0f5e-0c3a-4a51-9a43-93d7f1c1a311")


@dataclass(frozen=True)
class Notice:
    """One notification to make: an event told to one recipient on one channel."""

    kind: Kind
    recipient: str
    """An e-mail address, a phone number, or a webhook subscription's id."""
    channel: ChannelName | Literal["webhook"]
    language: Language
    facts: Mapping[str, Any]
    """What the message says, as JSON values: tracking number, type, department, due time, notes."""


def message_key(event_id: str, recipient: str, channel: str) -> uuid.UUID:
    """The same (event, recipient, channel) always gets the same key: its Message-ID's left part."""
    return uuid.uuid5(_MESSAGE_IDS, f"{event_id}/{channel}/{recipient.lower()}")


def _kind(envelope: Envelope[Any], audience: Audience) -> Kind | None:
    match envelope.payload:
        case Assigned(reason="routing"):
            # The first e-mail waits for routing: it can then say who has it and by when.
            return "received"
        case Assigned(reason="transfer"):
            return "transferred"
        case Assigned(reason="reopen"):
            return "reopened"
        case StatusUpdated(public_note=note) if note:
            return "updated"
        case Closed(resolution="duplicate"):
            return "duplicate"
        case Closed():
            return "closed"
        case _:
            return None


def _facts(envelope: Envelope[Any], audience: Audience) -> dict[str, Any]:
    payload = envelope.payload
    facts: dict[str, Any] = {
        "tracking_number": audience.tracking_number,
        "service_code": audience.service_code,
        "department": audience.department,
        "due_at": audience.due_at.isoformat() if audience.due_at else None,
        "occurred_at": envelope.occurred_at.isoformat(),
        "stream_id": envelope.stream_id,
    }
    if isinstance(payload, StatusUpdated):
        facts |= {"status": payload.status, "note": payload.public_note}
    if isinstance(payload, Closed):
        facts |= {
            "resolution": payload.resolution,
            "note": payload.public_note,
            "duplicate_of": payload.duplicate_of,
            # "Not fixed?" only for a request that was worked and is not confidential.
            "may_reopen": payload.resolution == "resolved" and not audience.confidential,
        }
    return facts


def resident_notices(envelope: Envelope[Any], audience: Audience) -> list[Notice]:
    """What the request's reporter and followers hear of this event (the audience as of before it,
    with the event applied)."""
    if audience.tracking_number is None:
        return []
    kind = _kind(envelope, audience)
    if kind is None:
        return []
    facts = _facts(envelope, audience)
    notices = []
    for listener in audience.hearing():
        if kind == "duplicate" and listener.role == "follower":
            continue  # a duplicate's own closing is news to its reporter only
        own = {**facts, "role": listener.role, "may_reopen": facts.get("may_reopen", False)}
        own["name"] = listener.name
        if listener.role == "follower":
            own["may_reopen"] = False
        notices.append(Notice(kind, listener.address, listener.channel, listener.language, own))
    return notices


def follower_welcome(envelope: Envelope[Any], audience: Audience) -> list[Notice]:
    """A resident who chose to follow a request hears that they do, with its state so far."""
    payload = envelope.payload
    if not isinstance(payload, FollowerAdded) or payload.reason != "resident" or audience.closed:
        return []
    facts = {**_facts(envelope, audience), "role": "follower", "name": payload.contact.first_name}
    return [
        Notice("received", listener.address, listener.channel, listener.language, facts)
        for listener in audience.hearing()
        if listener.role == "follower"
        and listener.address.lower() in {(payload.contact.email or "").lower(), (payload.contact.phone or "")}
    ]


def supervisor_notices(
    envelope: Envelope[Any], audience: Audience, supervisors: Mapping[str, Sequence[str]]
) -> list[Notice]:
    """An SLA warning goes to the department's supervisors, never to residents."""
    payload = envelope.payload
    if not isinstance(payload, SlaWarning):
        return []
    facts = {
        "tracking_number": audience.tracking_number,
        "service_code": audience.service_code,
        "department": payload.department,
        "queue": payload.queue,
        "stage": payload.stage,
        "due_at": payload.due_at.isoformat(),
        "stream_id": envelope.stream_id,
        "occurred_at": envelope.occurred_at.isoformat(),
    }
    return [
        Notice("sla_warning", address, "email", "en", facts)
        for address in dict.fromkeys(a.strip().lower() for a in supervisors.get(payload.department, ()))
    ]
