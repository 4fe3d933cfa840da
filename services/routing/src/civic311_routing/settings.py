"""Settings of the routing service, from the environment."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from pydantic import Field, field_validator

from civic311_backbone.settings import BackboneSettings, HttpSettings, TimeZoneName

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")


class RoutingSettings(BackboneSettings, HttpSettings):
    """Everything the routing process reads from its environment."""

    catalogue_path: Path | None = Field(
        default=None, description="Service catalogue (TOML); unset: the sample shipped with routing."
    )
    routing_rules_path: Path | None = Field(
        default=None, description="Routing rules (TOML); unset: the sample shipped with routing."
    )
    districts_path: Path | None = Field(
        default=None, description="District polygons (GeoJSON); unset: the sample city's."
    )
    city_time_zone: TimeZoneName = Field(
        default="America/New_York", description="IANA time zone of the city's business calendar."
    )
    holiday_country: str = Field(default="US", description="Country of the public holidays (ISO code).")
    holiday_subdivision: str | None = Field(
        default="MA", description="State or province of the public holidays, if any."
    )
    closure_dates: tuple[date, ...] = Field(
        default=(), description='Extra days the city is closed, JSON list: ["2026-12-24"].'
    )
    opening_hours: dict[str, str] = Field(
        default={"mon": "07:30-16:30", "tue": "07:30-16:30", "wed": "07:30-16:30", "thu": "07:30-16:30"}
        | {"fri": "07:30-11:30"},
        description='Opening hours per weekday, JSON: {"mon": "07:30-16:30", ...}; a missing day is closed.',
    )

    sla_warning_lead: timedelta = Field(
        default=timedelta(hours=4),
        ge=timedelta(0),
        description="How long before a request's due time supervisors are warned (ISO 8601, e.g. PT4H, "
        "or seconds); they are warned again at the breach.",
    )
    sla_warning_idle: timedelta = Field(
        default=timedelta(seconds=30),
        gt=timedelta(0),
        description="Longest the breach watcher sleeps between looks (it also wakes on new assignments "
        "and when the next warning falls due).",
    )

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, hours in value.items():
            if day not in WEEKDAYS or not _HOURS.match(hours):
                raise ValueError(f"opening hours {day}={hours!r}: expected mon..sun = 'HH:MM-HH:MM'")
        return value
