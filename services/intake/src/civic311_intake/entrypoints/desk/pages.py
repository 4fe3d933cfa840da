"""The staff desk's pages: sign-in, the queue, a request with its forms, and filing for a caller.

English only. The session is the HttpOnly, SameSite=Strict cookie that the sign-in form sets; every form
POST carries the web layer's double-submit CSRF token. A refusal (scope, state, a stale page, a wrong
field) shows the same page again with the reason, and nothing saved.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from civic311_backbone.contracts import utc_now
from civic311_intake.application.desk import (
    Desk,
    NoSuchRequest,
    StaleRequest,
    change_request,
    file_for_caller,
    view_request,
)
from civic311_intake.application.filing import SubmissionRejected
from civic311_intake.application.queue import QueueFilter, department_queue
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.entrypoints.api.dependencies import Pool, StaffAccountsDep
from civic311_intake.entrypoints.api.errors import excerpt
from civic311_intake.entrypoints.desk.auth import SESSION_COOKIE, SIGN_IN_PATH, PageSession
from civic311_intake.entrypoints.desk.dependencies import DeskDep
from civic311_intake.entrypoints.desk.page_forms import (
    ACTIONS,
    caller_submission,
    change_of,
    expected_version,
)
from civic311_intake.entrypoints.web import WebDep, require_csrf

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]
STAGES = ("received", "assigned", "acknowledged", "in_progress", "on_hold", "reopened")
SESSION_SECONDS = 10 * 3600
TRACKING_NUMBER = re.compile(r"[0-9A-Z]{3}-[0-9A-Z]{5}")
STYLESHEET = Path(__file__).parent / "static" / "desk.css"


def render(
    request: Request,
    web: WebDep,
    template: str,
    member: StaffMember | None,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A desk page: in English whatever the browser asks, without the residents' language switch."""
    english = {"t": web.translator_in("en"), "lang": "en", "languages": (), "member": member}
    response = web.render(
        request, template, {"problem": None, **english, **(context or {})}, status_code=status_code
    )
    response.headers["Content-Language"] = "en"
    return response


@router.get("/staff/desk.css")
async def stylesheet() -> FileResponse:
    return FileResponse(STYLESHEET, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/staff")
async def desk_home() -> RedirectResponse:
    return RedirectResponse("/staff/queue", status_code=303)


@router.get("/staff/sign-in", response_class=HTMLResponse)
async def sign_in_form(request: Request, web: WebDep, next: str = "/staff/queue") -> HTMLResponse:
    return render(request, web, "desk/sign_in.html", None, {"next": _local(next), "username": ""})


@router.post("/staff/sign-in", dependencies=CSRF)
async def sign_in(request: Request, web: WebDep, accounts: StaffAccountsDep) -> Response:
    form = await request.form()
    username, password, next_path = (str(form.get(name, "")) for name in ("username", "password", "next"))
    given = username and password and "\x00" not in username
    member = await accounts.authenticate(username, password) if given else None
    if member is None:
        context: dict[str, Any] = {
            "next": _local(next_path),
            "username": username,
            "problem": "unknown username or wrong password",
        }
        return render(request, web, "desk/sign_in.html", None, context, status_code=401)
    response = RedirectResponse(_local(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        await accounts.open_session(member),
        max_age=SESSION_SECONDS,
        path="/staff",
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )
    return response


@router.post("/staff/sign-out", dependencies=CSRF)
async def sign_out(session: PageSession, accounts: StaffAccountsDep) -> RedirectResponse:
    await accounts.close_session(session.token)
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


@router.get("/staff/queue", response_class=HTMLResponse)
async def queue_page(
    request: Request,
    web: WebDep,
    session: PageSession,
    pool: Pool,
    desk: DeskDep,
    department: str | None = None,
    queue: str | None = None,
    service_code: str | None = None,
    stage: str | None = None,
    overdue: bool = False,
    moved: str = "",
    view: str = "list",
) -> HTMLResponse:
    member = session.member
    chosen = QueueFilter(
        department=department or None,
        queue=queue or None,
        service_code=service_code or None,
        stage=stage or None,
        overdue_only=overdue,
    )
    departments = sorted(d for d in _departments(desk) if member.may_view(d))
    try:
        found = await department_queue(pool, desk.catalogue, member, chosen, now=utc_now())
    except (NotAllowed, BadCommand) as error:
        context: dict[str, Any] = {
            "queue": {"department": department, "requests": []},
            "departments": departments,
        }
        context |= {"chosen": chosen, "stages": STAGES, "problem": str(error), "moved": ""}
        context |= _views(request, view)
        status = 403 if isinstance(error, NotAllowed) else 422
        return render(request, web, "desk/queue.html", member, context, status_code=status)
    context = {"queue": found, "departments": departments, "chosen": chosen, "stages": STAGES}
    context["moved"] = moved if TRACKING_NUMBER.fullmatch(moved) else ""
    context |= _views(request, view)
    return render(request, web, "desk/queue.html", member, context)


@router.get("/staff/requests/{tracking_number}", response_class=HTMLResponse)
async def request_page(
    tracking_number: str, request: Request, web: WebDep, session: PageSession, desk: DeskDep, done: str = ""
) -> HTMLResponse:
    return await _request_page(request, web, session.member, desk, tracking_number, done=done)


async def _request_page(
    request: Request,
    web: WebDep,
    member: StaffMember,
    desk: Desk,
    number: str,
    *,
    done: str = "",
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        shown = await view_request(desk, member, number)
    except (NotAllowed, NoSuchRequest, BadCommand) as error:
        code = 403 if isinstance(error, NotAllowed) else 404 if isinstance(error, NoSuchRequest) else 400
        context: dict[str, Any] = {
            "heading": "Not shown",
            "text": str(error),
            "links": [("/staff/queue", "Back to the queue")],
        }
        return render(request, web, "desk/message.html", member, context, status_code=code)
    confidential = desk.confidential(shown)
    context = {
        "r": shown,
        "may_work": member.may_work(shown.department, confidential=confidential),
        "may_transfer": member.may_transfer(shown.department, confidential=confidential),
        "departments": sorted(d for d in _departments(desk) if d != shown.department),
        "done": done if done in ACTIONS else "",
        "problem": problem,
    }
    return render(request, web, "desk/request.html", member, context, status_code=status_code)


@router.post("/staff/requests/{tracking_number}/{action}", dependencies=CSRF, response_class=HTMLResponse)
async def act(
    tracking_number: str, action: str, request: Request, web: WebDep, session: PageSession, desk: DeskDep
) -> Response:
    member = session.member
    if action not in ACTIONS:
        context: dict[str, Any] = {
            "heading": "No such action",
            "text": excerpt(action),  # what was asked, as every refusal shows it: a short excerpt
            "links": [("/staff/queue", "Back to the queue")],
        }
        return render(request, web, "desk/message.html", member, context, status_code=404)
    form = await request.form()
    try:
        change = change_of(action, form)
        changed = await change_request(
            desk, member, tracking_number, change, expected_version=expected_version(form)
        )
    except NotAllowed as error:
        return await _again(request, web, member, desk, tracking_number, str(error), 403)
    except (NotNow, StaleRequest) as error:
        return await _again(request, web, member, desk, tracking_number, str(error), 409)
    except BadCommand as error:
        return await _again(request, web, member, desk, tracking_number, str(error), 422)
    except NoSuchRequest as error:
        return await _again(request, web, member, desk, tracking_number, str(error), 404)
    if not member.may_view(changed.department, confidential=desk.confidential(changed)):
        # Transferred out of the member's scope: back to their queue, which says where it went.
        return RedirectResponse(f"/staff/queue?moved={changed.tracking_number}", status_code=303)
    return RedirectResponse(f"/staff/requests/{changed.tracking_number}?done={action}", status_code=303)


async def _again(
    request: Request, web: WebDep, member: StaffMember, desk: Desk, number: str, problem: str, status: int
) -> HTMLResponse:
    return await _request_page(request, web, member, desk, number, problem=problem, status_code=status)


@router.get("/staff/new", response_class=HTMLResponse)
async def new_form(
    request: Request, web: WebDep, session: PageSession, desk: DeskDep, service_code: str | None = None
) -> HTMLResponse:
    return _new_page(request, web, session.member, desk, service_code, {}, {}, {})


@router.post("/staff/new", dependencies=CSRF, response_class=HTMLResponse)
async def file_new(request: Request, web: WebDep, session: PageSession, desk: DeskDep) -> HTMLResponse:
    member = session.member
    form = await request.form()
    request_type = desk.catalogue.get(str(form.get("service_code", "")))
    if request_type is None or not member.may_file:
        return _new_page(request, web, member, desk, None, {}, {}, {})
    values = {k: v for k, v in form.items() if isinstance(v, str) and not k.startswith("attribute[")}
    try:
        submission, errors = caller_submission(form, request_type)
    except BadCommand as error:
        problem = {error.field: str(error)}
        return _new_page(request, web, member, desk, request_type.code, values, {}, problem, status_code=422)
    answers = {
        code: list(answer) if isinstance(answer, list) else [answer]
        for code, answer in submission.attributes.items()
    }
    if not errors:
        try:
            filed = await file_for_caller(desk, member, submission)
        except SubmissionRejected as rejected:
            errors = {_field_id(p.field): f"{p.field}: {p.message}" for p in rejected.problems}
        else:
            context: dict[str, Any] = {"tracking_number": filed.tracking_number}
            return render(request, web, "desk/filed.html", member, context, status_code=201)
    return _new_page(request, web, member, desk, request_type.code, values, answers, errors, status_code=422)


def _new_page(
    request: Request,
    web: WebDep,
    member: StaffMember,
    desk: Desk,
    service_code: str | None,
    values: dict[str, str],
    answers: dict[str, list[str]],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    catalogue = desk.catalogue
    if not member.may_file:
        text = "Only agents, supervisors and admins file requests for callers."
        context: dict[str, Any] = {
            "heading": "Not for your role",
            "text": text,
            "links": [("/staff/queue", "Back to the queue")],
        }
        return render(request, web, "desk/message.html", member, context, status_code=403)
    chosen = catalogue.get(service_code) if service_code else None
    questions = (
        [(q, [(v.key, v.name) for v in q.values]) for q in sorted(chosen.attributes, key=lambda a: a.order)]
        if chosen
        else []
    )
    types = sorted(catalogue.types, key=lambda rt: (rt.group, rt.name))
    context = {"types": types, "chosen": chosen, "questions": questions, "values": values, "answers": answers}
    return render(
        request, web, "desk/new.html", member, context | {"errors": errors}, status_code=status_code
    )


def _field_id(field: str) -> str:
    if field.startswith("attribute[") and field.endswith("]"):
        return f"attr-{field[len('attribute[') : -1]}"
    return "address_string" if field == "location" else field


def _views(request: Request, view: str) -> dict[str, Any]:
    """The queue as a list or as a map, and the links between the two (keeping the filters)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("view", "moved")]
    links = {name: f"/staff/queue?{urlencode([*kept, ('view', name)])}" for name in ("list", "map")}
    return {"view": "map" if view == "map" else "list", "view_links": links}


def _departments(desk: Desk) -> set[str]:
    return set(desk.catalogue.departments)


def _local(path: str) -> str:
    """Only a path on the desk itself: never an open redirect to another site."""
    return path if path.startswith("/staff/") and not path.startswith("//") else "/staff/queue"
