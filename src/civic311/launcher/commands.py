"""What the `civic311` commands do; cli.py only parses the command line."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from civic311.launcher.backbone import Backbone, backbone_servers, without_password
from civic311.launcher.output import PrefixedOutput
from civic311.launcher.processes import SERVICES, ChildSpec, Service, child_specs
from civic311.launcher.supervisor import SOURCE, Supervisor
from civic311_backbone.embedded import EmbeddedServerError, assign_ports
from civic311_backbone.settings import BackboneSettings
from civic311_intake.entrypoints.admin import demo_credentials

DEMO_CREDENTIALS = "demo-credentials.json"


def run_system(data_dir: Path, services: tuple[Service, ...] = SERVICES) -> int:
    """Backbone servers, then every service; until Ctrl-C or SIGTERM. The exit code."""
    output = PrefixedOutput([SOURCE, *(service.name for service in services)])
    try:
        with (
            _terminate_like_interrupt(),
            backbone_servers(data_dir, os.environ, lambda text: output.line(SOURCE, text)) as backbone,
        ):
            ports = assign_ports(data_dir / "ports.json", [service.name for service in services])
            specs = child_specs(services, ports=ports, backbone_env=backbone.env(), data_dir=data_dir)

            async def announce() -> None:
                settings = BackboneSettings.model_validate(
                    {key.lower(): value for key, value in backbone.env().items()}
                )
                # The demo api key and staff login are the gateway's: made only when it runs.
                has_gateway = any(service.module == "civic311_intake" for service in services)
                demo = await demo_credentials(settings, data_dir / DEMO_CREDENTIALS) if has_gateway else {}
                output.block(describe(services, specs, backbone, data_dir, demo))

            supervisor = Supervisor(
                specs,
                output,
                on_ready=announce,
                check_backbone=backbone.dead_server,
                revive_backbone=backbone.revive,
            )
            return asyncio.run(supervisor.run())
    except EmbeddedServerError as error:
        output.line(SOURCE, f"error: {error}")
        return 1
    except KeyboardInterrupt:
        return 0


def serve_backbone(data_dir: Path) -> int:
    """Only PostgreSQL and NATS: their URLs as KEY=VALUE lines on stdout, until Ctrl-C."""
    output = PrefixedOutput([SOURCE], sys.stderr)
    try:
        with (
            _terminate_like_interrupt(),
            backbone_servers(data_dir, os.environ, lambda text: output.line(SOURCE, text)) as backbone,
        ):
            for key, value in backbone.env().items():
                print(f"{key}={value}", flush=True)
            output.line(SOURCE, "running; Ctrl-C stops")
            while (dead := backbone.dead_server()) is None:
                time.sleep(0.5)  # a poll interval: SIGINT / SIGTERM end it at once
            output.line(SOURCE, f"{dead} has stopped")
            return 1
    except EmbeddedServerError as error:
        output.line(SOURCE, f"error: {error}")
        return 1
    except KeyboardInterrupt:
        return 0


def describe(
    services: tuple[Service, ...],
    specs: list[ChildSpec],
    backbone: Backbone,
    data_dir: Path,
    demo: Mapping[str, str],
) -> str:
    """The block of addresses printed once everything is ready."""
    rows: list[tuple[str, str]] = []
    by_name = {spec.name: spec for spec in specs}
    for service in services:
        for link in service.links:
            rows.append((link.label, by_name[service.name].url(link.path)))
    for spec in specs:
        rows.append((f"{spec.name} health", spec.url(spec.ready_path)))
    rows.append(("DATABASE_URL", without_password(backbone.database_url)))
    rows.append(("NATS_URL", without_password(backbone.nats_url)))
    if demo:
        rows.append(("Open311 api key (demo)", demo["api_key"]))
        rows.append(("staff login (demo)", f"{demo['staff_username']} / {demo['staff_password']}"))
    rows.append(("data folder", str(data_dir.absolute())))
    width = max(len(label) for label, _ in rows)
    lines = [f"  {label:<{width}}  {value}" for label, value in rows]
    return "\n".join(["civic311 is running; Ctrl-C stops everything.", *lines])


@contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, so that starting and stopping servers unwind cleanly."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
