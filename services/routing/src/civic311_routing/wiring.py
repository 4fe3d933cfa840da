"""How the routing service is put together from the backbone's parts."""

from __future__ import annotations

from typing import Any

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.contracts import Envelope, utc_now
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_city import City, load_city
from civic311_routing.adapters.rules_file import load_rules
from civic311_routing.application.breach_watcher import BreachWatcher, Clock
from civic311_routing.domain.breach import warning_moment
from civic311_routing.domain.routing import Router
from civic311_routing.entrypoints.consumer import HANDLED_TYPES, routing_handler
from civic311_routing.settings import RoutingSettings


def build_router(settings: RoutingSettings, city: City) -> Router:
    """Routing's decision-maker: the city's catalogue, districts and calendar, and routing's rules."""
    return Router(
        catalogue=city.catalogue,
        rules=load_rules(settings.routing_rules_path),
        districts=city.districts,
        calendar=city.calendar,
    )


async def wire(resources: Resources[RoutingSettings], *, clock: Clock = utc_now) -> Wiring:
    settings = resources.settings
    router = build_router(settings, load_city(settings))
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
            idempotent=True,  # see civic311_routing.entrypoints.consumer: each write on its own
            # Each lane waits out its commit (a disk flush), so the number of lanes bounds how much of
            # that waiting overlaps; more lanes cut the latency under load, as long as DB_POOL_MAX_SIZE
            # leaves the watcher a connection.
            lanes=8,
        ),
        after_commit=look_again,
    )
    return Wiring(consumers=[consumer], background=[watcher.run])


SERVICE = Service(
    name="routing", settings=RoutingSettings, wire=wire, migrations="civic311_routing.migrations"
)
