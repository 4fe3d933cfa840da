"""The notifier as a city runs it: the relay and the notifier as their own processes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.testing.plugin import settings_env
from tests.notifier.sink import MailSink
from tests.support.processes import ServiceProcess

SECRET = secrets.token_urlsafe(32)
ADMIN_TOKEN = secrets.token_urlsafe(24)
GATEWAY_URL = "http://gateway.test"


def notifier_env(settings: BackboneSettings, sink: MailSink, **more: str) -> dict[str, str]:
    return {
        **settings_env(settings),
        **sink.env(),
        "MAIL_FROM": "Sample City 311 <no-reply@311.sample.test>",
        "GATEWAY_PUBLIC_URL": GATEWAY_URL,
        "RESIDENT_LINK_SECRET": SECRET,
        "NOTIFIER_ADMIN_TOKEN": ADMIN_TOKEN,
        **more,
    }


@contextmanager
def relay_and_notifier(
    settings: BackboneSettings, sink: MailSink, log_dir: Path, **more: str
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    relay = ServiceProcess("civic311_backbone.relay", settings_env(settings), log_dir, name="relay")
    notifier = ServiceProcess("civic311_notifier", {}, log_dir, name="notifier")
    notifier.env.update(notifier_env(settings, sink, **more))
    notifier.env["NOTIFIER_PUBLIC_URL"] = notifier.url
    try:
        yield relay.start(), notifier.start()
    finally:
        notifier.stop()
        relay.stop()
