"""The desk's duplicate review, as API (/api/staff/duplicates) and pages (/staff/duplicates).

Every decision answers 202: the DuplicateReviewed is on the record at once, and dedup carries it out a
moment later (closing the duplicate, or reopening it for routing).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from starlette.datastructures import FormData

from civic311_intake.application.desk import NoSuchRequest, StaleRequest
from civic311_intake.application.duplicate_review import (
    MAX_PAIRS,
    ReviewQueue,
    review_duplicate,
    review_queue,
)
from civic311_intake.domain.staff.commands import BadCommand, NotAllowed, NotNow
from civic311_intake.domain.staff.duplicates import Decision, Review
from civic311_intake.domain.staff.view import StaffRequest
from civic311_intake.entrypoints.api.dependencies import Pool
from civic311_intake.entrypoints.desk.api import desk_errors
from civic311_intake.entrypoints.desk.auth import ApiSession, PageSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body
from civic311_intake.entrypoints.desk.dependencies import DeskDep
from civic311_intake.entrypoints.desk.page_forms import expected_version
from civic311_intake.entrypoints.desk.pages import CSRF, TRACKING_NUMBER, render
from civic311_intake.entrypoints.web import WebDep

api = APIRouter(prefix="/api/staff/duplicates", tags=["staff desk: duplicates"])
pages = APIRouter(include_in_schema=False)
Reason = Annotated[str, Field(min_length=1, max_length=4000, description="Why: kept on the record.")]
Department = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]
DONE = {"confirmed", "rejected", "linked", "unlinked"}


def install(app: FastAPI) -> None:
    """Serve the review desk (after desk.install, whose desk, sessions and templates it uses)."""
    app.include_router(api)
    app.include_router(pages)


class Decided(Body):
    reason: Reason
    expected_version: int | None = Field(default=None, ge=1, description="The pair's `version` as read.")


class LinkBody(Decided):
    duplicate: str = Field(min_length=1, max_length=20, description="The request to close as the duplicate.")
    original: str = Field(min_length=1, max_length=20, description="The request it duplicates.")


class UnlinkBody(Decided):
    duplicate: str = Field(min_length=1, max_length=20, description="A request closed as a duplicate.")


@api.get("", response_model=ReviewQueue, responses={k: ANSWERS[k] for k in (401, 403)})
async def pairs(
    session: ApiSession,
    pool: Pool,
    desk: DeskDep,
    department: Department = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAIRS)] = 100,
) -> ReviewQueue:
    """Flagged pairs awaiting review in the member's scope, side by side, longest waiting first."""
    with desk_errors():
        return await review_queue(desk, pool, session.member, department=department, limit=limit)


async def _decide(
    desk: DeskDep, session: ApiSession, number: str, review: Review, expected: int | None
) -> StaffRequest:
    with desk_errors():
        return await review_duplicate(desk, session.member, number, review, expected_version=expected)


@api.post("/{tracking_number}/confirm", status_code=202, response_model=StaffRequest, responses=ANSWERS)
async def confirm(tracking_number: str, body: Decided, session: ApiSession, desk: DeskDep) -> StaffRequest:
    """The flagged pair is one problem: dedup closes this request as a duplicate of the original."""
    review = Review(decision="confirmed", reason=body.reason)
    return await _decide(desk, session, tracking_number, review, body.expected_version)


@api.post("/{tracking_number}/reject", status_code=202, response_model=StaffRequest, responses=ANSWERS)
async def reject(tracking_number: str, body: Decided, session: ApiSession, desk: DeskDep) -> StaffRequest:
    """Two problems: both stay open, and the flag leaves the queue."""
    review = Review(decision="rejected", reason=body.reason)
    return await _decide(desk, session, tracking_number, review, body.expected_version)


@api.post("/link", status_code=202, response_model=StaffRequest, responses=ANSWERS)
async def link(body: LinkBody, session: ApiSession, desk: DeskDep) -> StaffRequest:
    """Any two requests, by hand: `duplicate` is closed as a duplicate of `original`."""
    review = Review(decision="linked", reason=body.reason, original=body.original)
    return await _decide(desk, session, body.duplicate, review, body.expected_version)


@api.post("/unlink", status_code=202, response_model=StaffRequest, responses=ANSWERS)
async def unlink(body: UnlinkBody, session: ApiSession, desk: DeskDep) -> StaffRequest:
    """Not a duplicate after all: the request is reopened, and routing routes it again."""
    review = Review(decision="unlinked", reason=body.reason)
    return await _decide(desk, session, body.duplicate, review, body.expected_version)


@pages.get("/staff/duplicates", response_class=HTMLResponse)
async def review_page(
    request: Request,
    web: WebDep,
    session: PageSession,
    pool: Pool,
    desk: DeskDep,
    department: str | None = None,
    done: str = "",
    number: str = "",
) -> HTMLResponse:
    return await _page(request, web, session, pool, desk, department or None, done=done, number=number)


async def _page(
    request: Request,
    web: WebDep,
    session: PageSession,
    pool: Pool,
    desk: DeskDep,
    department: str | None,
    *,
    done: str = "",
    number: str = "",
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    member = session.member
    departments = sorted(d for d in desk.catalogue.departments if member.may_view(d))
    context: dict[str, Any] = {"departments": departments, "problem": problem}
    context["done"] = done if done in DONE else ""
    context["number"] = number if TRACKING_NUMBER.fullmatch(number) else ""
    try:
        queue = await review_queue(desk, pool, member, department=department)
    except (NotAllowed, BadCommand) as error:
        queue = ReviewQueue(department=department, pairs=[])
        context["problem"], status_code = str(error), 403 if isinstance(error, NotAllowed) else 422
    context["queue"] = queue
    return render(request, web, "desk/duplicates.html", member, context, status_code=status_code)


@pages.post("/staff/duplicates/{action}", dependencies=CSRF, response_class=HTMLResponse)
async def decide_on_page(
    action: str, request: Request, web: WebDep, session: PageSession, pool: Pool, desk: DeskDep
) -> Response:
    form = await request.form()
    try:
        number, review = _review_of(action, form)
        await review_duplicate(desk, session.member, number, review, expected_version=expected_version(form))
    except NotAllowed as error:
        return await _page(request, web, session, pool, desk, None, problem=str(error), status_code=403)
    except (NotNow, StaleRequest) as error:
        return await _page(request, web, session, pool, desk, None, problem=str(error), status_code=409)
    except BadCommand as error:
        return await _page(request, web, session, pool, desk, None, problem=str(error), status_code=422)
    except NoSuchRequest as error:
        return await _page(request, web, session, pool, desk, None, problem=str(error), status_code=404)
    return RedirectResponse(f"/staff/duplicates?done={review.decision}&number={number}", status_code=303)


_ACTIONS: dict[str, Decision] = {
    "confirm": "confirmed",
    "reject": "rejected",
    "link": "linked",
    "unlink": "unlinked",
}


def _review_of(action: str, form: FormData) -> tuple[str, Review]:
    decision = _ACTIONS.get(action)
    if decision is None:
        raise BadCommand("action", f"confirm, reject, link or unlink, not {action[:40]!r}")
    fields = {name: str(form.get(name, "")).strip() for name in ("duplicate", "original", "reason")}
    for name, value in fields.items():
        if "\x00" in value or len(value) > 4000:
            raise BadCommand(name, "at most 4000 characters, without NUL characters")
    if not fields["duplicate"]:
        raise BadCommand("duplicate", "the tracking number of the request to decide about")
    original = fields["original"] if decision == "linked" else None
    return fields["duplicate"], Review(decision=decision, reason=fields["reason"], original=original)
