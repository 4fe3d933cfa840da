"""Sending e-mail over SMTP with aiosmtplib: one kept-open connection per sender."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import aiosmtplib

from civic311_notifier.adapters.mime import Outgoing


class Refused(Exception):
    """The SMTP server refused this message for good (a 5xx): retrying the same message is useless."""


class Unavailable(Exception):
    """The SMTP server could not be reached or answered with a temporary error: try again later."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False
    timeout: float = 30.0


class SmtpSender:
    """Delivers messages on one connection, reconnecting when the server has dropped it."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        c = self._config
        client = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            use_tls=c.tls,
            start_tls=c.starttls if not c.tls else False,
            timeout=c.timeout,
            tls_context=ssl.create_default_context() if (c.tls or c.starttls) else None,
            username=c.username,
            password=c.password,
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, message: Outgoing) -> None:
        """Return once the server has accepted the message; raise Refused or Unavailable otherwise."""
        try:
            client = await self._connected()
            errors, _ = await client.sendmail(
                message.sender,
                [message.recipient],
                message.data,
                mail_options=["SMTPUTF8"] if message.smtputf8 else None,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [r.code for r in error.recipients]
            if all(code >= 500 for code in codes):
                raise Refused(f"recipient refused: {'; '.join(str(r) for r in error.recipients)}") from error
            await self.close()
            raise Unavailable(f"recipient deferred: {error}") from error
        except aiosmtplib.SMTPResponseException as error:
            await self.close()
            if error.code >= 500:
                raise Refused(f"{error.code} {error.message}") from error
            raise Unavailable(f"{error.code} {error.message}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self.close()
            raise Unavailable(f"{type(error).__name__}: {error}") from error
        if errors:
            raise Refused(f"recipient refused: {errors}")

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
