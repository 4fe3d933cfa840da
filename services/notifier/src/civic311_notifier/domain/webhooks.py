"""Webhooks for other systems: who gets which event, what it carries, how it is signed and retried.

Signing and retries follow the Standard Webhooks convention (standardwebhooks.com): the headers
`webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
keyed by the secret's bytes (`whsec_` + base64); attempts at once, then after 5 s, 5 min, 30 min, 2 h,
5 h, 10 h, 10 h, each with jitter, a receiver's `Retry-After` taking precedence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

STANDARD_SCHEDULE: tuple[float, ...] = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
"""Seconds to wait after each failed attempt (the first attempt is at once)."""

LONGEST_RETRY_AFTER = 36000.0
"""A receiver's Retry-After longer than this is taken as this (a typo must not park it for a year)."""

SUBSCRIBABLE = frozenset({"RequestCreated", "Assigned", "StatusUpdated", "Closed", "SlaWarning"})


@dataclass(frozen=True)
class Subscription:
    id: str
    url: str
    event_types: frozenset[str]
    departments: frozenset[str] = frozenset()
    service_codes: frozenset[str] = frozenset()
    personal_data: bool = False
    confidential: bool = False

    def wants(
        self, event_type: str, *, department: str | None, service_code: str | None, confidential: bool
    ) -> bool:
        """Whether an event of this request goes to this subscription."""
        if event_type not in self.event_types:
            return False
        if confidential and not self.confidential:
            return False
        if self.departments and department not in self.departments:
            return False
        return not self.service_codes or service_code in self.service_codes


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, webhook_id, timestamp, body),
        "content-type": "application/json",
    }


def next_delay(attempts: int, schedule: Sequence[float], retry_after: float | None) -> float | None:
    """Seconds until the next attempt after `attempts` failed ones; None: the schedule is spent."""
    if attempts > len(schedule):
        return None
    if retry_after is not None:
        return min(max(retry_after, 0.0), LONGEST_RETRY_AFTER)
    base = schedule[attempts - 1]
    return base * random.uniform(0.9, 1.1)  # noqa: S311 - jitter, not secrecy


def _personal_fields(payload_type: type[Any]) -> list[str]:
    fields: Mapping[str, Any] = getattr(payload_type, "model_fields", {})
    return [
        name
        for name, info in fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("x-personal-data")
    ]


def body_of(envelope: Mapping[str, Any], payload_type: type[Any], *, personal_data: bool) -> dict[str, Any]:
    """What a subscription receives: the event in its envelope, without the fields the contracts mark
    as personal data unless the subscription is allowed them."""
    data = dict(envelope)
    payload = dict(data.get("payload") or {})
    if not personal_data:
        for name in _personal_fields(payload_type):
            payload.pop(name, None)
    data["payload"] = payload
    return {"type": data.get("event_type"), "timestamp": data.get("occurred_at"), "data": data}


def private_address(addresses: Iterable[str]) -> str | None:
    """The first address that is not a public one (loopback, private, link-local, reserved), if any."""
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return text
    return None
