"""Open311 GeoReport v2 under /open311/v2: discovery, services and their definitions, requests, tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from civic311_city.catalogue import Catalogue
from civic311_city.loading import SAMPLE_CATALOGUE
from civic311_intake.entrypoints.api.open311 import service_requests
from civic311_intake.entrypoints.api.open311.routes import PREFIX, router
from civic311_intake.entrypoints.api.open311.state import open311_state_of
from civic311_intake.settings import IntakeSettings


def install(app: FastAPI, catalogue: Catalogue, catalogue_path: Path | None) -> None:
    """Serve the city's catalogue under /open311/v2; its file's modification time is the changeset.

    The Open311 settings (jurisdiction, discovery's contact and key service) come from the app's settings,
    which `create_app` puts on `app.state` before it installs anything.
    """
    settings: IntakeSettings = app.state.settings
    app.state.open311 = open311_state_of(catalogue, catalogue_path or SAMPLE_CATALOGUE, settings)
    app.include_router(router)
    app.include_router(service_requests.router)
    _document_no_422(app)


def _document_no_422(app: FastAPI) -> None:
    """Open311 answers a malformed parameter with the spec's 400 (see route_class), never FastAPI's 422,
    which FastAPI would still list for every route with parameters: take it out of the document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        for path, operations in document.get("paths", {}).items():
            if path.startswith(PREFIX):
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["install", "router"]
