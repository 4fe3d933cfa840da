"""The staff desk's JSON API under /api/staff: the queue, a request's full view, filing, and changes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from civic311_backbone.contracts import Contact, Cost, utc_now
from civic311_backbone.contracts.events import Language
from civic311_intake.application.desk import (
    NoSuchRequest,
    StaleRequest,
    change_request,
    file_for_caller,
    view_request,
)
from civic311_intake.application.filing import SubmissionRejected
from civic311_intake.application.queue import MAX_QUEUE, Queue, QueueFilter, department_queue
from civic311_intake.domain.staff.commands import (
    Acknowledge,
    BadCommand,
    Change,
    Close,
    NotAllowed,
    NotNow,
    RecordCost,
    Resolution,
    Transfer,
    UpdateStatus,
    WorkStatus,
)
from civic311_intake.domain.staff.view import StaffRequest
from civic311_intake.domain.submission import Submission
from civic311_intake.entrypoints.api.dependencies import Pool
from civic311_intake.entrypoints.desk.auth import ApiSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body
from civic311_intake.entrypoints.desk.dependencies import DeskDep

router = APIRouter(prefix="/api/staff", tags=["staff desk"])
Note = Annotated[str | None, Field(default=None, max_length=4000)]
Filter = Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")]


@router.get("/queue", response_model=Queue, responses={k: ANSWERS[k] for k in (401, 403)})
async def queue(
    session: ApiSession,
    pool: Pool,
    desk: DeskDep,
    department: Filter = None,
    queue: Filter = None,
    service_code: Filter = None,
    stage: Filter = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_QUEUE)] = 200,
) -> Queue:
    """Open requests of the member's department (or `department`, within their scope), soonest due first."""
    wanted = QueueFilter(
        department=department,
        queue=queue,
        service_code=service_code,
        stage=stage,
        overdue_only=overdue,
        limit=limit,
    )
    with desk_errors():
        return await department_queue(pool, desk.catalogue, session.member, wanted, now=utc_now())


class CallerReport(Body):
    service_code: str = Field(min_length=1, max_length=100)
    channel: Literal["phone", "walk_in"]
    description: str | None = Field(default=None, max_length=4000)
    lat: float | None = None
    long: float | None = None
    address_string: str | None = Field(default=None, max_length=500)
    address_id: str | None = Field(default=None, max_length=100)
    attributes: dict[str, str | list[str]] = Field(default_factory=dict)
    media_url: str | None = Field(default=None, max_length=2000)
    contact: Contact | None = None
    language: Language = "en"


class Filed(BaseModel):
    tracking_number: str


@router.post(
    "/requests", status_code=201, response_model=Filed, responses={k: ANSWERS[k] for k in (401, 403)}
)
async def file_request_for_caller(body: CallerReport, session: ApiSession, desk: DeskDep) -> Filed:
    """An agent files a caller's (phone) or visitor's (walk-in) report; the contact is kept, never shown."""
    submission = Submission(**body.model_dump(exclude={"contact"}), contact=body.contact)
    with desk_errors():
        filed = await file_for_caller(desk, session.member, submission)
    return Filed(tracking_number=filed.tracking_number)


@router.get("/requests/{tracking_number}", response_model=StaffRequest, responses=ANSWERS)
async def staff_request(tracking_number: str, session: ApiSession, desk: DeskDep) -> StaffRequest:
    """The whole request as staff see it: contact, internal notes, costs, who did what."""
    with desk_errors():
        return await view_request(desk, session.member, tracking_number)


class _Change(Body):
    expected_version: int | None = Field(
        default=None, ge=1, description="The request's `version` as you read it: 409 if it has moved since."
    )


class AcknowledgeBody(_Change):
    public_note: Note
    internal_note: Note


class CostBody(Body):
    labour_hours: Decimal = Field(default=Decimal(0), ge=0, le=10_000, decimal_places=2)
    materials: Decimal = Field(default=Decimal(0), ge=0, le=10_000_000, decimal_places=2)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")

    def cost(self) -> Cost:
        return Cost(labour_hours=self.labour_hours, materials=self.materials, currency=self.currency)


class StatusBody(_Change):
    status: WorkStatus
    public_note: Note
    internal_note: Note
    cost: CostBody | None = None


class CostRecordBody(CostBody, _Change):
    internal_note: Note


class TransferBody(_Change):
    department: str = Field(min_length=1, max_length=200)
    queue: str | None = Field(default=None, max_length=200)
    note: Note


class CloseBody(_Change):
    resolution: Resolution
    duplicate_of: str | None = Field(default=None, max_length=20)
    public_note: Note
    internal_note: Note
    cost: CostBody | None = None


async def _change(
    desk: DeskDep, session: ApiSession, number: str, change: Change | Transfer, expected: int | None
) -> StaffRequest:
    with desk_errors():
        return await change_request(desk, session.member, number, change, expected_version=expected)


@router.post("/requests/{tracking_number}/acknowledge", response_model=StaffRequest, responses=ANSWERS)
async def acknowledge(
    tracking_number: str, body: AcknowledgeBody, session: ApiSession, desk: DeskDep
) -> StaffRequest:
    change = Acknowledge(public_note=body.public_note, internal_note=body.internal_note)
    return await _change(desk, session, tracking_number, change, body.expected_version)


@router.post("/requests/{tracking_number}/status", response_model=StaffRequest, responses=ANSWERS)
async def update_status(
    tracking_number: str, body: StatusBody, session: ApiSession, desk: DeskDep
) -> StaffRequest:
    change = UpdateStatus(
        status=body.status,
        public_note=body.public_note,
        internal_note=body.internal_note,
        cost=body.cost.cost() if body.cost else None,
    )
    return await _change(desk, session, tracking_number, change, body.expected_version)


@router.post("/requests/{tracking_number}/cost", response_model=StaffRequest, responses=ANSWERS)
async def record_cost(
    tracking_number: str, body: CostRecordBody, session: ApiSession, desk: DeskDep
) -> StaffRequest:
    change = RecordCost(cost=body.cost(), internal_note=body.internal_note)
    return await _change(desk, session, tracking_number, change, body.expected_version)


@router.post(
    "/requests/{tracking_number}/transfer", status_code=202, response_model=StaffRequest, responses=ANSWERS
)
async def transfer(
    tracking_number: str, body: TransferBody, session: ApiSession, desk: DeskDep
) -> StaffRequest:
    """Ask routing to move the request: 202, the request with its `pending_transfer` until routing's
    Assigned (new department, queue and due time) or TransferRefused (with its reason) is on the record."""
    change = Transfer(department=body.department, queue=body.queue, note=body.note)
    return await _change(desk, session, tracking_number, change, body.expected_version)


@router.post("/requests/{tracking_number}/close", response_model=StaffRequest, responses=ANSWERS)
async def close(tracking_number: str, body: CloseBody, session: ApiSession, desk: DeskDep) -> StaffRequest:
    change = Close(
        resolution=body.resolution,
        duplicate_of=body.duplicate_of,
        public_note=body.public_note,
        internal_note=body.internal_note,
        cost=body.cost.cost() if body.cost else None,
    )
    return await _change(desk, session, tracking_number, change, body.expected_version)


@contextmanager
def desk_errors() -> Iterator[None]:
    """The desk's refusals as HTTP answers; a field problem in FastAPI's own 422 shape."""
    try:
        yield
    except NotAllowed as error:
        raise HTTPException(403, str(error)) from error
    except NoSuchRequest as error:
        raise HTTPException(404, str(error)) from error
    except (NotNow, StaleRequest) as error:
        raise HTTPException(409, str(error)) from error
    except BadCommand as error:
        status = 400 if error.field == "tracking_number" else 422
        raise HTTPException(status, _problems([(error.field, error.message)])) from error
    except SubmissionRejected as error:
        raise HTTPException(422, _problems([(p.field, p.message) for p in error.problems])) from error


def _problems(problems: list[tuple[str, str]]) -> list[dict[str, object]]:
    return [{"loc": ["body", field], "msg": message, "type": "value_error"} for field, message in problems]
