"""Boston's classic 311 export (2011-era columns): rows into RequestCreated, Assigned and Closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from civic311_backbone.contracts import Actor, Assigned, Closed, Location, RequestCreated
from civic311_backbone.contracts.envelope import Payload
from civic311_backbone.contracts.events import Channel
from civic311_reporting.adapters.importing.cases import ImportedCase, Rejection, case_events
from civic311_reporting.adapters.importing.files import ExportFile
from civic311_reporting.domain.profile import ReportProfile

SOURCE = "boston-classic"
ACTOR = Actor(kind="system", id="import-boston-classic")
BOSTON = ZoneInfo("America/New_York")
CHANNELS: dict[str, Channel] = {
    "Constituent Call": "phone",
    "Self Service": "web",
    "Citizens Connect App": "open311",
    "Employee Generated": "staff",
}

# The city's conventions, as far as the export shows them: a case with no target date is ONTIME; open
# cases are judged as of the pull (the file's latest timestamp stands in for it); a duplicate keeps its
# own flag, judged on its own dates.
BOSTON_CLASSIC_PROFILE = ReportProfile(
    name="boston-classic",
    no_due_date="on_time",
    duplicates="own_flag",
    export_at=datetime(2019, 10, 31, 15, 25, 56, tzinfo=BOSTON),
)


def stream_id(case_id: str) -> str:
    return f"request-boston-{case_id}"


def local_time(text: str) -> datetime | None:
    """A local wall-clock timestamp of the export as a UTC instant (None if empty)."""
    text = text.strip()
    return datetime.fromisoformat(text).replace(tzinfo=BOSTON).astimezone(UTC) if text else None


def _time(row: dict[str, str], column: str) -> datetime | None:
    try:
        return local_time(row[column])
    except ValueError:
        raise ValueError(f"{column}: not a time: {row[column]!r}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return str(error)


def _facts(row: dict[str, str]) -> list[tuple[Payload, datetime]]:
    case_id = row["case_enquiry_id"].strip()
    opened = _time(row, "open_dt")
    if opened is None:
        raise ValueError("no open_dt")
    if not row["type"].strip() or not row["queue"].strip():
        raise ValueError("no type or queue")
    location = Location(
        lat=float(row["latitude"]) if row["latitude"] else None,
        long=float(row["longitude"]) if row["longitude"] else None,
        address_string=row["location"].strip()[:500] or None,
    )
    created = RequestCreated(
        tracking_number=case_id,
        service_code=row["type"].strip(),
        description=row["case_title"].strip()[:4000] or None,
        location=location,
        channel=CHANNELS.get(row["source"], "import"),
        external_id=case_id,
    )
    assigned = Assigned(
        department=row["department"].strip(),
        queue=row["queue"].strip(),
        due_at=_time(row, "target_dt"),
        reason="import",
        district=row["pwd_district"].strip() or None,
    )
    facts: list[tuple[Payload, datetime]] = [(created, opened), (assigned, opened)]
    closed_at = _time(row, "closed_dt")
    if closed_at is not None:
        reason = " ".join(row["closure_reason"].split())
        resolution = "duplicate" if "Duplicate of Existing Case" in reason else "resolved"
        facts.append((Closed(resolution=resolution, public_note=reason[:4000] or None), closed_at))
    return facts


def parse_row(line: int, row: dict[str, str]) -> ImportedCase | Rejection:
    case_id = (row.get("case_enquiry_id") or "").strip()
    if not case_id:
        return Rejection(line, "", "no case_enquiry_id")
    try:
        facts = _facts(row)
    except (ValueError, KeyError, ValidationError) as error:
        return Rejection(line, case_id, _reason(error))
    return ImportedCase(stream_id(case_id), case_events(SOURCE, case_id, ACTOR, facts))


def read_rows(path: Path | ExportFile) -> Iterator[tuple[int, dict[str, str]]]:
    yield from (path if isinstance(path, ExportFile) else ExportFile(path)).rows()


def read_cases(path: Path | ExportFile) -> Iterator[ImportedCase | Rejection]:
    for line, row in read_rows(path):
        yield parse_row(line, row)


def city_flags(path: Path | ExportFile) -> dict[str, str]:
    """The city's own ONTIME/OVERDUE flag per stream ('' where the export gives none)."""
    return {stream_id(row["case_enquiry_id"].strip()): row["ontime"].strip() for _, row in read_rows(path)}
