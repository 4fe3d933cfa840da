"""Finding the place in a resident's message: a numbered address, a corner, a street, coordinates.

English forms ("12 Main St", "Main St and Elm St", "corner of Main and Elm", "on Elm Street") and
Spanish ones ("calle Mayor 12", "45 de la calle Mayor", "esquina de Mayor y Sol", "en Tremont St").
"""

from __future__ import annotations

import re

from civic311_backbone.contracts.events import Location

_SUFFIX = (
    r"(?:st|street|ave|avenue|av|rd|road|blvd|boulevard|ln|lane|dr|drive|way|pl|place|ct|court|sq|"
    r"square|ter|terrace|pkwy|parkway|hwy|highway|row|wharf|pike|cir|circle|plz|plaza)\b\.?"
    r"(?!\s+(?:lights?|lamps?|signs?|cleaning|sweeping)\b)"  # "street light" is a problem, not a place
)
_NOT_NAME = r"(?!(?:on|at|in|near|by|outside|of|the|and|or|is|y|en|de|del|frente|cerca|por)\b)"
_NAME = rf"(?:{_NOT_NAME}[a-z0-9][a-z0-9'.-]*\s+){{1,3}}"
_STREET = rf"{_NAME}{_SUFFIX}"
_NAME_END = rf"(?:{_NOT_NAME}[a-z0-9'.-]+)(?:\s+{_NOT_NAME}[a-z0-9'.-]+){{0,2}}"
_SPANISH_STREET = r"(?:calle|avenida|avda\.?|paseo|plaza|camino|carretera|bulevar)"
_PREPOSITION = r"(?:on|at|in|near|by|along|outside|en|sobre|frente a|cerca de)"
_PLACE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 12 Main St, 1600-1610 Washington Street
        rf"\b(?P<place>\d{{1,6}}[a-z]?(?:-\d{{1,6}})?\s+{_STREET})",
        # calle Mayor 12, avenida de la Paz nº 4
        rf"\b(?P<place>{_SPANISH_STREET}\s+(?:[a-z0-9'.-]+\s+){{1,4}}?(?:n[oº°]\.?\s*|#\s*)?\d{{1,6}}[a-z]?)\b",
        # 12 de la calle Mayor
        rf"\b(?P<place>\d{{1,6}}\s+de\s+la\s+{_SPANISH_STREET}\s+{_NAME_END})",
        # Main St and Elm St, Main St & Elm St
        rf"\b(?P<place>{_STREET}\s*(?:and|&|at|/|y|con)\s+{_STREET})",
        # corner of Main and Elm, esquina de Mayor y Sol
        rf"\b(?P<place>(?:corner of|esquina de|esquina)\s+{_NAME_END}\s*(?:and|&|y|con)\s+{_NAME_END})",
        # on Main St, outside Tremont Street, en Main St
        rf"\b{_PREPOSITION}\s+(?P<place>{_STREET})",
        # en la calle Mayor (a capital, since "la calle está oscura" names no street)
        rf"\b(?P<place>{_SPANISH_STREET}\s+(?-i:[A-Z0-9]){_NAME_END})",
        # a message that starts with the street: "Main St, pothole"
        rf"^\s*(?P<place>{_STREET})",
    )
)
_COORDINATES = re.compile(r"(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})")


def find_place(text: str) -> tuple[Location | None, str]:
    """The place a message names, and the message without it."""
    coordinates = _COORDINATES.search(text)
    if coordinates:
        lat, long = float(coordinates.group(1)), float(coordinates.group(2))
        if -90 <= lat <= 90 and -180 <= long <= 180:
            return Location(lat=lat, long=long), _without(text, coordinates)
    for pattern in _PLACE_PATTERNS:
        match = pattern.search(text)
        if match:
            address = match.group("place").strip(" ,.")
            return Location(address_string=address[:500]), _without(text, match, "place")
    return None, text


def place_from_answer(text: str) -> Location | None:
    """The place in an answer to "where is it?": a recognised place, else the answer as given."""
    location, _ = find_place(text)
    if location is not None:
        return location
    answer = " ".join(text.split()).strip(" .")
    if 3 <= len(answer) <= 200 and any(c.isalpha() for c in answer):
        return Location(address_string=answer)
    return None


def _without(text: str, match: re.Match[str], group: str | int = 0) -> str:
    return (text[: match.start(group)] + " " + text[match.end(group) :]).strip()
