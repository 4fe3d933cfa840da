"""The store's requests written as a city's export: one row per request, in the layout a column mapping
reads, so that what `import` reads through a mapping, `export` writes through the same one.

Times are written as the mapping reads them (its format, in its zone or a column's own zone), so a file
written here reads back to the same instants. Columns the fold does not keep (address, description,
closing note) are written empty: they carry what residents wrote, and an analyst's file needs none of
it. The on-time flag is the city's own judgement, not ours, and is left empty too.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from civic311_reporting.adapters.importing.mapping import ColumnMapping
from civic311_reporting.domain.requests import RequestState

_LITERAL = re.compile(r"[\w\s-]+")
"""A resolution pattern that is plain words: written as it is, it reads back to its resolution."""


def _time(moment: datetime | None, column: str, mapping: ColumnMapping) -> str:
    if moment is None:
        return ""
    # A column whose written offset the mapping ignores is read as a wall clock of its own zone.
    own_zone = mapping.column_time_zones.get(column)
    local = moment.astimezone(ZoneInfo(own_zone) if own_zone else mapping.zone)
    if mapping.time_format == "iso":
        return local.replace(tzinfo=None).isoformat(sep=" ") if own_zone else local.isoformat(sep=" ")
    return local.strftime(mapping.time_format)


def _resolution(state: RequestState, mapping: ColumnMapping) -> str:
    if state.resolution is None:
        return ""
    for pattern, resolution in mapping.resolutions.items():
        if resolution == state.resolution and _LITERAL.fullmatch(pattern):
            return pattern
    return state.resolution


def _channel(state: RequestState, mapping: ColumnMapping) -> str:
    wording = [value for value, channel in mapping.channels.items() if channel == state.channel]
    return wording[0] if wording else (state.channel or "")


def _status(state: RequestState, mapping: ColumnMapping) -> str:
    if mapping.closed_statuses:
        return mapping.closed_statuses[0] if state.closed_at is not None else "Open"
    return "Closed" if state.closed_at is not None else "Open"


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _cells(state: RequestState, mapping: ColumnMapping) -> dict[str, str]:
    """The request's cells, by mapping key (keys the fold does not keep are left out: empty)."""
    c = mapping.columns
    return {
        "case_id": state.external_id or state.tracking_number or state.stream_id,
        "opened_at": _time(state.created_at, c.opened_at, mapping),
        "closed_at": _time(state.closed_at, c.closed_at or "", mapping),
        "due_at": _time(state.due_at, c.due_at or "", mapping),
        "service_code": state.service_code or "",
        "department": state.department or "",
        "queue": state.queue or "",
        "district": state.district or "",
        "lat": _number(state.lat),
        "long": _number(state.long),
        "channel": _channel(state, mapping),
        "status": _status(state, mapping),
        "resolution": _resolution(state, mapping),
    }


def _open(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8", newline="")
    return path.open("w", encoding="utf-8", newline="")


def write_export(states: Iterable[RequestState], path: Path, mapping: ColumnMapping) -> int:
    """Write one row per request (gzipped if the name ends in .gz); returns how many."""
    columns = {key: name for key, name in mapping.columns.model_dump().items() if name is not None}
    written = 0
    with _open(path) as out:
        writer = csv.writer(out)
        writer.writerow(columns.values())
        for state in states:
            if state.created_at is None:
                continue  # a stream with no RequestCreated yet is no request
            cells = _cells(state, mapping)
            writer.writerow([cells.get(key, "") for key in columns])
            written += 1
    return written
