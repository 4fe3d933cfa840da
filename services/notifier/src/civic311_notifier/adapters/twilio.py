"""Sending texts through an HTTP provider with the shape of Twilio's Messages API, over httpx.

POST {base}/2010-04-01/Accounts/{sid}/Messages.json with the form fields To, From (or
MessagingServiceSid) and Body, basic auth sid:token. 201 is accepted (the answer's sid kept); 429 and
5xx are temporary (Retry-After honoured); any other 4xx is final, with Twilio's error code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

STOPPED_CODES = frozenset({21610})
"""Twilio: the recipient replied STOP; nothing more may be sent to them until they reply START."""


class TextRefused(Exception):
    """The provider refused this text for good (an invalid number, a recipient who stopped texts)."""

    def __init__(self, reason: str, *, stopped: bool) -> None:
        super().__init__(reason)
        self.stopped = stopped


class TextDeferred(Exception):
    """The provider is unreachable, busy or failing: try again, not before `retry_after` seconds."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True)
class TwilioConfig:
    base_url: str
    account_sid: str
    auth_token: str
    sender: str
    """A phone number (From), or a Messaging Service's sid (MG…)."""
    timeout: float = 15.0


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


class TwilioSender:
    """One kept-open HTTP client for every text the process sends."""

    def __init__(self, config: TwilioConfig) -> None:
        self._config = config
        self._url = f"{config.base_url.rstrip('/')}/2010-04-01/Accounts/{config.account_sid}/Messages.json"
        self._client = httpx.AsyncClient(auth=(config.account_sid, config.auth_token), timeout=config.timeout)

    async def send(self, to: str, body: str) -> str:
        """The provider's sid of the accepted text; TextRefused or TextDeferred otherwise."""
        sender = self._config.sender
        form = {"To": to, "Body": body}
        form["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        try:
            answer = await self._client.post(self._url, data=form)
        except httpx.HTTPError as error:
            raise TextDeferred(f"{type(error).__name__}: {error}") from error
        if answer.status_code in (200, 201):
            sid = _field(answer, "sid")
            if not sid:
                raise TextDeferred(f"{answer.status_code} without a message sid")
            return sid
        code, message = _field(answer, "code"), _field(answer, "message")
        reason = f"{answer.status_code} error {code}: {message}" if code else f"{answer.status_code}"
        if answer.status_code == 429 or answer.status_code >= 500:
            raise TextDeferred(reason, retry_after=_retry_after(answer.headers.get("Retry-After")))
        stopped = code is not None and code.isdigit() and int(code) in STOPPED_CODES
        raise TextRefused(reason, stopped=stopped)

    async def close(self) -> None:
        await self._client.aclose()


def _field(answer: httpx.Response, name: str) -> str | None:
    try:
        value = answer.json().get(name)
    except ValueError:
        return None
    return None if value is None else str(value)
