"""Any city's CSV export read through a column mapping: rows into RequestCreated, Assigned and Closed.

A row is refused, with the column and why, when it has no case id, no opening time or no type, when a
time does not parse, when a coordinate is not a number on the globe, or when it closes before it opens.
A case with no department gets the mapping's `default_department`; without one it is imported
unassigned, and its target time is dropped (it has no `Assigned` to carry it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pydantic import ValidationError

from civic311_backbone.contracts import Actor, Assigned, Closed, Location, RequestCreated
from civic311_backbone.contracts.envelope import Payload
from civic311_reporting.adapters.importing.cases import ImportedCase, Rejection, case_events
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.adapters.importing.mapping import ColumnMapping, MappingError
from civic311_reporting.domain.comparison import ON_TIME_FLAG

# Where a payload field comes from, to name the column when the contract refuses a value.
_PAYLOAD_FIELDS = {
    "tracking_number": "case_id",
    "external_id": "case_id",
    "service_code": "service_code",
    "description": "description",
    "lat": "lat",
    "long": "long",
    "address_string": "address",
    "department": "department",
    "queue": "queue",
    "district": "district",
}


class FieldError(ValueError):
    def __init__(self, column: str, why: str) -> None:
        super().__init__(f"{column}: {why}")
        self.column = column


def _text(row: dict[str, str], column: str | None) -> str:
    return (row.get(column) or "").strip() if column else ""


def _time(row: dict[str, str], column: str | None, mapping: ColumnMapping) -> datetime | None:
    text = _text(row, column)
    if not text or column is None:
        return None
    try:
        return mapping.parse_time(text)
    except ValueError:
        raise FieldError(column, f"not a time: {text!r} (expected {mapping.time_format})") from None


def _coordinate(row: dict[str, str], column: str | None, limit: float) -> float | None:
    text = _text(row, column)
    if not text or column is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise FieldError(column, f"not a number: {text!r}") from None
    if not -limit <= value <= limit:
        raise FieldError(column, f"{value} is outside -{limit:g}..{limit:g}")
    return value


def _required(row: dict[str, str], column: str) -> str:
    text = _text(row, column)
    if not text:
        raise FieldError(column, "empty")
    return text


def _resolution(row: dict[str, str], mapping: ColumnMapping) -> Closed:
    reason = " ".join(_text(row, mapping.columns.resolution).split())
    lowered = reason.lower()
    resolution = next(
        (r for text, r in mapping.resolutions.items() if text.lower() in lowered), mapping.default_resolution
    )
    note = " ".join(_text(row, mapping.columns.closure_note).split()) or reason
    return Closed(resolution=resolution, public_note=note[:4000] or None)


def _closed_at(row: dict[str, str], mapping: ColumnMapping, opened: datetime) -> datetime | None:
    c = mapping.columns
    closed_at = _time(row, c.closed_at, mapping)
    if closed_at is None or (
        mapping.closed_statuses is not None and _text(row, c.status) not in mapping.closed_statuses
    ):
        return None
    if closed_at < opened:
        raise FieldError(
            str(c.closed_at), f"closed {closed_at:%Y-%m-%d %H:%M}Z before opened {opened:%Y-%m-%d %H:%M}Z"
        )
    return closed_at


def _facts(row: dict[str, str], case_id: str, mapping: ColumnMapping) -> list[tuple[Payload, datetime]]:
    c = mapping.columns
    opened = _time(row, c.opened_at, mapping)
    if opened is None:
        raise FieldError(c.opened_at, "empty")
    location = Location(
        lat=_coordinate(row, c.lat, 90),
        long=_coordinate(row, c.long, 180),
        address_string=_text(row, c.address)[:500] or None,
    )
    created = RequestCreated(
        tracking_number=case_id,
        service_code=_required(row, c.service_code),
        description=_text(row, c.description)[:4000] or None,
        location=location,
        channel=mapping.channels.get(_text(row, c.channel), mapping.default_channel),
        external_id=case_id,
    )
    facts: list[tuple[Payload, datetime]] = [(created, opened)]
    due_at = _time(row, c.due_at, mapping)
    department = _text(row, c.department) or mapping.default_department
    if department:
        queue = _text(row, c.queue) or department
        district = _text(row, c.district) or None
        assigned = Assigned(
            department=department, queue=queue, due_at=due_at, reason="import", district=district
        )
        facts.append((assigned, opened))
    closed_at = _closed_at(row, mapping, opened)
    if closed_at is not None:
        facts.append((_resolution(row, mapping), closed_at))
    return facts


def _refused(line: int, case_id: str, error: ValidationError, mapping: ColumnMapping) -> Rejection:
    first = error.errors()[0]
    key = _PAYLOAD_FIELDS.get(str(first["loc"][-1]) if first["loc"] else "", "")
    column = getattr(mapping.columns, key) if key else None
    where = column or ".".join(map(str, first["loc"]))
    return Rejection(line, case_id, f"{where}: {first['msg']}", column or "")


def parse_row(line: int, row: dict[str, str], mapping: ColumnMapping) -> ImportedCase | Rejection:
    column = mapping.columns.case_id
    case_id = _text(row, column)
    if not case_id:
        return Rejection(line, "", f"{column}: empty", column)
    try:
        facts = _facts(row, case_id, mapping)
    except FieldError as error:
        return Rejection(line, case_id, str(error), error.column)
    except ValidationError as error:
        return _refused(line, case_id, error, mapping)
    actor = Actor(kind="system", id=f"import-{mapping.name}")
    return ImportedCase(mapping.streams + case_id, case_events(mapping.name, case_id, actor, facts))


def read_cases(export: ExportFile, mapping: ColumnMapping) -> Iterator[ImportedCase | Rejection]:
    """Every row as a case or a rejection; a mapped column missing from the file is a MappingError."""
    mapping.check_header(export.header(), export.path.name)
    for line, row in export.rows():
        yield parse_row(line, row, mapping)


def city_flags(export: ExportFile, mapping: ColumnMapping) -> dict[str, str]:
    """The city's own flag per stream, as ONTIME or what the city wrote ('' where it gives none)."""
    column = mapping.columns.on_time_flag
    if column is None:
        raise MappingError(f"columns.on_time_flag: mapping {mapping.name!r} names no on-time flag to compare")
    mapping.check_header(export.header(), export.path.name)
    flags: dict[str, str] = {}
    for _, row in export.rows():
        case_id = _text(row, mapping.columns.case_id)
        if case_id:
            flag = _text(row, column)
            flags[mapping.streams + case_id] = ON_TIME_FLAG if flag in mapping.on_time_flags else flag
    return flags
