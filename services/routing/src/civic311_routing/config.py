"""Build the router's parts from the operators' files and the settings."""

from __future__ import annotations

import json
import tomllib
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from pydantic import ValidationError

from civic311_routing.catalogue import load_catalogue
from civic311_routing.domain.calendar import BusinessCalendar, OpeningHours
from civic311_routing.domain.districts import Districts
from civic311_routing.domain.routing import Router
from civic311_routing.domain.rules import Rule
from civic311_routing.settings import WEEKDAYS, RoutingSettings

DATA = Path(__file__).parent / "data"


class RulesError(ValueError):
    """The rules file cannot be used; the message says where and why."""


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    source = path or DATA / "rules.toml"
    text = source.read_text(encoding="utf-8")
    try:
        entries = tomllib.loads(text).get("rule", [])
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{source}: not valid TOML: {error}") from error
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[rule]]"]
    rules = []
    for index, entry in enumerate(entries):
        try:
            rules.append(Rule.model_validate(entry))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise RulesError(
                f"{source}:{lines[index]}: rule {entry.get('name', '?')}, field {field}: {first['msg']}"
            ) from error
    return tuple(rules)


def load_districts(path: Path | None = None) -> Districts:
    source = path or DATA / "districts.geojson"
    try:
        return Districts.from_geojson(json.loads(source.read_text(encoding="utf-8")))
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from error


def build_calendar(settings: RoutingSettings) -> BusinessCalendar:
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


def build_router(settings: RoutingSettings) -> Router:
    return Router(
        catalogue=load_catalogue(settings.catalogue_path),
        rules=load_rules(settings.routing_rules_path),
        districts=load_districts(settings.districts_path),
        calendar=build_calendar(settings),
    )
