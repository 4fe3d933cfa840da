"""The resident's "not fixed" link (from the closing e-mail) and the tracking page's "keep me informed".

GET /not-fixed?t=… only shows what the link will do: mail scanners and link previews fetch every link
in an e-mail, so a GET must change nothing. The page's button POSTs the same token (CSRF as every page
form); the request reopens once per closing, within the per-request limit, never for a confidential
type. POST /track/{tracking_number}/follow records an address (and language) as a follower.
"""

from __future__ import annotations

import re
from typing import cast

import phonenumbers
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from civic311_backbone.contracts.events import Language
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number
from civic311_intake.application.resident_links import follow, say_not_fixed
from civic311_intake.domain.resident_links import InvalidLink, LinkClaims, NotFixedRule, verify
from civic311_intake.entrypoints.api.dependencies import CatalogueDep, Settings, Store
from civic311_intake.entrypoints.pages.track import track_page
from civic311_intake.entrypoints.web import LANGUAGES, WebDep, require_csrf
from civic311_intake.settings import IntakeSettings

router = APIRouter(include_in_schema=False)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_LENGTH = 254
_PHONE_LENGTH = 40


def mobile_number(raw: str, region: str) -> str | None:
    """A mobile number as texts are sent to it (E.164, e.g. +16175550100), or None if it is none."""
    if len(raw) > _PHONE_LENGTH:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_STATUS = {"reopen": 200, "used": 200, "outdated": 409, "not_resolved": 409, "too_many": 429}


def _claims(token: str | None, settings: IntakeSettings) -> LinkClaims | None:
    if not token or settings.resident_link_secret is None:
        return None
    try:
        return verify(token, settings.resident_link_secret.get_secret_value().encode(), action="not-fixed")
    except InvalidLink:
        return None


def _bad_link(request: Request, web: WebDep) -> HTMLResponse:
    t = web.translator(request)
    context = {
        "heading": t("not_fixed.bad_title"),
        "text": t("not_fixed.bad_text"),
        "links": [("/track", t("track.title"))],
    }
    return web.render(request, "web/message.html", context, status_code=400)


@router.get("/not-fixed", response_class=HTMLResponse)
async def not_fixed_page(request: Request, web: WebDep, settings: Settings) -> HTMLResponse:
    token = request.query_params.get("t")
    if _claims(token, settings) is None:
        return _bad_link(request, web)
    return web.render(request, "pages/not_fixed.html", {"token": token})


@router.post("/not-fixed", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def not_fixed(request: Request, web: WebDep, settings: Settings, store: Store) -> HTMLResponse:
    token = (await request.form()).get("t")
    claims = _claims(token if isinstance(token, str) else None, settings)
    if claims is None or settings.resident_link_secret is None:
        return _bad_link(request, web)
    rule = NotFixedRule(per_request=settings.not_fixed_per_request, window=settings.not_fixed_window)
    secret = settings.resident_link_secret.get_secret_value().encode()
    outcome = await say_not_fixed(store, claims, secret=secret, rule=rule)
    if outcome.verdict == "confidential" or outcome.tracking_number is None:
        return _bad_link(request, web)  # a confidential request is not spoken of on a public page
    t = web.translator(request)
    number = outcome.tracking_number
    context = {
        "heading": t(f"not_fixed.{outcome.verdict}_title"),
        "text": t(f"not_fixed.{outcome.verdict}_text", number=number),
        "links": [(f"/track/{number}", t("not_fixed.see_request", number=number))],
    }
    return web.render(request, "web/message.html", context, status_code=_STATUS[outcome.verdict])


@router.post(
    "/track/{tracking_number}/follow", response_class=HTMLResponse, dependencies=[Depends(require_csrf)]
)
async def follow_request(
    tracking_number: str, request: Request, web: WebDep, store: Store, catalogue: CatalogueDep
) -> HTMLResponse:
    t = web.translator(request)
    form = await request.form()
    email = str(form.get("follow_email") or "").strip()
    raw_phone = str(form.get("follow_phone") or "").strip()
    language = str(form.get("follow_language") or t.language)
    errors: dict[str, str] = {}
    phone = mobile_number(raw_phone, request.app.state.settings.phone_region) if raw_phone else None
    if email and (len(email) > _EMAIL_LENGTH or not _EMAIL.match(email)):
        errors["follow_email"] = t("problems.email")
    elif raw_phone and phone is None:
        errors["follow_phone"] = t("problems.mobile")
    elif not email and not raw_phone:
        errors["follow_email"] = t("problems.follow_contact")
    if language not in LANGUAGES:
        errors["follow_language"] = t("problems.language")
    try:
        number = parse_tracking_number(tracking_number)
    except InvalidTrackingNumber:
        return await track_page(tracking_number, request, web, store, catalogue)  # its 400 page
    if errors:
        extra = {"follow_errors": errors, "follow_email": email, "follow_phone": raw_phone}
        return await track_page(number, request, web, store, catalogue, extra=extra, status_code=400)
    verdict = await follow(
        store, catalogue, number, email=email or None, phone=phone, language=cast(Language, language)
    )
    if verdict == "unknown":
        return _no_such_request(request, web, number)
    context = {
        "heading": t(f"follow.{verdict}_title"),
        "text": t(f"follow.{verdict}_text", number=number),
        "links": [(f"/track/{number}", t("not_fixed.see_request", number=number))],
    }
    return web.render(request, "web/message.html", context)


def _no_such_request(request: Request, web: WebDep, number: str) -> HTMLResponse:
    t = web.translator(request)
    context = {
        "heading": t("track.not_found_title"),
        "text": t("track.not_found_text", number=number),
        "links": [("/track", t("track.try_again"))],
    }
    return web.render(request, "web/message.html", context, status_code=404)


def install(app: FastAPI) -> None:
    """Serve the resident links' pages (the pages' templates are installed by pages.install)."""
    app.include_router(router)
