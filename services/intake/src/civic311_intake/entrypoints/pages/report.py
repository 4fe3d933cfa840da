"""Home, the choice of request type, and the report form (GET shows it, POST files it)."""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from uuid import uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from civic311_backbone.contracts import Actor
from civic311_city.catalogue import Catalogue, RequestType
from civic311_intake.adapters.photo_store import PhotoStore
from civic311_intake.application.filing import file_submission
from civic311_intake.application.photos import PHOTO_PATH, forget_photo, keep_photo
from civic311_intake.domain.photos import PhotoRefused
from civic311_intake.entrypoints.api.dependencies import CatalogueDep, Store
from civic311_intake.entrypoints.pages.report_form import (
    ReportForm,
    attribute_field,
    attribute_id,
    read_form,
    submission_from,
)
from civic311_intake.entrypoints.web import WebDep, require_csrf

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, web: WebDep) -> HTMLResponse:
    return web.render(request, "pages/home.html")


@router.get("/report", response_class=HTMLResponse)
async def choose_type(request: Request, web: WebDep, catalogue: CatalogueDep) -> HTMLResponse:
    t = web.translator(request)
    by_group = sorted(catalogue.public(), key=lambda rt: t.group(rt.group))
    groups = [
        (t.group(group), sorted(types, key=t.service_name))
        for group, types in groupby(by_group, key=lambda rt: rt.group)
    ]
    return web.render(request, "pages/choose.html", {"groups": groups})


@router.get("/report/{service_code}", response_class=HTMLResponse)
async def report_form(
    service_code: str, request: Request, web: WebDep, catalogue: CatalogueDep
) -> HTMLResponse:
    request_type = _public_type(catalogue, service_code)
    if request_type is None:
        return _unknown_type(request, web)
    form = ReportForm(values={"language": web.translator(request).language})
    return _form_page(request, web, request_type, form, {})


@router.post("/report/{service_code}", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def file_report(
    service_code: str, request: Request, web: WebDep, catalogue: CatalogueDep, store: Store
) -> Response:
    request_type = _public_type(catalogue, service_code)
    if request_type is None:
        return _unknown_type(request, web)
    t = web.translator(request)
    sent = await request.form()
    form = read_form(sent, request_type, t.language)
    submission, errors = submission_from(form, request_type, catalogue, t)
    photos: PhotoStore | None = getattr(request.app.state, "photos", None)
    upload = sent.get("photo")
    kept = None
    if not errors and photos is not None and isinstance(upload, UploadFile) and upload.filename:
        try:
            kept = await keep_photo(photos, await upload.read())
        except PhotoRefused:
            errors["photo"] = t("problems.photo")
        else:
            submission = replace(
                submission, media_url=f"{str(request.base_url).rstrip('/')}{PHOTO_PATH}{kept}"
            )
    if not errors:
        # An opaque reference: the resident's name or e-mail never goes into the envelope.
        actor = Actor(kind="resident", id=f"resident-web-{uuid4().hex[:12]}")
        try:
            filed = await file_submission(  # checked above: files
                store, catalogue, submission, actor=actor, geocoder=request.app.state.geocoder
            )
        except BaseException:
            if kept is not None and photos is not None:
                await forget_photo(photos, kept)
            raise
        return RedirectResponse(f"/requests/{filed.tracking_number}/filed", status_code=303)
    return _form_page(request, web, request_type, form, errors, status_code=400)


def _public_type(catalogue: Catalogue, service_code: str) -> RequestType | None:
    request_type = catalogue.get(service_code)
    return None if request_type is None or request_type.confidential else request_type


def _unknown_type(request: Request, web: WebDep) -> HTMLResponse:
    t = web.translator(request)
    context = {
        "heading": t("track.not_found_page"),
        "text": t("choose.lead"),
        "links": [("/report", t("choose.title"))],
    }
    return web.render(request, "web/message.html", context, status_code=404)


def _form_page(
    request: Request,
    web: WebDep,
    request_type: RequestType,
    form: ReportForm,
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "request_type": request_type,
        "questions": sorted(request_type.attributes, key=lambda a: a.order),
        "form": form,
        "errors": errors,
        "attribute_field": attribute_field,
        "attribute_id": attribute_id,
        "photos": getattr(request.app.state, "photos", None) is not None,
    }
    return web.render(request, "pages/report.html", context, status_code=status_code)
