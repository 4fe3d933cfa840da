"""The desk and a request's photos, as API and pages: attach one (whoever works the request), hide one from
the public view (a supervisor or an admin, saying why), and see any photo, hidden ones too.

    POST /api/staff/requests/{number}/photos       multipart: photo, expected_version
    POST /api/staff/requests/{number}/photos/hide  JSON: media_url, reason, expected_version
    GET  /api/staff/photos/{key}                   (bearer)   GET /staff/photos/{key} (the pages' cookie)
    POST /staff/requests/{number}/photos/add | /photos/hide   the request page's forms (CSRF)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import Field
from starlette.datastructures import UploadFile as FormFile

from civic311_intake.application.desk import NoSuchRequest, StaleRequest
from civic311_intake.application.photos import PhotoKeeping
from civic311_intake.application.request_photos import attach_photo, hide_photo
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.view import StaffRequest
from civic311_intake.entrypoints.api.dependencies import Pool
from civic311_intake.entrypoints.desk.api import desk_errors
from civic311_intake.entrypoints.desk.auth import ApiSession, PageSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body
from civic311_intake.entrypoints.desk.dependencies import DeskDep
from civic311_intake.entrypoints.desk.page_forms import expected_version, text
from civic311_intake.entrypoints.desk.pages import render
from civic311_intake.entrypoints.pages.photos import photo_keeping, photo_response
from civic311_intake.entrypoints.web import WebDep, require_csrf

router = APIRouter()
_PHOTO_ANSWERS = {
    **ANSWERS,
    422: {"description": "Not a photo we keep, or a field is wrong: its name and why"},
}


async def _keeping(request: Request) -> PhotoKeeping:
    keeping = photo_keeping(request)
    if keeping is None:
        raise HTTPException(404, "this gateway keeps no photos (PHOTO_STORE_PATH or PHOTO_STORE=s3)")
    return keeping


Keeping = Annotated[PhotoKeeping, Depends(_keeping)]


class HideBody(Body):
    media_url: str = Field(min_length=1, max_length=2000, description="The photo, as the request lists it.")
    reason: str = Field(
        min_length=1, max_length=4000, description="Why (staff only): a face, a number plate."
    )
    expected_version: int | None = Field(default=None, ge=1)


@router.post("/api/staff/requests/{tracking_number}/photos", tags=["staff desk"], responses=_PHOTO_ANSWERS)
async def attach(
    tracking_number: str,
    request: Request,
    session: ApiSession,
    desk: DeskDep,
    keeping: Keeping,
    photo: Annotated[UploadFile, File(description="A JPEG, PNG, WebP or HEIC photo.")],
    expected_version: Annotated[int | None, Form(ge=1)] = None,
) -> StaffRequest:
    """Attach a photo (re-encoded without metadata, as a resident's); a PhotoChanged `attached` in your name."""
    with desk_errors():
        return await attach_photo(
            desk,
            keeping,
            session.member,
            tracking_number,
            await photo.read(),
            base_url=str(request.base_url),
            expected_version=expected_version,
        )


@router.post("/api/staff/requests/{tracking_number}/photos/hide", tags=["staff desk"], responses=ANSWERS)
async def hide(
    tracking_number: str, body: HideBody, session: ApiSession, desk: DeskDep, pool: Pool
) -> StaffRequest:
    """Hide a photo from the public view (supervisors and admins): a PhotoChanged `hidden` with your reason."""
    with desk_errors():
        return await hide_photo(
            desk,
            pool,
            session.member,
            tracking_number,
            body.media_url,
            body.reason,
            expected_version=body.expected_version,
        )


@router.get("/api/staff/photos/{key}", tags=["staff desk"], response_class=Response, responses=ANSWERS)
async def api_photo(key: str, request: Request, session: ApiSession) -> Response:
    """Any photo the gateway keeps, hidden ones too."""
    return await photo_response(request, key, public=False)


@router.get("/staff/photos/{key}", include_in_schema=False)
async def page_photo(key: str, request: Request, session: PageSession) -> Response:
    return await photo_response(request, key, public=False)


@router.post(
    "/staff/requests/{tracking_number}/photos/{action}",
    include_in_schema=False,
    dependencies=[Depends(require_csrf)],
)
async def photo_form(
    tracking_number: str,
    action: str,
    request: Request,
    web: WebDep,
    session: PageSession,
    desk: DeskDep,
    pool: Pool,
) -> Response:
    form = await request.form()
    member, base_url = session.member, str(request.base_url)

    async def add() -> StaffRequest:
        upload = form.get("photo")
        keeping = photo_keeping(request)
        if not isinstance(upload, FormFile) or not upload.filename:
            raise BadCommand("photo", "choose a photo to add")
        if keeping is None:
            raise BadCommand("photo", "this gateway keeps no photos")
        data = await upload.read()
        return await attach_photo(
            desk,
            keeping,
            member,
            tracking_number,
            data,
            base_url=base_url,
            expected_version=expected_version(form),
        )

    async def hide() -> StaffRequest:
        media_url = text(form, "media_url", limit=2000) or ""
        return await hide_photo(
            desk,
            pool,
            member,
            tracking_number,
            media_url,
            text(form, "reason"),
            expected_version=expected_version(form),
        )

    actions: dict[str, Callable[[], Awaitable[StaffRequest]]] = {"add": add, "hide": hide}
    status, problem = 404, f"no such photo action: {action}"
    if action in actions:
        try:
            changed = await actions[action]()
        except (NotAllowed, NoSuchRequest, NotNow, StaleRequest, BadCommand) as error:
            status, problem = _status(error), str(error)
        else:
            return RedirectResponse(f"/staff/requests/{changed.tracking_number}#photos", status_code=303)
    context: dict[str, Any] = {
        "heading": "Nothing saved",
        "text": problem,
        "links": [(f"/staff/requests/{tracking_number}#photos", "Back to the request")],
    }
    return render(request, web, "desk/message.html", member, context, status_code=status)


def _status(error: Exception) -> int:
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, NoSuchRequest):
        return 404
    if isinstance(error, BadCommand):
        return 400 if error.field == "tracking_number" else 422
    return 409
