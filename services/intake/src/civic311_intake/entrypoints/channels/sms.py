"""POST /channels/sms: the webhook an SMS provider calls for each text a resident sends.

Off (404) unless SMS_WEBHOOK_TOKEN is set. Every POST must carry the provider's signature; the answer
is TwiML, which the provider sends back to the resident as a text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import SecretStr

from civic311_intake.adapters.sms_provider import (
    SIGNATURE_HEADER,
    TWIML_MEDIA_TYPE,
    signature_is_valid,
    twiml_message,
)
from civic311_intake.application.text_intake import InboundMessage, TextIntake, receive
from civic311_intake.domain.text import text_problem

MAX_BODY_BYTES = 64 * 1024
"""A text is at most 1,600 characters; the provider's other fields are short."""

router = APIRouter(prefix="/channels", tags=["channels"])


@dataclass(frozen=True)
class SmsChannel:
    token: SecretStr | None
    public_url: str | None
    """The URL as the provider is configured to call it, when a proxy changes what the gateway sees."""
    intake: TextIntake


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/xml": {}}, "description": "TwiML: the text to send back to the resident"},
    400: {"description": "Not a provider's message (MessageSid or From missing), or a field that is no text"},
    403: {"description": "The provider's signature does not match"},
    404: {"description": "The SMS channel is off on this gateway"},
    413: {"description": "Request too large"},
}


@router.post("/sms", response_class=Response, responses=_RESPONSES)
async def sms_webhook(request: Request) -> Response:
    channel: SmsChannel | None = getattr(request.app.state, "sms", None)
    if channel is None or channel.token is None:
        return _refuse(404, "The SMS channel is off on this gateway: SMS_WEBHOOK_TOKEN is not set.")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, f"A provider's message is at most {MAX_BODY_BYTES} bytes.")
    params = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    url = channel.public_url or str(request.url)
    token = channel.token.get_secret_value()
    if not signature_is_valid(token, url, params, request.headers.get(SIGNATURE_HEADER)):
        return _refuse(403, f"{SIGNATURE_HEADER} does not match this request.")
    fields = dict(params)
    message_id, sender = fields.get("MessageSid") or fields.get("SmsSid"), fields.get("From")
    if not message_id or not sender or len(message_id) > 200 or len(sender) > 40:
        return _refuse(400, "A message needs MessageSid and From (a phone number).")
    media_url = fields.get("MediaUrl0") if fields.get("NumMedia", "0") != "0" else None
    for name, given in (("MessageSid", message_id), ("From", sender), ("Body", fields.get("Body", ""))):
        why = text_problem(given)  # the one text rule (NUL cannot even be stored)
        if why is not None:
            return _refuse(400, f"{name}: {why}")
    message = InboundMessage(
        channel="sms",
        message_id=message_id,
        sender=sender,
        text=fields.get("Body", ""),
        media_url=media_url if media_url and len(media_url) <= 2000 else None,
    )
    reply = await receive(channel.intake, message)
    return Response(twiml_message(reply.text), media_type=TWIML_MEDIA_TYPE)


def _refuse(status_code: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status_code)
