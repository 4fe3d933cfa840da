"""The processes `civic311 run` starts: one table, and the command and environment of each."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from civic311_backbone.embedded.ports import LOOPBACK, free_port

READY_PATH = "/health/ready"


@dataclass(frozen=True)
class Link:
    """A page or API of a service worth printing at start-up."""

    label: str
    path: str


@dataclass(frozen=True)
class Service:
    """One process of the system: a Python module run with `python -m`, serving HTTP_PORT."""

    name: str
    module: str
    links: tuple[Link, ...] = ()
    extra_env: tuple[tuple[str, str], ...] = ()
    default_env: tuple[tuple[str, str], ...] = ()
    """Variables the service gets unless the environment sets them."""


SERVICES: tuple[Service, ...] = (
    Service("relay", "civic311_backbone.relay"),
    Service(
        "intake",
        "civic311_intake",
        links=(
            Link("gateway", "/"),
            Link("Open311 GeoReport v2", "/open311/v2"),
            Link("staff desk", "/staff"),
            Link("gateway API (OpenAPI)", "/openapi.json"),
        ),
    ),
    Service("routing", "civic311_routing"),
    Service("dedup", "civic311_dedup"),
    Service("notifier", "civic311_notifier"),
    Service("mail", "civic311.launcher.mail_sink", links=(Link("mail sink (e-mails sent)", "/"),)),
    Service(
        "reporting",
        "civic311_reporting",
        links=(Link("dashboard", "/dashboard"),),
    ),
)


@dataclass(frozen=True)
class ChildSpec:
    """How to start one supervised process and how to tell that it is ready."""

    name: str
    argv: tuple[str, ...]
    http_port: int
    env: Mapping[str, str] = field(default_factory=dict)
    ready_path: str = READY_PATH

    def url(self, path: str = "/") -> str:
        return f"http://{LOOPBACK}:{self.http_port}{path}"


def child_specs(
    services: tuple[Service, ...],
    *,
    ports: Mapping[str, int],
    backbone_env: Mapping[str, str],
    environ: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
) -> list[ChildSpec]:
    """The spec of each service: our environment, the backbone's URLs, its own port and extras."""
    base = dict(os.environ if environ is None else environ)
    base.setdefault("PYTHONUNBUFFERED", "1")
    if sys.stdout.isatty():  # children write to a pipe, and would choose JSON logs
        base.setdefault("LOG_FORMAT", "console")
    wired = _wired_together(services, ports, base, data_dir)
    return [
        ChildSpec(
            name=service.name,
            argv=(sys.executable, "-m", service.module),
            http_port=ports[service.name],
            env={
                **dict(service.default_env),
                **wired.get(service.name, {}),
                **base,
                **backbone_env,
                "HTTP_PORT": str(ports[service.name]),
                **dict(service.extra_env),
            },
        )
        for service in services
    ]


def _wired_together(
    services: tuple[Service, ...], ports: Mapping[str, int], environ: Mapping[str, str], data_dir: Path | None
) -> dict[str, dict[str, str]]:
    """What the services need of each other on one machine (the environment overrides any of it):
    the notifier sends to the local mail sink and links to the gateway and itself; the resident links'
    key is made for this run, shared by the notifier and the gateway, unless one is set; the gateway keeps
    residents' photos in the data folder."""
    names = {service.name for service in services}
    wired: dict[str, dict[str, str]] = {}
    link_secret = environ.get("RESIDENT_LINK_SECRET") or secrets.token_urlsafe(32)
    if "notifier" in names:
        notifier = {
            "RESIDENT_LINK_SECRET": link_secret,
            "NOTIFIER_ADMIN_TOKEN": secrets.token_urlsafe(24),
            "MAIL_FROM": "civic311 <no-reply@civic311.localhost>",
            "NOTIFIER_PUBLIC_URL": f"http://{LOOPBACK}:{ports['notifier']}",
        }
        if "intake" in names:
            notifier["GATEWAY_PUBLIC_URL"] = f"http://{LOOPBACK}:{ports['intake']}"
        if "mail" in names:
            smtp_port = free_port(host=LOOPBACK, avoid=ports.values())
            wired["mail"] = {"SMTP_SINK_PORT": str(smtp_port)}
            notifier |= {"SMTP_HOST": LOOPBACK, "SMTP_PORT": str(smtp_port)}
        wired["notifier"] = notifier
    if "intake" in names:
        wired["intake"] = {"RESIDENT_LINK_SECRET": link_secret}
        if data_dir is not None:
            wired["intake"]["PHOTO_STORE_PATH"] = str((data_dir / "photos").absolute())
    return wired
