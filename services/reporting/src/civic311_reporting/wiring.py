"""How the reporting service is put together from the backbone's parts and the city's configuration."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from civic311_backbone.consuming import ConsumerSpec
from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_city import load_city
from civic311_reporting.adapters.outlines import read_outlines
from civic311_reporting.application.live import LiveRequests
from civic311_reporting.domain.profile import DEFAULT_PROFILE
from civic311_reporting.entrypoints.consumer import follow_the_store, keep_live
from civic311_reporting.entrypoints.web import Reporting, create_app
from civic311_reporting.entrypoints.web.map import Tiles
from civic311_reporting.settings import ReportingSettings

log = structlog.get_logger(__name__)


async def wire(resources: Resources[ReportingSettings]) -> Wiring:
    settings = resources.settings
    city = load_city(settings)
    requests = LiveRequests()
    replayed = await requests.rebuild(resources.store)
    log.info("projection rebuilt", events=replayed, requests=len(requests.states), position=requests.position)
    consumer = resources.consumer(
        ConsumerSpec(name="reporting", handler=keep_live(requests), event_types=None)
    )
    tiles = Tiles(settings.map_tiles_url, settings.map_tiles_attribution) if settings.map_tiles_url else None
    reporting = Reporting(
        live=requests,
        store=resources.store,
        profile=DEFAULT_PROFILE,
        districts=city.districts,
        outlines=read_outlines(settings.districts_path),
        type_names={t.code: t.name for t in city.catalogue.types},
        tiles=tiles,
        clock=lambda: datetime.now(UTC),
        admin_token=settings.admin_token.get_secret_value() if settings.admin_token else None,
    )
    every = settings.projection_poll_seconds
    background = [follow_the_store(requests, resources.store, every)] if every else []
    return Wiring(consumers=[consumer], background=background, app=create_app(reporting))


SERVICE = Service(name="reporting", settings=ReportingSettings, wire=wire)
