"""Open311 GeoReport v2 under /open311/v2: discovery, the service list and service definitions."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from civic311_intake.api.open311.routes import router
from civic311_intake.api.open311.state import load_open311_state
from civic311_routing.catalogue import DEFAULT_CATALOGUE


def install(app: FastAPI, catalogue_path: Path | None) -> None:
    """Read the service catalogue once, now, and serve it under /open311/v2."""
    app.state.open311 = load_open311_state(catalogue_path or DEFAULT_CATALOGUE)
    app.include_router(router)


__all__ = ["install", "router"]
