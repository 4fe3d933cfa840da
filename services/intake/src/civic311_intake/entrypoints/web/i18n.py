"""English and Spanish for the gateway's pages: message catalogues, the resident's choice, dates.

The messages live in `translations/<lang>.toml`, one table per page or topic; a message is named by its
dotted path (`report.submit`) and may hold `{placeholders}`. A message missing in Spanish falls back to
English; one missing in English is a bug, and raises. The catalogue's own words (request types, groups,
questions, choices) are the city's: `catalogue.wording(language)` (civic311_city), handed to the
Translator, says them in the page's language, in the catalogue's words where it has none.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo

from starlette.requests import Request

from civic311_backbone.contracts.events import Language
from civic311_city import Wording
from civic311_city.catalogue import Attribute, RequestType

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
LANGUAGE_COOKIE = "civic311_lang"
LANGUAGE_PARAMETER = "lang"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def _messages(language: Language) -> dict[str, Any]:
    with (TRANSLATIONS / f"{language}.toml").open("rb") as file:
        return _flatten(tomllib.load(file))


def message_keys(language: Language) -> frozenset[str]:
    """The names of a language's messages."""
    return frozenset(_messages(language))


@dataclass(frozen=True)
class Translator:
    """The messages of one language, for templates (`t("report.submit")`) and Python alike.

    `wording` is the catalogue's in the same language (`catalogue.wording(language)`); without one, the
    request types read in the catalogue's own words.
    """

    language: Language
    time_zone: ZoneInfo
    wording: Wording = field(default_factory=Wording)

    def __call__(self, key: str, /, **values: object) -> str:
        text = _messages(self.language).get(key)
        if not isinstance(text, str):
            text = _messages(DEFAULT_LANGUAGE)[key]
        return text.format_map(values) if values else text

    def has(self, key: str) -> bool:
        return key in _messages(self.language) or key in _messages(DEFAULT_LANGUAGE)

    def service_name(self, request_type: RequestType) -> str:
        return self.wording.service_name(request_type)

    def service_description(self, request_type: RequestType) -> str:
        return self.wording.service_description(request_type)

    def group(self, name: str) -> str:
        return self.wording.group(name)

    def question(self, request_type: RequestType, attribute: Attribute) -> str:
        return self.wording.question(request_type, attribute)

    def choice(self, request_type: RequestType, attribute: Attribute, key: str) -> str:
        return self.wording.choice(request_type, attribute, key)

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
