"""The reporting service's HTTP side: the SLA dashboard, every table as JSON and CSV, the projection."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from civic311_reporting.entrypoints.web import projections, routes
from civic311_reporting.entrypoints.web.context import Reporting
from civic311_reporting.entrypoints.web.filters import FilterError
from civic311_reporting.entrypoints.web.formatting import install_filters

TEMPLATES = Path(__file__).parent / "templates"


def create_app(reporting: Reporting) -> FastAPI:
    # No Swagger UI or ReDoc pages: they load their scripts from a CDN. The OpenAPI document is served.
    app = FastAPI(title="civic311 reporting", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.reporting = reporting
    templates = Jinja2Templates(directory=TEMPLATES)
    install_filters(templates.env)
    app.state.templates = templates
    app.include_router(routes.router)
    app.include_router(projections.router)

    @app.exception_handler(FilterError)
    async def bad_filter(request: Request, error: Exception) -> Response:
        assert isinstance(error, FilterError)
        if request.url.path.startswith("/api/"):
            problem = {"error": "invalid filter", "field": error.field, "why": error.why}
            return JSONResponse(problem, status_code=400)
        context = {"field": error.field, "why": error.why}
        return templates.TemplateResponse(request, "bad_filter.html", context, status_code=400)

    return app


__all__ = ["Reporting", "create_app"]
