"""Addresses to canonical keys: `12 n. Main Street, Apt 4` and `12 N MAIN ST` are the same address.

Queries are tag-parsed with usaddress, which knows where the house number, the street, a unit, the
place and the ZIP code are; the street's own words then go through one canonical spelling (USPS
abbreviations, upper case, no punctuation), so the address list and a resident's words meet on the
same key. The address list itself is read with a plain split when a line is just "number street"
(a city's list nearly always is), as parsing half a million clean lines with a CRF would make start-up
slow for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress  # type: ignore[import-untyped]  # ships no type information

SUFFIXES = {
    "ST": "ST", "STREET": "ST", "STR": "ST", "AVE": "AVE", "AVENUE": "AVE", "AV": "AVE", "RD": "RD",
    "ROAD": "RD", "BLVD": "BLVD", "BOULEVARD": "BLVD", "DR": "DR", "DRIVE": "DR", "LN": "LN", "LANE": "LN",
    "CT": "CT", "COURT": "CT", "PL": "PL", "PLACE": "PL", "TER": "TER", "TERRACE": "TER", "WAY": "WAY",
    "PKWY": "PKWY", "PARKWAY": "PKWY", "SQ": "SQ", "SQUARE": "SQ", "CIR": "CIR", "CIRCLE": "CIR",
    "HWY": "HWY", "HIGHWAY": "HWY", "PK": "PARK", "PARK": "PARK", "ROW": "ROW", "WHARF": "WHARF",
    "TERR": "TER", "AVEN": "AVE", "BLV": "BLVD", "CRT": "CT", "PKY": "PKWY", "STRT": "ST", "RDS": "RD",
    "HL": "HL", "HILL": "HL", "ALY": "ALY", "ALLEY": "ALY", "PLZ": "PLZ", "PLAZA": "PLZ",
}  # fmt: skip
DIRECTIONS = {
    "N": "N", "NORTH": "N", "S": "S", "SOUTH": "S", "E": "E", "EAST": "E", "W": "W", "WEST": "W",
    "NE": "NE", "NORTHEAST": "NE", "NW": "NW", "NORTHWEST": "NW", "SE": "SE", "SOUTHEAST": "SE",
    "SW": "SW", "SOUTHWEST": "SW",
}  # fmt: skip
_WORD = re.compile(r"[A-Z0-9]+(?:'[A-Z]+)?")
_PLAIN = re.compile(r"^\s*(\d+[A-Z]?)(?:-\d+[A-Z]?)?\s+([A-Z0-9 .'-]+?)\s*$")
_STREET_PARTS = (
    "StreetNamePreDirectional",
    "StreetNamePreModifier",
    "StreetNamePreType",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
)
_SECOND_STREET = re.compile(r"\s+(?:AND|AT|Y|@)\s+|\s*[&@/]\s*")
_CORNER = re.compile(r"^\s*(?:THE\s+)?(?:INTERSECTION|CORNER)\s+(?:OF\s+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Street:
    """A street as its canonical parts: `N MAIN ST` is pre N, name MAIN, type ST."""

    name: str
    type: str = ""
    pre: str = ""
    post: str = ""

    @property
    def label(self) -> str:
        """The name and type, as a typo'd query's words may run them together."""
        return f"{self.name} {self.type}" if self.type else self.name

    @property
    def key(self) -> str:
        return " ".join(part for part in (self.pre, self.name, self.type, self.post) if part)


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a query asks for: a house on a street, the corner of two streets, or nothing usable."""

    number: str | None
    street: Street | None
    second: Street | None = None
    """The other street of an intersection."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.upper().replace(".", ""))


def street_of(tokens: list[str]) -> Street | None:
    """The canonical street of its words: a leading or trailing direction and a trailing type are
    parts of their own, unless taking them would leave no name (`North St`, `Park Ave`)."""
    tokens = list(tokens)
    pre = post = kind = ""
    if len(tokens) > 1 and tokens[-1] in DIRECTIONS:
        post = DIRECTIONS[tokens.pop()]
    if len(tokens) > 1 and tokens[-1] in SUFFIXES:
        kind = SUFFIXES[tokens.pop()]
    if len(tokens) > 1 and tokens[0] in DIRECTIONS:
        pre = DIRECTIONS[tokens.pop(0)]
    if not tokens:
        return None
    return Street(name=" ".join(tokens), type=kind, pre=pre, post=post)


def parse_listed(address: str) -> tuple[str, Street] | None:
    """A line of the city's address list: "number street" split plainly, anything else tag-parsed."""
    plain = _PLAIN.match(address.upper())
    if plain is not None:
        street = street_of(words(plain.group(2)))
        if street is not None:
            return plain.group(1), street
    parsed = parse_query(address)
    if parsed.number is None or parsed.street is None or parsed.second is not None:
        return None
    return parsed.number, parsed.street


def parse_query(text: str) -> Parsed:
    """A resident's address: house and street (unit, place, state and ZIP dropped) or an intersection."""
    upper = " ".join(text.upper().split())
    cornered = _CORNER.sub("", upper)
    sides = _SECOND_STREET.split(cornered, maxsplit=1)
    if len(sides) == 2 and not re.match(r"^\d", sides[0]) and sides[0].strip() and sides[1].strip():
        first, second = _tagged_street(sides[0]), _tagged_street(sides[1])
        if first is not None and second is not None:
            return Parsed(number=None, street=first, second=second)
    parts = _tag(cornered)
    number = parts.get("AddressNumber")
    street = street_of(words(" ".join(parts[p] for p in _STREET_PARTS if p in parts)))
    number = number or leading_number(cornered)
    if street is None and number is None:
        street = _tagged_street(cornered)  # a street alone, which the parser takes for a place
    elif street is None and leading_number(cornered) is not None:
        street = street_of(words(cornered)[1:])  # "12 Aspen": a name the parser takes for a town
    return Parsed(number=_house_number(number), street=street)


def leading_number(text: str) -> str | None:
    leading = re.match(r"^\s*(\d+[A-Z]?)\s", text)
    return leading.group(1) if leading else None


def _house_number(number: str | None) -> str | None:
    """`12-14` is filed under 12, `12A` stays 12A: the first number of a range is the house."""
    if number is None:
        return None
    found = re.match(r"\d+[A-Z]?", number.upper().replace(" ", ""))
    return found.group(0) if found else None


def _tagged_street(side: str) -> Street | None:
    """One street of an intersection; a dummy house number lets the parser see a street address,
    so a place or state after the second street is dropped as it would be after a house."""
    parts = _tag(f"1 {side}")
    return street_of(words(" ".join(parts[p] for p in _STREET_PARTS if p in parts)))


def _tag(text: str) -> dict[str, str]:
    try:
        tagged, _ = usaddress.tag(text)
        return dict(tagged)
    except usaddress.RepeatedLabelError as error:  # a label seen twice: its words joined
        joined: dict[str, str] = {}
        for token, label in error.parsed_string:
            joined[label] = f"{joined[label]} {token}" if label in joined else token
        return joined
