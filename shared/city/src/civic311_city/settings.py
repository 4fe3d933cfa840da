"""The city's settings: one block every service reads the same way, from the same variables."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from civic311_backbone.settings import TimeZoneName

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")


class CitySettings(BaseSettings):
    """Which city this is: its name, clock, catalogue, districts and working hours (`CITY_*` and paths)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    city_name: str = Field(
        default="Sample City", min_length=1, description="The city's name, as pages and messages show it."
    )
    city_time_zone: TimeZoneName = Field(
        default="America/New_York", description="IANA time zone of the city's clock and business calendar."
    )
    catalogue_path: Path | None = Field(
        default=None, description="Service catalogue (TOML); unset: the sample city's, shipped with civic311."
    )
    districts_path: Path | None = Field(
        default=None,
        description="District polygons (GeoJSON, a `name` per feature); unset: the sample city's.",
    )
    address_points_path: Path | None = Field(
        default=None,
        description="The city's address points, for geocoding: a CSV (address, lat, long, id) or a GeoJSON "
        "FeatureCollection of Points with an `address` property; unset: the sample city's.",
    )
    address_points_columns: dict[str, str] = Field(
        default={},
        description='The CSV\'s column names (or GeoJSON properties) where they differ, JSON: {"address": '
        '"FULL_ADDRESS", "lat": "LATITUDE", "long": "LONGITUDE", "id": "ADDRESS_ID"}.',
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

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, hours in value.items():
            if day not in WEEKDAYS or not _HOURS.match(hours):
                raise ValueError(f"opening hours {day}={hours!r}: expected mon..sun = 'HH:MM-HH:MM'")
        return value
