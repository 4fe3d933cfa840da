"""How the notifier service is put together from the backbone's parts."""

from __future__ import annotations

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_city import load_city
from civic311_notifier.adapters.mail import MailComposer, MailLinks
from civic311_notifier.adapters.smtp import SmtpConfig, SmtpSender
from civic311_notifier.adapters.twilio import TwilioConfig, TwilioSender
from civic311_notifier.application.notify import NOTIFIED_TYPES
from civic311_notifier.application.sending import EmailOutbox, SendingPolicy
from civic311_notifier.application.texting import TextComposer, TextOutbox
from civic311_notifier.application.webhooks import WebhookOutbox, WebhookPolicy
from civic311_notifier.entrypoints.consumer import notifier_handler
from civic311_notifier.entrypoints.web import create_app
from civic311_notifier.settings import NotifierSettings


def smtp_config(settings: NotifierSettings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        tls=settings.smtp_tls,
        timeout=settings.smtp_timeout_seconds,
    )


def links(settings: NotifierSettings) -> MailLinks:
    return MailLinks(
        gateway_url=str(settings.gateway_public_url),
        notifier_url=str(settings.notifier_public_url),
        secret=settings.resident_link_secret.get_secret_value().encode(),
    )


def sending_policy(settings: NotifierSettings, senders: int) -> SendingPolicy:
    return SendingPolicy(
        senders=senders,
        lease=settings.notifier_send_lease,
        max_attempts=settings.notifier_max_attempts,
        max_delay=settings.notifier_retry_max_delay,
    )


def build_outbox(resources: Resources[NotifierSettings]) -> EmailOutbox:
    settings = resources.settings
    city = load_city(settings)
    composer = MailComposer(
        mail_from=settings.mail_from,
        city_name=settings.city_name,
        time_zone=settings.city_time_zone,
        catalogue=city.catalogue,
        links=links(settings),
    )
    config = smtp_config(settings)
    return EmailOutbox(
        pool=resources.pool,
        composer=composer,
        connect=lambda: SmtpSender(config),
        policy=sending_policy(settings, settings.notifier_senders),
    )


def build_texts(resources: Resources[NotifierSettings]) -> TextOutbox:
    settings = resources.settings
    provider = None
    if settings.sms_account_sid and settings.sms_auth_token and settings.sms_from:
        provider = TwilioSender(
            TwilioConfig(
                base_url=str(settings.sms_api_base_url),
                account_sid=settings.sms_account_sid,
                auth_token=settings.sms_auth_token.get_secret_value(),
                sender=settings.sms_from,
            )
        )
    return TextOutbox(
        pool=resources.pool,
        composer=TextComposer(
            city_name=settings.city_name, time_zone=settings.city_time_zone, links=links(settings)
        ),
        provider=provider,
        policy=sending_policy(settings, settings.sms_senders),
    )


async def wire(resources: Resources[NotifierSettings]) -> Wiring:
    settings = resources.settings
    mail = build_outbox(resources)
    texts = build_texts(resources)

    hooks = WebhookOutbox(
        pool=resources.pool,
        policy=WebhookPolicy(
            senders=settings.webhook_senders,
            schedule=tuple(settings.webhook_retry_schedule),
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private,
        ),
    )

    handler, committed = notifier_handler(
        resources.store,
        supervisors=settings.supervisor_emails,
        digest_window=settings.sla_digest_window,
        nudge={"email": mail.nudge, "sms": texts.nudge, "webhook": hooks.nudge},
    )
    consumer = resources.consumer(
        ConsumerSpec(
            name="notifier",
            handler=handler,
            event_types=NOTIFIED_TYPES,
            # Its transaction writes outbox rows and appends nothing: a backlog's waiting events go
            # together, one commit for many.
            batch=16,
        ),
        after_commit=committed,
    )
    app = create_app(
        pool=resources.pool,
        store=resources.store,
        secret=settings.resident_link_secret.get_secret_value().encode(),
        admin_token=settings.notifier_admin_token.get_secret_value(),
        allow_private_webhooks=settings.webhook_allow_private,
    )
    return Wiring(consumers=[consumer], background=[mail.run, texts.run, hooks.run], app=app)


SERVICE = Service(
    name="notifier", settings=NotifierSettings, wire=wire, migrations="civic311_notifier.migrations"
)
