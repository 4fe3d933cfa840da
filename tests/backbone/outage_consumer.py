"""A consumer process whose effect is a row per event (tests.backbone.consumer_fixtures), for the
outage test. Run: python -m tests.backbone.outage_consumer"""

from __future__ import annotations

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring, run
from civic311_backbone.settings import ServiceSettings
from tests.backbone.consumer_fixtures import record_effect


async def wire(resources: Resources[ServiceSettings]) -> Wiring:
    # max_attempts as shipped: an outage longer than its backoffs must still park nothing.
    return Wiring(consumers=[resources.consumer(ConsumerSpec(name="outage", handler=record_effect))])


if __name__ == "__main__":
    run(Service(name="outage_consumer", settings=ServiceSettings, wire=wire))
