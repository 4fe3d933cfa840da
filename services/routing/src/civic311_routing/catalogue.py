"""Read the service catalogue that operators edit (TOML), with errors that name the line and the field."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from civic311_routing.domain.catalogue import Catalogue, RequestType

DEFAULT_CATALOGUE = Path(__file__).parent / "data" / "catalogue.toml"


class CatalogueError(ValueError):
    """The catalogue file cannot be used; the message says where and why."""


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The service catalogue from `path` (default: the sample shipped with routing)."""
    source = Path(path) if path is not None else DEFAULT_CATALOGUE
    text = source.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{source}: not valid TOML: {error}") from error
    entries = raw.get("type")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{source}: no [[type]] entries")
    lines = _entry_lines(text)
    types = [_request_type(source, entry, lines, index) for index, entry in enumerate(entries)]
    try:
        return Catalogue(types=tuple(types))
    except ValidationError as error:
        raise CatalogueError(f"{source}: {error.errors()[0]['msg']}") from error


def _request_type(source: Path, entry: Any, lines: list[int], index: int) -> RequestType:
    try:
        return RequestType.model_validate(entry)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(entry)"
        code = entry.get("code", "?") if isinstance(entry, dict) else "?"
        line = lines[index] if index < len(lines) else "?"
        raise CatalogueError(
            f"{source}:{line}: type {code} (entry {index + 1}), field {field}: {first['msg']}"
        ) from error


def _entry_lines(text: str) -> list[int]:
    """The line number of each [[type]] header, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[type]]"]
