"""The live projection's state, and its rebuild on demand: replayed beside the live one, then swapped."""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from civic311_reporting.entrypoints.web.context import Reporting
from civic311_reporting.entrypoints.web.routes import Context

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/projections", tags=["projections"])


def _rebuilding(ctx: Reporting) -> bool:
    # From the moment it is asked for: the task may not have begun its replay yet.
    return ctx.live.rebuilding or (ctx.rebuild_task is not None and not ctx.rebuild_task.done())


def _status(ctx: Reporting) -> dict[str, Any]:
    live, last = ctx.live, ctx.live.last_rebuild
    return {
        "requests": len(live.states),
        "information_calls": len(live.calls),
        "events": live.events,
        "position": live.position,
        "rebuilding": _rebuilding(ctx),
        "last_rebuild": None
        if last is None
        else {"events": last.events, "requests": last.requests, "position": last.position}
        | {"finished_at": last.finished_at.isoformat()},
        "last_error": ctx.rebuild_error,
    }


@router.get("", summary="How far the live projection has folded")
async def status(ctx: Context) -> dict[str, Any]:
    """`position` is the checkpoint: the highest global position folded into the live view."""
    return _status(ctx)


async def _rebuild(ctx: Reporting) -> int:
    try:
        replayed = await ctx.live.rebuild(ctx.store)
    except Exception as error:
        # The live view stays as it was; the failure is shown by the status and logged with its trace.
        ctx.rebuild_error = f"{type(error).__name__}: {error}"
        log.exception("projection rebuild failed")
        raise
    ctx.rebuild_error = None
    log.info("projection rebuilt on demand", events=replayed, requests=len(ctx.live.states))
    return replayed


def _operator_refusal(ctx: Reporting, authorization: str | None) -> JSONResponse | None:
    """None if the caller holds the operators' token; else the answer that refuses them."""
    if ctx.admin_token is None:
        return JSONResponse({"error": "rebuilding on demand is off: set ADMIN_TOKEN"}, status_code=403)
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), ctx.admin_token.encode()):
        return JSONResponse(
            {"error": "Authorization: Bearer <ADMIN_TOKEN> required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return None


@router.post(
    "/rebuild",
    status_code=202,
    summary="Rebuild the projection from the store, beside the live one, then swap",
    responses={
        401: {"description": "No or a wrong operator token."},
        403: {"description": "Rebuilding on demand is off (no ADMIN_TOKEN set)."},
        409: {"description": "A rebuild is already running."},
    },
)
async def rebuild(ctx: Context, authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Starts a replay of the whole store; the dashboard keeps answering from the live view meanwhile.
    Poll `GET /api/projections` until `rebuilding` is false. Operators only (`Authorization: Bearer`)."""
    refusal = _operator_refusal(ctx, authorization)
    if refusal is not None:
        return refusal
    if _rebuilding(ctx):
        return JSONResponse({"error": "a rebuild is already running"} | _status(ctx), status_code=409)
    ctx.rebuild_task = asyncio.create_task(_rebuild(ctx), name="reporting-rebuild")
    ctx.rebuild_task.add_done_callback(lambda t: t.cancelled() or t.exception())  # retrieved: logged above
    return JSONResponse({"status": "rebuilding"} | _status(ctx), status_code=202)
