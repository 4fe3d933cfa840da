"""Any city's CSV export read through a column mapping: rows into RequestCreated, Assigned and Closed.

A row is refused, with the column and why, when it has no case id, no opening time or no type, when a
time does not parse, when a coordinate is not a number on the globe, or when it closes before it opens
by more than the mapping's clock skew (a smaller skew is kept, closed at its open, and counted).
A case with no department gets the mapping's `default_department`; without one it is imported
unassigned, and its target time is dropped (it has no `Assigned` to carry it). The mapping's missing
values, sentinel times and 0,0 coordinates read as empty cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Timing:
    """What calibration reads of a row: its type, when it opened and the city's target (UTC)."""

    line: int
    service_code: str
    opened: datetime
    target: datetime


def _text(row: dict[str, str], column: str | None, mapping: ColumnMapping) -> str:
    text = (row.get(column) or "").strip() if column else ""
    return "" if mapping.is_missing(text) else text


def _time(row: dict[str, str], column: str | None, mapping: ColumnMapping) -> datetime | None:
    text = _text(row, column, mapping)
    if not text or column is None or text in mapping.missing_times:
        return None
    try:
        return mapping.parse_time(text, column)
    except ValueError:
        raise FieldError(column, f"not a time: {text!r} (expected {mapping.time_format})") from None


def _coordinate(
    row: dict[str, str], column: str | None, limit: float, mapping: ColumnMapping
) -> float | None:
    text = _text(row, column, mapping)
    if not text or column is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise FieldError(column, f"not a number: {text!r}") from None
    if not -limit <= value <= limit:
        raise FieldError(column, f"{value} is outside -{limit:g}..{limit:g}")
    return value


def _location(row: dict[str, str], mapping: ColumnMapping) -> Location:
    c = mapping.columns
    lat, long = _coordinate(row, c.lat, 90, mapping), _coordinate(row, c.long, 180, mapping)
    if mapping.zero_coordinates_missing and lat == 0 and long == 0:
        lat = long = None
    if (lat is None) != (long is None):
        lat = long = None  # half a point is no place
    return Location(lat=lat, long=long, address_string=_text(row, c.address, mapping)[:500] or None)


def _required(row: dict[str, str], column: str, mapping: ColumnMapping) -> str:
    text = _text(row, column, mapping)
    if not text:
        raise FieldError(column, "empty")
    return text


def _resolution(row: dict[str, str], mapping: ColumnMapping) -> Closed:
    reason = " ".join(_text(row, mapping.columns.resolution, mapping).split())
    note = " ".join(_text(row, mapping.columns.closure_note, mapping).split()) or reason
    return Closed(resolution=mapping.resolution_of(reason), public_note=note[:4000] or None)


def _local(moment: datetime, mapping: ColumnMapping) -> str:
    return moment.astimezone(mapping.zone).isoformat(sep=" ")


def _closed_at(row: dict[str, str], mapping: ColumnMapping, opened: datetime) -> tuple[datetime | None, bool]:
    """The closing time, and whether it was a skewed close set to the open."""
    c = mapping.columns
    closed_at = _time(row, c.closed_at, mapping)
    if closed_at is None or not mapping.closes(_text(row, c.status, mapping)):
        return None, False
    if closed_at < opened:
        if opened - closed_at <= mapping.clock_skew:
            return opened, True
        raise FieldError(
            str(c.closed_at),
            f"closed {_local(closed_at, mapping)} before opened {_local(opened, mapping)}"
            f" (more than the mapping's clock_skew_seconds = {mapping.clock_skew_seconds:g})",
        )
    return closed_at, False


def _opened(row: dict[str, str], mapping: ColumnMapping) -> datetime:
    opened = _time(row, mapping.columns.opened_at, mapping)
    if opened is None:
        raise FieldError(mapping.columns.opened_at, "empty")
    return opened


def _facts(row: dict[str, str], mapping: ColumnMapping) -> tuple[list[tuple[Payload, datetime]], bool]:
    c = mapping.columns
    case_id = _text(row, c.case_id, mapping)
    opened = _opened(row, mapping)
    created = RequestCreated(
        tracking_number=case_id,
        service_code=_required(row, c.service_code, mapping),
        description=_text(row, c.description, mapping)[:4000] or None,
        location=_location(row, mapping),
        channel=mapping.channels.get(_text(row, c.channel, mapping), mapping.default_channel),
        external_id=case_id,
    )
    facts: list[tuple[Payload, datetime]] = [(created, opened)]
    due_at = _time(row, c.due_at, mapping)
    department = _text(row, c.department, mapping) or mapping.default_department
    if department:
        queue = _text(row, c.queue, mapping) or department
        district = _text(row, c.district, mapping) or None
        assigned = Assigned(
            department=department, queue=queue, due_at=due_at, reason="import", district=district
        )
        facts.append((assigned, opened))
    closed_at, skewed = _closed_at(row, mapping, opened)
    if closed_at is not None:
        facts.append((_resolution(row, mapping), closed_at))
    return facts, skewed


def _refused(line: int, case_id: str, error: ValidationError, mapping: ColumnMapping) -> Rejection:
    first = error.errors()[0]
    key = _PAYLOAD_FIELDS.get(str(first["loc"][-1]) if first["loc"] else "", "")
    column = getattr(mapping.columns, key) if key else None
    where = column or ".".join(map(str, first["loc"]))
    return Rejection(line, case_id, f"{where}: {first['msg']}", column or "")


def parse_row(line: int, row: dict[str, str], mapping: ColumnMapping) -> ImportedCase | Rejection:
    column = mapping.columns.case_id
    case_id = _text(row, column, mapping)
    if not case_id:
        return Rejection(line, "", f"{column}: empty", column)
    try:
        facts, skewed = _facts(row, mapping)
    except FieldError as error:
        return Rejection(line, case_id, str(error), error.column)
    except ValidationError as error:
        return _refused(line, case_id, error, mapping)
    actor = Actor(kind="system", id=f"import-{mapping.name}")
    events = case_events(mapping.name, case_id, actor, facts)
    return ImportedCase(mapping.streams + case_id, events, skewed=skewed)


def read_cases(export: ExportFile, mapping: ColumnMapping) -> Iterator[ImportedCase | Rejection]:
    """Every row as a case or a rejection; a mapped column missing from the file is a MappingError."""
    mapping.check_header(export.header(), export.path.name)
    for line, row in export.rows():
        yield parse_row(line, row, mapping)


def read_timings(export: ExportFile, mapping: ColumnMapping) -> Iterator[Timing | Rejection]:
    """Every row with a type, an opening and a target time, streamed (calibration's input); rows
    without a target are skipped, rows whose times do not parse are rejections."""
    c = mapping.columns
    if c.due_at is None:
        raise MappingError(f"columns.due_at: mapping {mapping.name!r} names no target time column")
    mapping.check_header(export.header(), export.path.name)
    for line, row in export.rows():
        try:
            target = _time(row, c.due_at, mapping)
            if target is None:
                continue
            yield Timing(line, _required(row, c.service_code, mapping), _opened(row, mapping), target)
        except FieldError as error:
            yield Rejection(line, _text(row, c.case_id, mapping), str(error), error.column)


def city_cases(export: ExportFile, mapping: ColumnMapping) -> tuple[dict[str, str], dict[str, str]]:
    """The city's own flag per stream, as ONTIME or what the city wrote ('' where it gives none), and
    the department the export names for each (to place the cases the import refused)."""
    column = mapping.columns.on_time_flag
    if column is None:
        raise MappingError(f"columns.on_time_flag: mapping {mapping.name!r} names no on-time flag to compare")
    mapping.check_header(export.header(), export.path.name)
    flags: dict[str, str] = {}
    departments: dict[str, str] = {}
    for _, row in export.rows():
        case_id = _text(row, mapping.columns.case_id, mapping)
        if case_id:
            stream = mapping.streams + case_id
            flag = _text(row, column, mapping)
            flags[stream] = ON_TIME_FLAG if mapping.flags_on_time(flag) else flag
            departments[stream] = _text(row, mapping.columns.department, mapping) or (
                mapping.default_department or ""
            )
    return flags, departments


def city_flags(export: ExportFile, mapping: ColumnMapping) -> dict[str, str]:
    return city_cases(export, mapping)[0]
