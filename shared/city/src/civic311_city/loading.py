"""Read the files operators edit (the catalogue's TOML, the districts' GeoJSON), with errors that name
the file, the line and the field."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from civic311_city.catalogue import Catalogue, RequestType
from civic311_city.districts import Districts
from civic311_city.geocoding import Geocoder, load_address_points
from civic311_city.settings import CitySettings
from civic311_city.wording import Translation

DATA = Path(__file__).parent / "data"
SAMPLE_CATALOGUE = DATA / "catalogue.toml"
SAMPLE_DISTRICTS = DATA / "districts.geojson"
SAMPLE_ADDRESS_POINTS = DATA / "address_points.csv"


class CityConfigError(ValueError):
    """A file of the city's configuration cannot be used; the message says where and why."""


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The service catalogue from `path` (default: the sample city's)."""
    source = Path(path) if path is not None else SAMPLE_CATALOGUE
    text = source.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CityConfigError(f"{source}: not valid TOML: {error}") from error
    entries = raw.get("type")
    if not isinstance(entries, list) or not entries:
        raise CityConfigError(f"{source}: no [[type]] entries")
    lines = entry_lines(text, "[[type]]")
    types = [_request_type(source, entry, lines, index) for index, entry in enumerate(entries)]
    try:
        return Catalogue(types=tuple(types), translations=_translations(source))
    except ValidationError as error:
        raise CityConfigError(f"{source}: {error.errors()[0]['msg']}") from error


def _translations(catalogue: Path) -> dict[str, Translation]:
    """Each `<catalogue>.<language>.toml` beside the catalogue file (catalogue.es.toml, say)."""
    found = {}
    for path in sorted(catalogue.parent.glob(f"{catalogue.stem}.*{catalogue.suffix}")):
        language = path.name[len(catalogue.stem) + 1 : -len(catalogue.suffix)]
        if not language.isalpha():
            continue
        try:
            found[language] = Translation.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as error:
            raise CityConfigError(f"{path}: not valid TOML: {error}") from error
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise CityConfigError(f"{path}: field {field}: {first['msg']}") from error
    return found


def load_districts(path: Path | str | None = None) -> Districts:
    """The districts from a GeoJSON FeatureCollection at `path` (default: the sample city's)."""
    source = Path(path) if path is not None else SAMPLE_DISTRICTS
    try:
        return Districts.from_geojson(json.loads(source.read_text(encoding="utf-8")))
    except ValueError as error:
        raise CityConfigError(f"{source}: {error}") from error


def load_geocoder(settings: CitySettings, districts: Districts) -> Geocoder | None:
    """The geocoder over the city's address points; a match outside every district is no place of
    this city. The sample city's points go with the sample city's districts only: a city with its own
    districts and no address points has no geocoder (None), rather than the sample's streets."""
    if settings.address_points_path is None and settings.districts_path is not None:
        return None
    source = settings.address_points_path or SAMPLE_ADDRESS_POINTS
    try:
        listed = load_address_points(source, settings.address_points_columns)
    except OSError as error:
        raise CityConfigError(f"{source}: {error.strerror}") from error
    except ValueError as error:  # its message names the file and the row already
        raise CityConfigError(str(error)) from error
    return Geocoder(listed, inside=lambda lat, long: districts.containing(lat, long) is not None)


def _request_type(source: Path, entry: Any, lines: list[int], index: int) -> RequestType:
    try:
        return RequestType.model_validate(entry)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(entry)"
        code = entry.get("code", "?") if isinstance(entry, dict) else "?"
        line = lines[index] if index < len(lines) else "?"
        raise CityConfigError(
            f"{source}:{line}: type {code} (entry {index + 1}), field {field}: {first['msg']}"
        ) from error


def entry_lines(text: str, header: str) -> list[int]:
    """The line number of each `header` (an array-of-tables header such as [[type]]), in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == header]
