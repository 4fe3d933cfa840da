"""How the notifier service is put together from the backbone's parts."""

from __future__ import annotations

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_notifier.entrypoints.consumer import observe
from civic311_notifier.settings import NotifierSettings


async def wire(resources: Resources[NotifierSettings]) -> Wiring:
    consumer = resources.consumer(ConsumerSpec(name="notifier", handler=observe, event_types=None))
    return Wiring(consumers=[consumer])


SERVICE = Service(name="notifier", settings=NotifierSettings, wire=wire)
