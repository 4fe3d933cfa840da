"""An Open311 POST request's form fields, read into the `Submission` every channel hands in.

The form is flat: `lat=42.36&attribute[SIZE]=large&attribute[ITEMS][]=trash&attribute[ITEMS][]=yard`.
Reading it only parses (numbers, the attribute keys); what the answers must be is `check_submission`'s.
Fields it does not know (`api_key`, checked before; `device_id`, `account_id`: we keep neither) are ignored.
A photo comes as the file part `media` of a multipart/form-data POST (the GeoReport v2 extension the cities'
APIs take), in place of a `media_url`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import UploadFile

from civic311_city.catalogue import Catalogue
from civic311_intake.domain.submission import (
    FieldProblem,
    Submission,
    check_submission,
    contact_from,
    plain_number,
)
from civic311_intake.domain.text import text_problem

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_TEXT_FIELDS = ("service_code", "description", "address_string", "address_id", "media_url", "jurisdiction_id")
_CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")
MEDIA = "media"
"""The file part that carries a photo."""


@dataclass(frozen=True)
class ReadForm:
    submission: Submission | None
    """None when the problems leave nothing to check (no service_code)."""
    problems: list[FieldProblem]


def read_open311_form(catalogue: Catalogue, fields: Iterable[tuple[str, str | None]]) -> ReadForm:
    """The submission in an Open311 POST form, and every problem with it (none: it may be filed).

    A value of None stands for a field that was not text (an uploaded file, say).
    """
    single: dict[str, str] = {}
    attributes: dict[str, str | list[str]] = {}
    problems: list[FieldProblem] = []
    for name, value in fields:
        if value is None:
            problems.append(FieldProblem(name, "a text value, not a file"))
            continue
        why = text_problem(value)
        if why is not None:  # the one text rule, for every field (numbers too), before any parsing
            problems.append(FieldProblem(_field_name(name), why))
            continue
        matched = _ATTRIBUTE.match(name)
        if matched is not None:
            _add_answer(attributes, matched.group(1), value, many=matched.group(2) is not None)
        elif name in single and name in (*_TEXT_FIELDS, *_CONTACT_FIELDS, "lat", "long"):
            problems.append(FieldProblem(name, "given more than once"))
        else:
            single[name] = value
    lat, long = (_coordinate(single, name, problems) for name in ("lat", "long"))
    contact, contact_problems = contact_from(**{n: single.get(n) for n in _CONTACT_FIELDS})
    problems += contact_problems
    service_code = single.get("service_code", "").strip()
    if not service_code:
        return ReadForm(None, [FieldProblem("service_code", "required: the code of a service"), *problems])
    submission = Submission(
        service_code=service_code,
        channel="open311",
        description=_text(single, "description"),
        lat=lat,
        long=long,
        address_string=_text(single, "address_string"),
        address_id=_text(single, "address_id"),
        attributes=attributes,
        media_url=_text(single, "media_url"),
        contact=contact,
        jurisdiction_id=_text(single, "jurisdiction_id"),
    )
    unreadable = {p.field for p in problems}
    checked = check_submission(catalogue, submission)
    return ReadForm(submission, problems + [p for p in checked if p.field not in unreadable])


def media_part(values: list[str | UploadFile], *, media_url: str | None) -> UploadFile | FieldProblem | None:
    """The photo among a form's `media` values, a problem with them, or None when none was sent.

    An empty file control (a browser sends one with no filename) is no photo."""
    files = [v for v in values if isinstance(v, UploadFile) and (v.filename or v.size)]
    if any(isinstance(v, str) and v for v in values):
        return FieldProblem(
            MEDIA, "the photo itself as a file part (multipart/form-data); a link goes in media_url"
        )
    if len(files) > 1:
        return FieldProblem(MEDIA, "one photo a request")
    if files and media_url is not None:
        return FieldProblem(MEDIA, "give media or media_url, not both")
    return files[0] if files else None


def _field_name(name: str) -> str:
    """The field as an answer names it: `attribute[ITEMS][]` is `attribute[ITEMS]`."""
    matched = _ATTRIBUTE.match(name)
    return f"attribute[{matched.group(1)}]" if matched is not None else name


def _add_answer(attributes: dict[str, str | list[str]], code: str, value: str, *, many: bool) -> None:
    """`attribute[C][]` always makes a list; `attribute[C]` twice does too (check_submission says if one fits)."""
    before = attributes.get(code)
    if before is None:
        attributes[code] = [value] if many else value
    else:
        attributes[code] = [*([before] if isinstance(before, str) else before), value]


def _text(single: dict[str, str], name: str) -> str | None:
    value = single.get(name, "").strip()
    return value or None


def _coordinate(single: dict[str, str], name: str, problems: list[FieldProblem]) -> float | None:
    text = single.get(name, "").strip()
    if not text:
        return None
    value = plain_number(text)
    if value is None:
        problems.append(FieldProblem(name, "a number in decimal degrees (WGS 84)"))
    return value
