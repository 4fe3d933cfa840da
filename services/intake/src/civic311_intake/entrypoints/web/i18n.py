"""English and Spanish for the gateway's pages: message catalogues, the resident's choice, dates.

The messages live in `translations/<lang>.toml`, one table per page or topic; a message is named by its
dotted path (`report.submit`) and may hold `{placeholders}`. A message missing in Spanish falls back to
English; one missing in English is a bug, and raises. The catalogue's request types, groups, questions
and choices are in English in the catalogue itself; their Spanish lives in `es.toml` under `[services.<CODE>]`
and `[groups]`, and English (the catalogue's own words) is the fallback.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo

from starlette.requests import Request

from civic311_backbone.contracts.events import Language
from civic311_city.catalogue import Attribute, RequestType

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
LANGUAGE_COOKIE = "civic311_lang"
LANGUAGE_PARAMETER = "lang"


_KEPT_WHOLE = ("services", "groups")
"""Tables looked up by code or name rather than by a message key."""


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in _KEPT_WHOLE:
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def _messages(language: Language) -> dict[str, Any]:
    with (TRANSLATIONS / f"{language}.toml").open("rb") as file:
        return _flatten(tomllib.load(file))


def message_keys(language: Language) -> frozenset[str]:
    """The names of a language's messages (not the catalogue's types and groups)."""
    return frozenset(k for k in _messages(language) if k not in _KEPT_WHOLE)


@dataclass(frozen=True)
class Translator:
    """The messages of one language, for templates (`t("report.submit")`) and Python alike."""

    language: Language
    time_zone: ZoneInfo

    def __call__(self, key: str, /, **values: object) -> str:
        text = _messages(self.language).get(key)
        if not isinstance(text, str):
            text = _messages(DEFAULT_LANGUAGE)[key]
        return text.format_map(values) if values else text

    def has(self, key: str) -> bool:
        return key in _messages(self.language) or key in _messages(DEFAULT_LANGUAGE)

    def _service(self, code: str) -> dict[str, Any]:
        services: dict[str, Any] = _messages(self.language).get("services", {})
        entry: dict[str, Any] = services.get(code, {})
        return entry

    def service_name(self, request_type: RequestType) -> str:
        return str(self._service(request_type.code).get("name", request_type.name))

    def service_description(self, request_type: RequestType) -> str:
        return str(self._service(request_type.code).get("description", request_type.description))

    def group(self, name: str) -> str:
        groups: dict[str, str] = _messages(self.language).get("groups", {})
        return groups.get(name, name)

    def question(self, request_type: RequestType, attribute: Attribute) -> str:
        entry = self._service(request_type.code).get("attributes", {}).get(attribute.code, {})
        return str(entry.get("question", attribute.question))

    def choice(self, request_type: RequestType, attribute: Attribute, key: str) -> str:
        entry = self._service(request_type.code).get("attributes", {}).get(attribute.code, {})
        names = {v.key: v.name for v in attribute.values} | entry.get("values", {})
        return str(names.get(key, key))

    def datetime(self, moment: dt.datetime) -> str:
        """A moment as the city's clocks showed it: "Mon, Nov 23, 2026, 9:30 AM" / "lun 23 nov 2026, 9:30 a. m."."""
        local = moment.astimezone(self.time_zone)
        weekday = self("calendar.weekdays").split()[local.weekday()]
        month = self("calendar.months").split()[local.month - 1]
        half = self("calendar.am") if local.hour < 12 else self("calendar.pm")
        clock = f"{local.hour % 12 or 12}:{local.minute:02d}\u00a0{half}"
        return self(
            "calendar.format", weekday=weekday, day=local.day, month=month, year=local.year, time=clock
        )

    def date(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.time_zone)
        month = self("calendar.months").split()[local.month - 1]
        return self("calendar.date_format", day=local.day, month=month, year=local.year)


def _accept_language(header: str) -> Language | None:
    """The first of our languages the browser asks for, by its q-values ("es-MX,es;q=0.9,en;q=0.8")."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower().split("-")[0]))
    for negative_quality, _, primary in sorted(ranked):
        if negative_quality < 0 and primary in LANGUAGES:
            return primary
    return None


def chosen_language(request: Request) -> tuple[Language, bool]:
    """The page language, and whether the resident chose it just now (`?lang=`, to remember in a cookie).

    A choice the resident made (the switch, then the cookie) wins over the browser's Accept-Language.
    """
    asked = request.query_params.get(LANGUAGE_PARAMETER)
    if asked in LANGUAGES:
        return asked, True
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered, False
    return _accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE, False
