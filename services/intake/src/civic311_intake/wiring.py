"""How the intake gateway is put together from the backbone's parts."""

from __future__ import annotations

from fastapi import FastAPI

from civic311_backbone.service.runner import Resources, Service, Wiring
from civic311_city import City, load_city, load_geocoder
from civic311_city.geocoding import Geocoder
from civic311_intake.adapters.access import ApiKeys, StaffAccounts
from civic311_intake.adapters.photo_stores import open_photo_store
from civic311_intake.adapters.schema import MIGRATIONS, SERVICE_NAME
from civic311_intake.entrypoints import channels, desk, pages, web
from civic311_intake.entrypoints.api import errors, geocode, links, map_data, nearby, open311, tracking
from civic311_intake.entrypoints.api.protection import protect
from civic311_intake.entrypoints.desk import duplicates as duplicate_review
from civic311_intake.entrypoints.duplicate_reviews import review_projector
from civic311_intake.entrypoints.indexer import request_indexer
from civic311_intake.entrypoints.pages import resident_links
from civic311_intake.entrypoints.pages.photos import PHOTO_ROUTES
from civic311_intake.entrypoints.web import map_view
from civic311_intake.settings import IntakeSettings


def create_app(
    resources: Resources[IntakeSettings], settings: IntakeSettings, city: City, geocoder: Geocoder | None
) -> FastAPI:
    app = FastAPI(title="civic311 intake gateway", version="0.1.0")
    app.state.settings = settings
    app.state.city = city
    app.state.pool = resources.pool
    app.state.store = resources.store
    app.state.api_keys = ApiKeys(resources.pool)
    app.state.staff_accounts = StaffAccounts(resources.pool)
    app.state.photos = open_photo_store(settings)  # None: no photos taken
    protect(
        app,
        max_body_bytes=settings.max_body_bytes,
        posts_per_minute=settings.posts_per_minute,
        body_timeout=settings.body_timeout_seconds,
        # The report form, Open311 POST and the desk's upload may carry a photo.
        larger_bodies=dict.fromkeys(PHOTO_ROUTES, settings.max_body_bytes + settings.max_photo_bytes)
        if app.state.photos is not None
        else None,
    )
    errors.install(app)  # one error writer for every route
    app.include_router(tracking.router)
    app.include_router(nearby.router)  # "already reported?"
    geocode.install(app, geocoder, per_minute=settings.geocode_per_minute)
    map_data.install(app, city.districts)  # the map's district outlines and address points
    open311.install(app, city.catalogue, settings.catalogue_path)
    pages_web = web.install(  # the pages' layer
        app, city_name=settings.city_name, time_zone=settings.city_time_zone, catalogue=city.catalogue
    )
    map_view.install(  # the pages' map, when Leaflet is vendored
        app,
        pages_web,
        city.districts,
        tiles_url=settings.map_tiles_url,
        tiles_attribution=settings.map_tiles_attribution,
    )
    pages.install(app)  # the resident pages
    resident_links.install(app)  # "not fixed" from the closing e-mail, "keep me informed" on tracking
    desk.install(app, resources.store, city.catalogue)  # the staff desk: API and pages
    duplicate_review.install(app)  # the desk's review of possible duplicates
    links.install(app)  # last: the OpenAPI links join operations of every router above
    return app


async def wire(resources: Resources[IntakeSettings]) -> Wiring:
    settings = resources.settings
    city = load_city(settings)  # once per process: every part below is handed what it needs of it
    # The address points, read once per process too; of the services, only the gateway needs them.
    geocoder = load_geocoder(settings, city.districts)
    indexer = resources.consumer(request_indexer(resources.store))
    reviews = resources.consumer(review_projector(resources.store))  # the review queue
    app = create_app(resources, settings, city, geocoder)
    text_channels = await channels.install(app, resources, settings, city.catalogue)  # SMS and e-mail in
    return Wiring(
        app=app,
        consumers=[indexer, reviews],
        background=text_channels.background,
        checks=text_channels.checks,
        on_stop=[app.state.photos.close] if app.state.photos is not None else [],
    )


SERVICE = Service(name=SERVICE_NAME, settings=IntakeSettings, wire=wire, migrations=MIGRATIONS)
