"""Health and metrics endpoints, the same on every service.

/health/live   the process answers
/health/ready  every check passes (the store answers, the bus is connected, ...): 200, else 503;
               while PostgreSQL or NATS is away the service stays up and answers 503 here
/metrics       Prometheus text format
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ReadinessCheck = Callable[[], Awaitable[bool]]

CHECK_TIMEOUT_SECONDS = 3.0


def health_routes(service: str, checks: Mapping[str, ReadinessCheck]) -> list[Route]:
    async def live(_: Request) -> Response:
        return JSONResponse({"service": service, "status": "live"})

    async def ready(_: Request) -> Response:
        results: dict[str, bool] = {}
        for name, check in checks.items():
            try:
                # Bounded: a check on a server that does not answer says "not ready", it does not hang.
                results[name] = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
            except Exception:
                results[name] = False
        ok = all(results.values())
        return JSONResponse(
            {"service": service, "status": "ready" if ok else "not ready", "checks": results},
            status_code=200 if ok else 503,
        )

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return [
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/metrics", metrics),
    ]


def health_app(service: str, checks: Mapping[str, ReadinessCheck]) -> Starlette:
    return Starlette(routes=health_routes(service, checks))
