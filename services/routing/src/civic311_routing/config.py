"""Build the router from the city's configuration and routing's own rules file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from civic311_city import City, load_city
from civic311_city.loading import entry_lines
from civic311_routing.domain.routing import Router
from civic311_routing.domain.rules import Rule
from civic311_routing.settings import RoutingSettings

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
    lines = entry_lines(text, "[[rule]]")
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


def build_router(settings: RoutingSettings, city: City | None = None) -> Router:
    """Routing's decision-maker from the city (loaded from `settings` unless given) and routing's rules."""
    city = city or load_city(settings)
    return Router(
        catalogue=city.catalogue,
        rules=load_rules(settings.routing_rules_path),
        districts=city.districts,
        calendar=city.calendar,
    )
