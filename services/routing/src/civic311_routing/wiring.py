"""How the routing service is put together from the backbone's parts."""

from __future__ import annotations

from civic311_backbone.consuming import ConsumerSpec, EventConsumer
from civic311_backbone.service.runner import Resources, Wiring
from civic311_routing.config import build_router
from civic311_routing.handler import routing_handler
from civic311_routing.settings import RoutingSettings


async def wire(resources: Resources) -> Wiring:
    settings = resources.settings
    if not isinstance(settings, RoutingSettings):
        raise TypeError("the routing service needs RoutingSettings")
    router = build_router(settings)
    consumer = EventConsumer(
        spec=ConsumerSpec(
            name="routing",
            handler=routing_handler(router, resources.store),
            event_types={"RequestCreated"},
        ),
        pool=resources.pool,
        store=resources.store,
        settings=settings,
    )
    return Wiring(consumers=[consumer])
