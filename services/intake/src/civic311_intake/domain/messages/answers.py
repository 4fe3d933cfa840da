"""Reading a resident's texted answer to one of a request type's questions (an Open311 attribute).

A choice is answered by its number in the list we sent, its key or its name ("2", "medium", "Up to a
car tyre"); several choices by several of those. A time by ISO 8601, or as people text it: "7:30",
"7am", "today 7:30", "yesterday 18:00", "2026-11-23 07:30", in the city's time zone.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from civic311_city.catalogue import Attribute, AttributeValue
from civic311_intake.domain.messages.parsing import plain_text

Answer = str | list[str]

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?!\d)")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YESTERDAY = re.compile(r"\b(yesterday|ayer)\b")
_TOO_VAGUE = frozenset({"yes", "no", "other", "nothing"})
"""Keys that a report's own words must not answer: "no heat" does not answer "is there heat?" with no."""


def read_answer(attribute: Attribute, text: str, now: datetime) -> Answer | None:
    """The answer in Open311 form (a key, keys, a number, an ISO time, text); None if unreadable.

    `now` is the current time in the city's time zone: "7am" means today there.
    """
    answer = text.strip()
    if not answer:
        return None
    match attribute.datatype:
        case "singlevaluelist":
            chosen = _choices(attribute.values, answer)
            return chosen[0] if len(chosen) == 1 else None
        case "multivaluelist":
            return _choices(attribute.values, answer) or None
        case "number":
            number = _NUMBER.search(answer)
            return number.group(0).replace(",", ".") if number else None
        case "datetime":
            moment = _moment(answer, now)
            return moment.isoformat() if moment else None
        case "string":
            return answer if len(answer) <= 200 else None
    return answer


def answer_in_report(attribute: Attribute, text: str) -> Answer | None:
    """A choice the report's own words already make ("large pothole", "light flashing"), if clear."""
    if not attribute.datatype.endswith("valuelist"):
        return None
    values = tuple(v for v in attribute.values if v.key not in _TOO_VAGUE)
    chosen = _choices(values, text, by_number=False)
    if attribute.datatype == "singlevaluelist":
        return chosen[0] if len(chosen) == 1 else None
    return chosen or None


def _choices(values: tuple[AttributeValue, ...], answer: str, *, by_number: bool = True) -> list[str]:
    plain = plain_text(answer)
    chosen: list[str] = []
    for value in values:
        if plain_text(value.name) in plain or re.search(rf"\b{re.escape(plain_text(value.key))}\b", plain):
            chosen.append(value.key)
    for number in re.findall(r"\b\d+\b", plain) if by_number else []:
        index = int(number) - 1
        if 0 <= index < len(values) and values[index].key not in chosen:
            chosen.append(values[index].key)
    return chosen


def _moment(answer: str, now: datetime) -> datetime | None:
    try:
        moment = datetime.fromisoformat(answer)
    except ValueError:
        pass
    else:
        return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
    plain = plain_text(answer)
    day = now.date()
    if date := _DATE.search(plain):
        day = datetime(int(date.group(1)), int(date.group(2)), int(date.group(3))).date()
        plain = plain[: date.start()] + plain[date.end() :]
    elif _YESTERDAY.search(plain):
        day -= timedelta(days=1)
    clock = _CLOCK.search(plain)
    if clock is None:
        return None
    hour, minute, half = int(clock.group(1)), int(clock.group(2) or 0), (clock.group(3) or "")[:1]
    hour = hour % 12 + (12 if half == "p" else 0) if half else hour
    if hour > 23 or minute > 59:
        return None
    return datetime.combine(day, time(hour, minute), tzinfo=now.tzinfo)
