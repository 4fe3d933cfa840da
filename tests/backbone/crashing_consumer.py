"""A consumer process that SIGKILLs itself after its effect committed and before it acknowledged.

It crashes only while the file named by CRASH_MARKER does not exist yet (it creates it first), so the
restarted process behaves. Run: python -m tests.backbone.crashing_consumer
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope
from civic311_backbone.service.runner import Resources, Service, Wiring, run
from civic311_backbone.settings import ServiceSettings
from tests.backbone.consumer_fixtures import record_effect


class CrashingSettings(ServiceSettings):
    crash_marker: Path


async def wire(resources: Resources[CrashingSettings]) -> Wiring:
    settings = resources.settings

    async def crash_once(_: Envelope[Any]) -> None:
        if not settings.crash_marker.exists():
            settings.crash_marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)

    consumer = resources.consumer(
        ConsumerSpec(name="crashing", handler=record_effect, ack_wait_seconds=1.0), after_commit=crash_once
    )
    return Wiring(consumers=[consumer])


if __name__ == "__main__":
    run(Service(name="crashing_consumer", settings=CrashingSettings, wire=wire))
