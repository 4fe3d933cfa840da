"""The desk pages' forms, read into the same commands and submissions the API builds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import cast

from pydantic import ValidationError
from starlette.datastructures import FormData

from civic311_backbone.contracts import Contact, Cost
from civic311_city.catalogue import RequestType
from civic311_intake.domain.staff.commands import (
    Acknowledge,
    BadCommand,
    Change,
    Close,
    RecordCost,
    Resolution,
    Transfer,
    UpdateStatus,
    WorkStatus,
)
from civic311_intake.domain.submission import Submission, plain_number
from civic311_intake.domain.text import text_problem

ACTIONS = ("acknowledge", "status", "cost", "transfer", "close")
_STATUSES = ("in_progress", "on_hold", "reopened")
_RESOLUTIONS = ("resolved", "duplicate", "not_actionable", "referred", "withdrawn")
_NOTE = 4000


def text(form: FormData, name: str, *, limit: int = _NOTE) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value) > limit:
        raise BadCommand(name, f"at most {limit} characters")
    why = text_problem(value)
    if why is not None:
        raise BadCommand(name, why)
    return value.strip()


def expected_version(form: FormData) -> int | None:
    value = text(form, "expected_version", limit=12)
    if value is None:
        return None
    if not value.isdigit():
        raise BadCommand("expected_version", "a whole number")
    return int(value)


def change_of(action: str, form: FormData) -> Change | Transfer:
    """The command a desk form asks for; BadCommand names the field that is wrong."""
    public, internal = text(form, "public_note"), text(form, "internal_note")
    if action == "acknowledge":
        return Acknowledge(public_note=public, internal_note=internal)
    if action == "status":
        status = text(form, "status")
        if status not in _STATUSES:
            raise BadCommand("status", f"one of {', '.join(_STATUSES)}")
        return UpdateStatus(status=cast(WorkStatus, status), public_note=public, internal_note=internal)
    if action == "cost":
        cost = _cost(form)
        if cost is None:
            raise BadCommand("labour_hours", "give labour hours or materials")
        return RecordCost(cost=cost, internal_note=internal)
    if action == "transfer":
        department = text(form, "department", limit=200)
        if department is None:
            raise BadCommand("department", "the department to transfer to")
        return Transfer(department=department, queue=text(form, "queue", limit=200), note=text(form, "note"))
    resolution = text(form, "resolution")
    if resolution not in _RESOLUTIONS:
        raise BadCommand("resolution", f"one of {', '.join(_RESOLUTIONS)}")
    return Close(
        resolution=cast(Resolution, resolution),
        duplicate_of=text(form, "duplicate_of", limit=20),
        public_note=public,
        internal_note=internal,
        cost=_cost(form),
    )


def _cost(form: FormData) -> Cost | None:
    hours, materials = _amount(form, "labour_hours"), _amount(form, "materials")
    if hours is None and materials is None:
        return None
    return Cost(labour_hours=hours or Decimal(0), materials=materials or Decimal(0))


def _amount(form: FormData, name: str) -> Decimal | None:
    value = text(form, name, limit=20)
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise BadCommand(name, "a number, e.g. 1.5") from error
    if not amount.is_finite() or amount < 0:
        raise BadCommand(name, "a number of at least 0")
    try:
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation as error:  # too many digits to keep to the cent (1E30): no amount anyone spent
        raise BadCommand(name, "a number, e.g. 1.5") from error


def caller_submission(form: FormData, request_type: RequestType) -> tuple[Submission, dict[str, str]]:
    """What an agent typed for a caller, and the problems found before the shared checks."""
    errors: dict[str, str] = {}
    channel = text(form, "channel")
    if channel not in ("phone", "walk_in"):
        errors["channel"] = "Choose phone or walk-in"
    coordinates = {name: _coordinate(form, name, errors) for name in ("lat", "long")}
    language = text(form, "language") or "en"
    if language not in ("en", "es"):
        errors["language"] = "Choose English or Spanish"
    contact = {name: text(form, name, limit=254) for name in ("first_name", "last_name", "email", "phone")}
    answers: dict[str, str | list[str]] = {}
    for question in request_type.attributes:
        given = [
            v.strip() for v in form.getlist(f"attribute[{question.code}]") if isinstance(v, str) and v.strip()
        ]
        if given:
            answers[question.code] = given if question.datatype == "multivaluelist" else given[0]
    submission = Submission(
        service_code=request_type.code,
        channel="walk_in" if channel == "walk_in" else "phone",
        description=text(form, "description", limit=10_000),
        lat=coordinates["lat"],
        long=coordinates["long"],
        address_string=text(form, "address_string", limit=10_000),
        attributes=answers,
        contact=_contact(contact, errors),
        language="es" if language == "es" else "en",
    )
    return submission, errors


def _contact(given: dict[str, str | None], errors: dict[str, str]) -> Contact | None:
    if not any(given.values()):
        return None
    try:
        return Contact(**{k: v for k, v in given.items() if v})
    except ValidationError as error:
        for problem in error.errors():
            errors[str(problem["loc"][0])] = f"{problem['loc'][0]}: {problem['msg']}"
        return None


def _coordinate(form: FormData, name: str, errors: dict[str, str]) -> float | None:
    value = text(form, name, limit=30)
    if value is None:
        return None
    number = plain_number(value)
    if number is None:
        errors[name] = f"{name}: a number in decimal degrees"
    return number
