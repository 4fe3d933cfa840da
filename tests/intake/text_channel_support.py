"""What the SMS and e-mail channel tests share: texting the gateway as the SMS provider would, reading
tracking numbers and what was filed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4
from xml.etree import ElementTree

import httpx

from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.store import EventStore, RecordedEvent

TRACKING_NUMBER = re.compile(r"\b[2-9B-DF-HJ-NP-TV-X]{3}-[2-9B-DF-HJ-NP-TV-X]{5}\b")


async def requests_filed(store: EventStore) -> list[RecordedEvent]:
    """Every RequestCreated in this test's store (its own schema)."""
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC) + timedelta(days=1)
    return [e async for e in store.read_between(start, end) if e.event_type == "RequestCreated"]


async def filed(store: EventStore, tracking_number: str) -> dict[str, Any]:
    """The RequestCreated payload of the request with this tracking number."""
    [created] = await store.read_stream(stream_id_for(tracking_number))
    assert created.event_type == "RequestCreated"
    return created.payload


CITY_NUMBER = "+16175550311"


def sign_like_twilio(token: str, url: str, params: dict[str, str]) -> str:
    """The stand-in for the SMS provider: X-Twilio-Signature as Twilio computes it (its documented
    algorithm: base64 of HMAC-SHA1 with the auth token over the URL and the sorted name+value pairs)."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@dataclass
class SmsProvider:
    """Posts to the gateway's webhook as the provider would, for one resident's phone."""

    client: httpx.AsyncClient
    url: str
    token: str
    phone: str

    async def text(self, body: str, *, sid: str | None = None, token: str | None = None) -> httpx.Response:
        params = {
            "MessageSid": sid or f"SM{uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "To": CITY_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        signature = sign_like_twilio(token or self.token, self.url, params)
        return await self.client.post(self.url, data=params, headers={"X-Twilio-Signature": signature})


def reply_of(response: httpx.Response) -> str:
    """The text the provider would send back to the resident."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Response"
    return root.findtext("Message") or ""
