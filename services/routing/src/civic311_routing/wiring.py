"""How the routing service is put together from the backbone's parts."""

from __future__ import annotations

from typing import Any

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope, utc_now
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_routing.config import build_router
from civic311_routing.domain.breach import warning_moment
from civic311_routing.handler import HANDLED_TYPES, routing_handler
from civic311_routing.settings import RoutingSettings
from civic311_routing.watching import BreachWatcher, Clock


async def wire(resources: Resources[RoutingSettings], *, clock: Clock = utc_now) -> Wiring:
    settings = resources.settings
    router = build_router(settings)
    watcher = BreachWatcher(
        pool=resources.pool,
        store=resources.store,
        lead=settings.sla_warning_lead,
        idle=settings.sla_warning_idle.total_seconds(),
        clock=clock,
    )

    async def look_again(envelope: Envelope[Any]) -> None:
        watcher.nudge(warning_moment(envelope, lead=watcher.lead))

    # One consumer for both effects: a second consumer would see every message again. The watcher is
    # woken only when a warning may be due sooner.
    consumer = resources.consumer(
        ConsumerSpec(
            name="routing",
            handler=routing_handler(router, resources.store),
            event_types=HANDLED_TYPES,
            idempotent=True,  # see civic311_routing.handler: no transaction, each write on its own
            # Each lane waits out its commit (a disk flush), so lanes bound how much waiting overlaps:
            # at 200 requests/s through the gateway, p99 was 103, 67 and 103 ms with 4 lanes, 44, 43
            # and 37 ms with 8 (DB_POOL_MAX_SIZE must leave the watcher a connection).
            lanes=8,
        ),
        after_commit=look_again,
    )
    return Wiring(consumers=[consumer], background=[watcher.run])


SERVICE = Service(
    name="routing", settings=RoutingSettings, wire=wire, migrations="civic311_routing.migrations"
)
