"""How the intake gateway is put together from the backbone's parts."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from civic311_backbone.service.runner import Resources, Wiring


async def wire(resources: Resources) -> Wiring:
    async def index(request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"service": "civic311 intake", "open311": f"{base}/open311/v2"})

    return Wiring(app=Starlette(routes=[Route("/", index)]))
