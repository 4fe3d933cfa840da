"""The SMS provider's side of the webhook, in Twilio's shape (which most providers copy).

The provider signs each POST: X-Twilio-Signature is the base64 HMAC-SHA1, keyed with the account's auth
token, of the full URL it posted to followed by every form parameter, sorted by name, as name + value.
It takes the reply as TwiML: <Response><Message>text</Message></Response>.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from xml.sax.saxutils import escape

SIGNATURE_HEADER = "X-Twilio-Signature"
TWIML_MEDIA_TYPE = "text/xml; charset=utf-8"


def signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The signature the provider computes for a POST of `params` to `url`."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(token: str, url: str, params: Iterable[tuple[str, str]], given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(signature(token, url, params), given)


def twiml_message(text: str) -> str:
    """A TwiML document that answers with one SMS."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Message>{escape(text)}</Message></Response>'
