"""How the dedup service is put together from the backbone's parts."""

from __future__ import annotations

import structlog

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_city import load_city
from civic311_dedup.adapters.replay import rebuild
from civic311_dedup.domain.index import RequestIndex
from civic311_dedup.entrypoints.consumer import HANDLED_TYPES, dedup_handler
from civic311_dedup.settings import DedupSettings

log = structlog.get_logger(__name__)


async def wire(resources: Resources[DedupSettings]) -> Wiring:
    city = load_city(resources.settings)
    index = RequestIndex()
    # The index is this process's own projection: built from the whole store before the consumer
    # starts, then kept live by it (events the replay already folded change nothing a second time).
    rebuilt = await rebuild(resources.store, index)
    log.info("index rebuilt", events=rebuilt.events, known=rebuilt.known, seconds=round(rebuilt.seconds, 2))
    consumer = resources.consumer(
        ConsumerSpec(
            name="dedup",
            handler=dedup_handler(index, city.catalogue, resources.store),
            event_types=HANDLED_TYPES,
            idempotent=True,  # see civic311_dedup.entrypoints.consumer: one statement per decision
            # A decision waits out two round trips and a commit; more lanes overlap more of that
            # waiting (each holds a pooled connection meanwhile: below DB_POOL_MAX_SIZE).
            lanes=8,
        )
    )
    return Wiring(consumers=[consumer])


SERVICE = Service(name="dedup", settings=DedupSettings, wire=wire, migrations="civic311_dedup.migrations")
