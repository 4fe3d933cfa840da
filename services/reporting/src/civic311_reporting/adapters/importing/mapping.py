"""A column mapping: which column of a city's CSV export holds what, read from a TOML file.

The mappings this project ships (`adapters/importing/mappings/*.toml`) are also examples to copy.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from civic311_backbone.contracts.events import Channel
from civic311_reporting.domain.profile import ReportProfile

SHIPPED = Path(__file__).parent / "mappings"

Resolution = Literal["resolved", "duplicate", "not_actionable", "referred", "withdrawn"]


class MappingError(ValueError):
    """A mapping that cannot be used, with the key at fault in the message."""


class Columns(BaseModel):
    """Which column holds each field: a column's name exactly as in the file's header."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str = Field(description="The city's case number: the stream and the event ids derive from it.")
    opened_at: str = Field(description="When the case was opened.")
    service_code: str = Field(description="The request type.")
    closed_at: str | None = Field(default=None, description="When it was closed (empty: still open).")
    due_at: str | None = Field(default=None, description="The SLA target time.")
    department: str | None = Field(default=None, description="Empty: the case stays unassigned.")
    queue: str | None = Field(default=None, description="The team or queue; the department if not given.")
    district: str | None = None
    lat: str | None = None
    long: str | None = None
    address: str | None = None
    description: str | None = None
    channel: str | None = Field(default=None, description="How the case came in; see [channels].")
    status: str | None = Field(default=None, description="The city's status; see closed_statuses.")
    resolution: str | None = Field(default=None, description="Text that decides the resolution.")
    closure_note: str | None = Field(default=None, description="The closing note, shown to the resident.")
    on_time_flag: str | None = Field(default=None, description="The city's own on-time flag (compare).")


class ColumnMapping(BaseModel):
    """How to read one city's export."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="The source: event ids derive from it.")
    stream_prefix: str | None = Field(default=None, description="Default: request-<name>-.")
    time_format: str = Field(default="iso", description="'iso', or a strptime format.")
    time_zone: str = Field(default="UTC", description="The zone of times written without one.")
    columns: Columns
    channels: dict[str, Channel] = Field(default_factory=dict, description="Channel column value -> channel.")
    default_channel: Channel = "import"
    default_department: str | None = Field(
        default=None,
        description="The department of a case whose department cell is empty, so that its target time "
        "is kept; none: such a case is imported unassigned, without a target time.",
    )
    resolutions: dict[str, Resolution] = Field(
        default_factory=dict,
        description="A pattern (a regular expression, any case) found anywhere in the resolution column "
        "-> resolution; the first match wins, so several wordings may name one outcome.",
    )
    default_resolution: Resolution = "resolved"
    closed_statuses: list[str] | None = Field(
        default=None,
        description="If given, a case is closed only when its status is one of these (any case).",
    )
    on_time_flags: list[str] = Field(
        default=["ONTIME"], description="Flag values that mean on time (any case)."
    )
    clock_skew_seconds: float = Field(
        default=60,
        ge=0,
        description="A close at most this many seconds before the open is the city's clocks disagreeing: "
        "the case is kept with its close set to its open, and counted. A close earlier still is refused.",
    )
    missing_values: list[str] = Field(
        default=[],
        description="Cell values that mean 'no value' in any column (an empty cell always does), "
        "e.g. NULL, N/A, 0.",
    )
    missing_times: list[str] = Field(
        default=[], description="Sentinel times that mean 'no time', e.g. 1900-01-01 00:00:00."
    )
    zero_coordinates_missing: bool = Field(
        default=True, description="A point at 0,0 (in the Atlantic) means no place was given."
    )
    column_time_zones: dict[str, str] = Field(
        default_factory=dict,
        description="Column -> zone, for columns whose written offset is wrong: the wall clock written "
        "is read in this zone and the offset ignored.",
    )
    profile: ReportProfile | None = Field(default=None, description="The city's conventions, for compare.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)

    @field_validator("column_time_zones")
    @classmethod
    def _known_zones(cls, value: dict[str, str]) -> dict[str, str]:
        return {column: _zone_name(zone) for column, zone in value.items()}

    @field_validator("resolutions")
    @classmethod
    def _patterns(cls, value: dict[str, Resolution]) -> dict[str, Resolution]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"pattern {pattern!r} is not a regular expression: {error}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def clock_skew(self) -> timedelta:
        return timedelta(seconds=self.clock_skew_seconds)

    def resolution_of(self, text: str) -> Resolution:
        return next(
            (r for pattern, r in self.resolutions.items() if re.search(pattern, text, re.IGNORECASE)),
            self.default_resolution,
        )

    def closes(self, status: str) -> bool:
        """Whether a case with this status is closed (any status, if the mapping names none)."""
        if self.closed_statuses is None:
            return True
        return status.casefold() in {s.casefold() for s in self.closed_statuses}

    def flags_on_time(self, flag: str) -> bool:
        return flag.casefold() in {f.casefold() for f in self.on_time_flags}

    def is_missing(self, text: str) -> bool:
        return not text or text in self.missing_values

    @property
    def streams(self) -> str:
        return self.stream_prefix if self.stream_prefix is not None else f"request-{self.name}-"

    def parse_time(self, text: str, column: str | None = None) -> datetime:
        """A time of the export as a UTC instant; a time without a zone is in `time_zone`, and one in a
        column of `column_time_zones` is read as a wall clock of that zone whatever offset it carries."""
        if self.time_format == "iso":
            value = datetime.fromisoformat(text)
        else:
            value = datetime.strptime(text, self.time_format)
        if column is not None and column in self.column_time_zones:
            value = value.replace(tzinfo=ZoneInfo(self.column_time_zones[column]))
        elif value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(UTC)

    def check_header(self, header: list[str], source: str) -> None:
        """Every mapped column must be in the file."""
        for key, column in self.columns.model_dump().items():
            if column is not None and column not in header:
                raise MappingError(
                    f"columns.{key}: no column {column!r} in {source} (its columns: {', '.join(header)})"
                )


def _zone_name(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


def shipped_mappings() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.toml"))


def mapping_path(name_or_path: str | Path) -> Path:
    """A mapping file, or the name of one this project ships (e.g. nyc-311)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = SHIPPED / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise MappingError(
        f"no mapping file {str(name_or_path)!r} (or give one shipped: {', '.join(shipped_mappings())})"
    )


def load_mapping(name_or_path: str | Path) -> ColumnMapping:
    """Read and check a mapping; a MappingError names the key at fault."""
    path = mapping_path(name_or_path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from None
    try:
        return ColumnMapping.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in error.errors()
        )
        raise MappingError(f"{path}: {problems}") from None
