"""The confirmation after filing, and the tracking page: a request's public timeline, by tracking number."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from civic311_backbone.contracts import from_record
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from civic311_city.catalogue import Catalogue
from civic311_intake.domain.public_view import PublicRequest, public_view
from civic311_intake.entrypoints.api.dependencies import CatalogueDep, Store
from civic311_intake.entrypoints.pages.timeline import history, stages
from civic311_intake.entrypoints.web import Translator, WebDep

router = APIRouter(include_in_schema=False)


@router.get("/requests/{tracking_number}/filed", response_class=HTMLResponse)
async def filed(
    tracking_number: str, request: Request, web: WebDep, store: Store, catalogue: CatalogueDep
) -> HTMLResponse:
    found = await _lookup(tracking_number, request, web, store)
    if isinstance(found, HTMLResponse):
        return found
    context = {"view": found, "request_type": catalogue.get(found.service_code)}
    return web.render(request, "pages/filed.html", context)


@router.get("/track", response_class=HTMLResponse)
async def track_form(request: Request, web: WebDep) -> Response:
    typed = request.query_params.get("tracking_number")
    if typed is None:
        return web.render(request, "pages/track_form.html", {"typed": "", "errors": {}})
    t = web.translator(request)
    try:
        canonical = parse_tracking_number(typed) if typed.strip() else None
    except InvalidTrackingNumber as error:
        problem = _why_invalid(error, t)
    else:
        if canonical is not None:
            return RedirectResponse(f"/track/{canonical}", status_code=303)
        problem = t("track.empty")
    context = {"typed": typed, "errors": {"tracking_number": problem}}
    return web.render(request, "pages/track_form.html", context, status_code=400)


@router.get("/track/{tracking_number}", response_class=HTMLResponse)
async def track(
    tracking_number: str, request: Request, web: WebDep, store: Store, catalogue: CatalogueDep
) -> HTMLResponse:
    return await track_page(tracking_number, request, web, store, catalogue)


async def track_page(
    tracking_number: str,
    request: Request,
    web: WebDep,
    store: EventStore,
    catalogue: Catalogue,
    *,
    extra: Mapping[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The tracking page; `extra` for a form on it shown again with its errors (the follow form)."""
    found = await _lookup(tracking_number, request, web, store)
    if isinstance(found, HTMLResponse):
        return found
    request_type = catalogue.get(found.service_code)
    confidential = request_type is None or request_type.confidential
    context = {
        "view": found,
        "request_type": request_type,
        "stages": stages(found),
        "history": history(found),
        "district": request.app.state.city.districts.containing(found.lat, found.long),  # the map's caption
        "followable": found.status == "open" and not confidential,  # the "keep me informed" form
        **(extra or {}),
    }
    return web.render(request, "pages/track.html", context, status_code=status_code)


async def _lookup(
    tracking_number: str, request: Request, web: WebDep, store: EventStore
) -> PublicRequest | HTMLResponse:
    """The request's public view, or the page that says why there is none (400 malformed, 404 unknown)."""
    t = web.translator(request)
    try:
        canonical = parse_tracking_number(tracking_number)
    except InvalidTrackingNumber as error:
        invalid = {"typed": tracking_number, "errors": {"tracking_number": _why_invalid(error, t)}}
        return web.render(request, "pages/track_form.html", invalid, status_code=400)
    view = public_view([from_record(r) for r in await store.read_stream(stream_id_for(canonical))])
    if view is None:
        unknown = {
            "heading": t("track.not_found_title"),
            "text": t("track.not_found_text", number=canonical),
            "links": [("/track", t("track.try_again")), ("/report", t("home.report_button"))],
        }
        return web.render(request, "web/message.html", unknown, status_code=404)
    return view


def _why_invalid(error: InvalidTrackingNumber, t: Translator) -> str:
    """parse_tracking_number's reason, in the page's language."""
    reason = str(error)
    if reason.startswith("these characters are never used: "):
        return t("track.never_used", characters=reason.rsplit(": ", 1)[1])
    if reason.startswith("a tracking number has"):
        return t("track.wrong_length")
    return t("track.not_ours")
