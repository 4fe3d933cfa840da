"""The links in residents' e-mails that come back to the gateway, and what each may do.

The notifier signs them (docs/services/notifier.md, "Signed links"): base64url(JSON with sorted keys
`a`, `s`, `r`, `c`, `e`) "." base64url(HMAC-SHA256 of that JSON), no padding, under
RESIDENT_LINK_SECRET. Services share no code but the backbone, so the gateway checks the same format
here; a test signs with the notifier's code and checks with this one.

"Not fixed" answers one Closed event: the reopening's event id is derived from it, so the same link
used twice (a double click, a mail scanner, a second tab) stores one reopening, and a link from an
older closing no longer applies once the request was reopened and closed again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID, uuid5

from civic311_backbone.contracts import (
    Closed,
    Contact,
    Envelope,
    FollowerAdded,
    RequestCreated,
    StatusUpdated,
    Unsubscribed,
)

Channel = Literal["email", "sms"]
NOT_FIXED_NOTE = "The resident says it is not fixed"
_NAMESPACE = UUID("5b0e3c1e-3f7c-4d69-9f55-2d1c0e1b7a11")


class InvalidLink(ValueError):
    """The link was altered, cut short, signed with another key, or is for another action."""


@dataclass(frozen=True)
class LinkClaims:
    action: str
    stream_id: str
    recipient: str
    channel: str
    event_id: str


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(token: str, secret: bytes, *, action: str) -> LinkClaims:
    try:
        body_part, mac_part = token.split(".")
        body, mac = _unb64(body_part), _unb64(mac_part)
    except (ValueError, binascii.Error) as error:
        raise InvalidLink("this is not a link from our e-mails") from error
    if not hmac.compare_digest(mac, hmac.new(secret, body, hashlib.sha256).digest()):
        raise InvalidLink("the link was changed or cut short")
    try:
        raw = json.loads(body)
        claims = LinkClaims(raw["a"], raw["s"], raw["r"], raw["c"], raw["e"])
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidLink("the link was changed or cut short") from error
    if claims.action != action:
        raise InvalidLink(f"this is not a {action} link")
    return claims


def resident_ref(recipient: str, secret: bytes) -> str:
    """The notifier's opaque reference to a resident (the event's actor), never their address."""
    mac = hmac.new(secret, b"resident:" + recipient.strip().lower().encode(), hashlib.sha256)
    return "resident-" + mac.hexdigest()[:20]


def reopening_id(closed_event_id: str) -> UUID:
    """The one reopening a "not fixed" link may make: derived from the Closed event it answers."""
    return uuid5(_NAMESPACE, f"not-fixed:{closed_event_id}")


Verdict = Literal["reopen", "used", "outdated", "not_resolved", "too_many", "confidential"]


@dataclass(frozen=True)
class NotFixedRule:
    per_request: int
    """Reopenings by residents a request may have within `window`."""
    window: timedelta


def judge_not_fixed(
    events: Sequence[Envelope[Any]], claims: LinkClaims, *, rule: NotFixedRule, now: datetime
) -> Verdict:
    """What a "not fixed" link may do to the request whose events these are."""
    created = events[0].payload if events else None
    if not isinstance(created, RequestCreated) or created.confidential:
        return "confidential"  # told apart from an unknown request by nobody outside
    answer = reopening_id(claims.event_id)
    if any(e.event_id == answer for e in events):
        return "used"
    closings = [e for e in events if isinstance(e.payload, Closed)]
    if not closings or str(closings[-1].event_id) != claims.event_id or not _closed_now(events):
        return "outdated"
    closing = closings[-1].payload
    if not isinstance(closing, Closed) or closing.resolution != "resolved":
        return "not_resolved"
    since = now - rule.window
    recent = [
        e
        for e in events
        if isinstance(e.payload, StatusUpdated)
        and e.payload.status == "reopened"
        and e.actor.kind == "resident"
        and e.occurred_at >= since
    ]
    return "too_many" if len(recent) >= rule.per_request else "reopen"


def _closed_now(events: Sequence[Envelope[Any]]) -> bool:
    for event in reversed(events):
        if isinstance(event.payload, Closed):
            return True
        if isinstance(event.payload, StatusUpdated):
            return False
    return False


def already_hearing(events: Sequence[Envelope[Any]], address: str, channel: Channel = "email") -> bool:
    """Whether this address (an e-mail, or a phone number for texts) hears of the request already: its
    reporter, or a follower still listening."""
    wanted, hearing = address.strip().lower(), False

    def same(contact: Contact | None) -> bool:
        mine = None if contact is None else (contact.email if channel == "email" else contact.phone)
        return mine is not None and mine.strip().lower() == wanted

    for event in events:
        match event.payload:
            case RequestCreated(contact=contact):
                hearing = same(contact) and (channel == "email" or event.payload.channel == "sms")
            case FollowerAdded(contact=contact) if same(contact):
                hearing = True
            case Unsubscribed(recipient=recipient, channel=unsubscribed) if (
                unsubscribed == channel and recipient.strip().lower() == wanted
            ):
                hearing = False
            case _:
                pass
    return hearing
