"""Who hears of a request's changes: a fold of its events into what the notifier needs to know."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from civic311_backbone.contracts import (
    Assigned,
    Closed,
    Envelope,
    FollowerAdded,
    RequestCreated,
    StatusUpdated,
    Unsubscribed,
)

Language = Literal["en", "es"]
ChannelName = Literal["email", "sms"]


@dataclass(frozen=True)
class Listener:
    """A resident who hears of the request: its reporter or a follower, on one channel."""

    address: str
    channel: ChannelName
    language: Language
    role: Literal["reporter", "follower"]
    name: str | None = None


@dataclass(frozen=True)
class Audience:
    """A request as the notifier sees it, after some of its events."""

    tracking_number: str | None = None
    service_code: str | None = None
    language: Language = "en"
    confidential: bool = False
    filed_by_text: bool = False
    listeners: tuple[Listener, ...] = ()
    silenced: frozenset[tuple[str, ChannelName]] = field(default_factory=frozenset)
    """(address, channel) that unsubscribed from this request (or from every request)."""
    department: str | None = None
    due_at: datetime | None = None
    assignments: int = 0
    closed: bool = False
    closed_event: str | None = None

    def hearing(self) -> tuple[Listener, ...]:
        """The listeners still to be told, once each."""
        seen: set[tuple[str, ChannelName]] = set()
        kept: list[Listener] = []
        for listener in self.listeners:
            key = (listener.address.lower(), listener.channel)
            if key in seen or key in self.silenced:
                continue
            seen.add(key)
            kept.append(listener)
        return tuple(kept)


def _listeners(
    contact_email: str | None,
    contact_phone: str | None,
    *,
    language: Language,
    role: Literal["reporter", "follower"],
    texts: bool,
    name: str | None,
) -> list[Listener]:
    found = []
    if contact_email:
        found.append(Listener(contact_email.strip(), "email", language, role, name))
    if contact_phone and texts:
        found.append(Listener(contact_phone.strip(), "sms", language, role, name))
    return found


def apply(audience: Audience, envelope: Envelope[Any]) -> Audience:
    """The audience after one more event of the request."""
    match envelope.payload:
        case RequestCreated() as created:
            contact = created.contact
            texts = created.channel == "sms"
            if created.channel == "import":  # a historical case: its resident is not told today
                contact = None
            return replace(
                audience,
                tracking_number=created.tracking_number,
                service_code=created.service_code,
                language=created.language,
                confidential=created.confidential,
                filed_by_text=texts,
                listeners=tuple(
                    _listeners(
                        contact.email if contact else None,
                        contact.phone if contact else None,
                        language=created.language,
                        role="reporter",
                        texts=texts,
                        name=contact.first_name if contact else None,
                    )
                ),
            )
        case FollowerAdded() as added:
            more = _listeners(
                added.contact.email,
                added.contact.phone,
                language=added.language,
                role="follower",
                # One who chose to follow with a phone asked for texts; a duplicate's reporter gets
                # them when a phone is all they gave.
                texts=added.reason == "resident" or added.contact.email is None,
                name=added.contact.first_name,
            )
            # Following again after unsubscribing is a new choice: it lifts the silence.
            lifted = {(x.address.lower(), x.channel) for x in more}
            return replace(
                audience,
                listeners=(*audience.listeners, *more),
                silenced=frozenset(audience.silenced - lifted),
            )
        case Unsubscribed() as gone:
            key = (gone.recipient.strip().lower(), gone.channel)
            return replace(audience, silenced=audience.silenced | {key})
        case Assigned() as assigned:
            return replace(
                audience,
                department=assigned.department,
                due_at=assigned.due_at,
                assignments=audience.assignments + 1,
                closed=False,
            )
        case StatusUpdated() as updated if updated.status == "reopened":
            return replace(audience, closed=False)
        case Closed():
            return replace(audience, closed=True, closed_event=str(envelope.event_id))
        case _:
            return audience


def fold(events: Iterable[Envelope[Any]]) -> Audience:
    audience = Audience()
    for envelope in events:
        audience = apply(audience, envelope)
    return audience
