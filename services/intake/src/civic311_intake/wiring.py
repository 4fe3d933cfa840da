"""How the intake gateway is put together from the backbone's parts."""

from __future__ import annotations

from fastapi import FastAPI

from civic311_backbone.service.runner import Resources, Wiring
from civic311_intake.api import open311, tracking
from civic311_intake.settings import IntakeSettings


def create_app(resources: Resources) -> FastAPI:
    app = FastAPI(title="civic311 intake gateway", version="0.1.0")
    app.state.store = resources.store
    app.include_router(tracking.router)
    settings = resources.settings
    open311.install(app, settings.catalogue_path if isinstance(settings, IntakeSettings) else None)
    return app


async def wire(resources: Resources) -> Wiring:
    return Wiring(app=create_app(resources))
