"""Asking a request's status by text: "status 7KQ-4MX28", "estado 7kq 4mx28", or the number alone.

A status question files nothing and leaves a report in progress as it is. It is recognised only when
the whole message is the question: "status" (or "estado", "track", "seguimiento") followed by at most a
number-like word, or a message that is a tracking number and nothing else, so that a report which
happens to start with "estado de la calle…" is still read as a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from civic311_backbone.contracts.events import Language
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number

_SPANISH = frozenset({"estado", "seguimiento"})
_QUESTION = re.compile(
    r"^[\s¿?#]*(?P<word>status|tracking|track|estado|seguimiento)\b[\s:#-]*(?:(?:of|de|del)\s+)?"
    r"(?:(?:request|report|solicitud|reporte|n[uú]mero|no\.?)\s+)?#?\s*"
    r"(?P<number>[a-z0-9][a-z0-9 .-]{0,15}?)?[\s?.!]*$",
    re.IGNORECASE,
)
_PRINTED = re.compile(r"^\s*#?(?P<number>[a-z0-9]{3}-[a-z0-9]{5})[\s?.!]*$", re.IGNORECASE)
_COMPACT = re.compile(r"^\s*#?(?P<number>[a-z0-9]{8})[\s?.!]*$", re.IGNORECASE)

Problem = Literal["empty", "wrong_length", "never_used", "not_ours"]
"""Why no number was read: none given, the wrong length, characters never used, or no number we gave."""


@dataclass(frozen=True)
class StatusQuestion:
    """A message that asks for a request's status."""

    typed: str
    """The number as written; empty when the resident sent the word alone."""
    language: Language | None
    """es for "estado"; None for "status" or a number alone, which any resident may write (the
    conversation's language then, else the channel's)."""
    tracking_number: str | None
    """The canonical number, when what was typed is one."""
    problem: Problem | None
    never_used: str = ""
    """The characters no tracking number uses, when that is the problem."""


def status_question(text: str) -> StatusQuestion | None:
    """The status question this message asks, or None when it asks none (a report, say)."""
    asked = _QUESTION.match(text)
    if asked is not None:
        typed = (asked.group("number") or "").strip(" .-")
        squeezed = re.sub(r"[\s.-]", "", typed)
        if typed and not any(c.isdigit() for c in typed) and len(squeezed) != 8:
            return None  # "status of the street light…": words, not a number (some numbers have no digit)
        return _question(typed, _language_of(asked.group("word")))
    printed = _PRINTED.match(text)
    if printed is not None:
        return _question(printed.group("number"), None)
    compact = _COMPACT.match(text)
    if compact is not None:
        question = _question(compact.group("number"), None)
        # eight letters alone could be a word ("potholes"): only a number we could have given counts
        return question if question.tracking_number is not None else None
    return None


def _language_of(word: str) -> Language | None:
    return "es" if word.lower() in _SPANISH else None


def _question(typed: str, language: Language | None) -> StatusQuestion:
    if not typed:
        return StatusQuestion("", language, None, "empty")
    try:
        number = parse_tracking_number(typed)
    except InvalidTrackingNumber as error:
        reason = str(error)
        if reason.startswith("these characters are never used: "):
            return StatusQuestion(typed, language, None, "never_used", reason.rsplit(": ", 1)[1])
        if reason.startswith("a tracking number has"):
            return StatusQuestion(typed, language, None, "wrong_length")
        return StatusQuestion(typed, language, None, "not_ours")
    return StatusQuestion(typed, language, number, None)
