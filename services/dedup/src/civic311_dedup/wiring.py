"""How the dedup service is put together from the backbone's parts."""

from __future__ import annotations

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_dedup.entrypoints.consumer import observe
from civic311_dedup.settings import DedupSettings


async def wire(resources: Resources[DedupSettings]) -> Wiring:
    consumer = resources.consumer(ConsumerSpec(name="dedup", handler=observe, event_types={"RequestCreated"}))
    return Wiring(consumers=[consumer])


SERVICE = Service(name="dedup", settings=DedupSettings, wire=wire)
