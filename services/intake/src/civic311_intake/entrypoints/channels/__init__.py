"""SMS and e-mail in: a resident texts or mails the problem and the place, and gets a tracking number back.

POST /channels/sms is the SMS provider's webhook (on when SMS_WEBHOOK_TOKEN is set); an SMTP listener
in the gateway process takes mail for the city's 311 address(es) (on when SMTP_IN_PORT is set). Both
read a message the same way (domain/messages/parsing.py) and keep a short conversation when a piece is
missing (domain/messages/conversation.py); "status <number>" answers a request's status
(domain/messages/status.py). The resident site's chat (entrypoints/pages/chat.py) is a third channel
on the same engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from civic311_backbone.service.health import ReadinessCheck
from civic311_backbone.service.runner import BackgroundTask, Resources
from civic311_city.catalogue import Catalogue
from civic311_intake.adapters.mail_out import OutgoingMail
from civic311_intake.application.text_intake import TextIntake
from civic311_intake.entrypoints.channels import sms
from civic311_intake.entrypoints.channels.email_in import MailIn, SmtpListener
from civic311_intake.settings import IntakeSettings


@dataclass(frozen=True)
class TextChannels:
    """What the channels add to the gateway process besides their route."""

    background: tuple[BackgroundTask, ...] = ()
    checks: dict[str, ReadinessCheck] = field(default_factory=dict)


class ChannelSettingsError(ValueError):
    """E-mail in is switched on without what it needs."""


async def install(
    app: FastAPI, resources: Resources[IntakeSettings], settings: IntakeSettings, catalogue: Catalogue
) -> TextChannels:
    """Serve the SMS webhook, and make the SMTP listener if it is on (their tables: intake's migrations)."""
    intake = TextIntake(
        pool=resources.pool,
        store=resources.store,
        catalogue=catalogue,
        conversation_ttl=timedelta(minutes=settings.text_conversation_minutes),
        time_zone=ZoneInfo(settings.city_time_zone),
        geocoder=app.state.geocoder,
    )
    app.state.text_intake = intake  # the resident site's chat takes its messages the same way
    app.state.sms = sms.SmsChannel(settings.sms_webhook_token, settings.sms_webhook_url, intake)
    app.include_router(sms.router)
    if settings.smtp_in_port is None:
        return TextChannels()
    listener = SmtpListener(_mail_in(settings, intake, settings.smtp_in_port))
    return TextChannels(background=(listener.run,), checks={"smtp_in": listener.ready})


def _mail_in(settings: IntakeSettings, intake: TextIntake, port: int) -> MailIn:
    addresses = frozenset(a.strip().lower() for a in settings.smtp_in_addresses.split(",") if a.strip())
    if not addresses:
        raise ChannelSettingsError(
            "SMTP_IN_PORT is set: set SMTP_IN_ADDRESSES, the addresses to take mail for"
        )
    if settings.smtp_host is None:
        raise ChannelSettingsError("SMTP_IN_PORT is set: set SMTP_HOST, the server that sends the answers")
    outgoing = OutgoingMail(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )
    return MailIn(settings.smtp_in_host, port, addresses, outgoing, intake)
