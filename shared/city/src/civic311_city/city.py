"""The city as one value: built once per process from `CitySettings`, then handed to whoever needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

import holidays

from civic311_city.calendar import BusinessCalendar, OpeningHours
from civic311_city.catalogue import Catalogue
from civic311_city.districts import Districts
from civic311_city.loading import load_catalogue, load_districts
from civic311_city.settings import WEEKDAYS, CitySettings


@dataclass(frozen=True)
class City:
    name: str
    zone: ZoneInfo
    catalogue: Catalogue
    districts: Districts
    calendar: BusinessCalendar


def build_calendar(settings: CitySettings) -> BusinessCalendar:
    week = {}
    for day, hours in settings.opening_hours.items():
        opens, closes = hours.split("-")
        week[WEEKDAYS.index(day)] = OpeningHours(time.fromisoformat(opens), time.fromisoformat(closes))
    return BusinessCalendar(
        zone=ZoneInfo(settings.city_time_zone),
        week=week,
        holidays=holidays.country_holidays(settings.holiday_country, subdiv=settings.holiday_subdivision),
        closures=frozenset(settings.closure_dates),
    )


def load_city(settings: CitySettings) -> City:
    """Read and validate the city's files; a CityConfigError names the file, line and field at fault."""
    return City(
        name=settings.city_name,
        zone=ZoneInfo(settings.city_time_zone),
        catalogue=load_catalogue(settings.catalogue_path),
        districts=load_districts(settings.districts_path),
        calendar=build_calendar(settings),
    )
