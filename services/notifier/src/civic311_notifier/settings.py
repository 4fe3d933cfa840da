"""Settings of the notifier service, from the environment."""

from __future__ import annotations

from datetime import timedelta

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator

from civic311_backbone.settings import ServiceSettings
from civic311_city import CitySettings
from civic311_notifier.domain.webhooks import STANDARD_SCHEDULE


class NotifierSettings(ServiceSettings, CitySettings):
    """Everything the notifier process reads from its environment."""

    smtp_host: str = Field(description="SMTP server the notifier sends through (a relay, or Mailpit).")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Port of that SMTP server.")
    smtp_username: str | None = Field(default=None, description="Login at the SMTP server, if any.")
    smtp_password: SecretStr | None = Field(default=None, description="Password of that login.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    smtp_tls: bool = Field(default=False, description="Implicit TLS from the first byte (port 465).")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, description="Timeout of each SMTP command.")
    mail_from: str = Field(
        description='Sender of the notifier\'s e-mails, e.g. "City 311 <no-reply@311.example.org>".',
        min_length=3,
    )
    gateway_public_url: AnyHttpUrl = Field(
        description="The intake gateway as residents reach it: tracking pages and the 'not fixed' link."
    )
    notifier_public_url: AnyHttpUrl = Field(
        description="The notifier's HTTP app as residents reach it: the unsubscribe links."
    )
    resident_link_secret: SecretStr = Field(
        min_length=32,
        description="HMAC key signing the links in residents' messages (unsubscribe, not fixed); the "
        "gateway reads the same variable to check the 'not fixed' link. No default.",
    )
    notifier_admin_token: SecretStr = Field(
        min_length=24, description="Bearer token of the notifier's admin API (outbox, webhooks). No default."
    )
    supervisor_emails: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Supervisors told of SLA warnings, per department, JSON: {"Public Works": '
        '["pw-sup@city.example"]}.',
    )
    sla_digest_window: timedelta = Field(
        default=timedelta(minutes=2),
        description="SLA warnings to one supervisor within this window go out as one digest.",
    )
    notifier_senders: int = Field(default=8, ge=1, le=64, description="SMTP connections sending at once.")
    notifier_max_attempts: int = Field(
        default=20, ge=1, description="Sending attempts before a notification is parked."
    )
    notifier_retry_max_delay: timedelta = Field(
        default=timedelta(minutes=10), description="Longest wait between two sending attempts."
    )
    notifier_send_lease: timedelta = Field(
        default=timedelta(seconds=20),
        description="How long a claimed notification is held by its sender before another may take it "
        "(a sender that died).",
    )

    sms_account_sid: str | None = Field(
        default=None, description="Account sid at the SMS provider (Twilio's Messages API). Unset: no texts."
    )
    sms_auth_token: SecretStr | None = Field(default=None, description="Auth token of that account.")
    sms_from: str | None = Field(
        default=None, description="Sender of texts: a phone number (+1…) or a Messaging Service sid (MG…)."
    )
    sms_api_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.twilio.com"), description="Base URL of the Messages API."
    )
    sms_senders: int = Field(default=4, ge=1, le=64, description="Texts sent at once.")

    webhook_allow_private: bool = Field(
        default=False,
        description="Let webhook URLs resolve to private or loopback addresses (tests, a closed network). "
        "Off: such a subscription is refused, and a delivery whose host has come to resolve so is not sent.",
    )
    webhook_retry_schedule: list[float] = Field(
        default_factory=lambda: list(STANDARD_SCHEDULE),
        description="Seconds between webhook attempts after each failure (JSON list; Standard Webhooks' "
        "5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h by default); jittered; then parked.",
    )
    webhook_senders: int = Field(default=4, ge=1, le=64, description="Webhook deliveries made at once.")
    webhook_timeout_seconds: float = Field(
        default=15.0, gt=0, description="How long a webhook receiver has to answer."
    )

    @field_validator("supervisor_emails")
    @classmethod
    def _addresses(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for department, addresses in value.items():
            for address in addresses:
                if "@" not in address:
                    raise ValueError(f"supervisor of {department!r}: {address!r} is not an e-mail address")
        return value
