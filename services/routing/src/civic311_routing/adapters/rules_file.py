"""Routing's rules file (TOML): read and validated, the errors naming file, line, rule and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from civic311_city.loading import entry_lines
from civic311_routing.domain.rules import Rule

DATA = Path(__file__).parent.parent / "data"


class RulesError(ValueError):
    """The rules file cannot be used; the message says where and why."""


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """The rules in file order, from `path` or, unset, the sample shipped with routing."""
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
