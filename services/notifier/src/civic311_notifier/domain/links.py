"""Signed links in residents' messages: unsubscribe and "not fixed".

A link carries what it acts on and an HMAC-SHA256 of it under the city's secret, so the endpoint can
act on it without a login and nobody can forge one for another request or address. The format (also
checked by the gateway for "not fixed"): base64url(JSON, sorted keys, no spaces) "." base64url(HMAC),
without padding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Literal

Action = Literal["unsubscribe", "not-fixed"]


class InvalidLink(ValueError):
    """The link was altered, cut short or signed with another key."""


@dataclass(frozen=True)
class LinkClaims:
    action: Action
    stream_id: str
    recipient: str
    channel: str
    event_id: str
    """The event whose message carried the link (for "not fixed": the Closed it answers)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: LinkClaims, secret: bytes) -> str:
    body = json.dumps(
        {
            "a": claims.action,
            "s": claims.stream_id,
            "r": claims.recipient,
            "c": claims.channel,
            "e": claims.event_id,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(secret, body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(mac)}"


def verify(token: str, secret: bytes, *, action: Action) -> LinkClaims:
    try:
        body_part, mac_part = token.split(".")
        body, mac = _unb64(body_part), _unb64(mac_part)
    except ValueError as error:
        raise InvalidLink("not a civic311 link") from error
    if not hmac.compare_digest(mac, hmac.new(secret, body, hashlib.sha256).digest()):
        raise InvalidLink("the link's signature does not match")
    raw = json.loads(body)
    if raw.get("a") != action:
        raise InvalidLink(f"not a {action} link")
    return LinkClaims(action, raw["s"], raw["r"], raw["c"], raw["e"])


def resident_ref(recipient: str, secret: bytes) -> str:
    """An opaque, stable reference to a resident for an event's actor: never their address itself."""
    mac = hmac.new(secret, b"resident:" + recipient.strip().lower().encode(), hashlib.sha256)
    return "resident-" + mac.hexdigest()[:20]
