"""A new request as any channel hands it in, and the one set of checks every channel applies.

Open311, the resident form, the staff desk, SMS and e-mail all build a `Submission`; `check_submission`
says what is wrong with it, field by field, against the request type's questions in the catalogue.
Only a submission with no problems becomes a `RequestCreated`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from civic311_backbone.contracts import Contact, RequestCreated
from civic311_backbone.contracts.events import Channel, Language
from civic311_city.catalogue import Attribute, Catalogue, RequestType
from civic311_city.geocoding import Answer
from civic311_intake.domain.placing import MAX_ADDRESS_ID as MAX_ADDRESS_ID  # its limit lives with its use
from civic311_intake.domain.placing import location_of
from civic311_intake.domain.text import text_problem

MAX_DESCRIPTION = 4000
MAX_TEXT_ANSWER = 4000
MAX_ADDRESS = 500
MAX_MEDIA_URL = 2000
MAX_JURISDICTION_ID = 100
_CONTACT_LIMITS = {"first_name": 100, "last_name": 100, "email": 254, "phone": 40}


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def plain_number(text: str) -> float | None:
    """A finite number written as people and JSON write them (`-71.05`, `3`, `1e3`); None for anything
    else, including what only Python's float() takes: `4_2`, `nan`, `inf`, other scripts' digits."""
    if _NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class FieldProblem:
    field: str
    """The field as the client named it: `service_code`, `lat`, `attribute[SIZE]`, …"""
    message: str


@dataclass(frozen=True, kw_only=True)
class Submission:
    service_code: str
    channel: Channel
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    media_url: str | None = None
    contact: Contact | None = None
    language: Language = "en"
    jurisdiction_id: str | None = None


def check_submission(
    catalogue: Catalogue, submission: Submission, *, allow_confidential: bool = False
) -> list[FieldProblem]:
    """Every problem with `submission`; empty when it may be filed."""
    request_type = catalogue.get(submission.service_code)
    if request_type is None or (request_type.confidential and not allow_confidential):
        return [FieldProblem("service_code", f"{submission.service_code!r} is not a service of this city")]
    problems = _location_problems(submission)
    if submission.description is not None and len(submission.description) > MAX_DESCRIPTION:
        problems.append(FieldProblem("description", f"at most {MAX_DESCRIPTION} characters"))
    if submission.media_url is not None and not _is_web_link(submission.media_url):
        problems.append(FieldProblem("media_url", f"an http(s) link of at most {MAX_MEDIA_URL} characters"))
    if submission.jurisdiction_id is not None and len(submission.jurisdiction_id) > MAX_JURISDICTION_ID:
        problems.append(FieldProblem("jurisdiction_id", f"at most {MAX_JURISDICTION_ID} characters"))
    problems += attribute_problems(request_type, submission.attributes)
    problems += _text_problems(submission)
    return problems


def _text_problems(submission: Submission) -> list[FieldProblem]:
    """Every free text against the one text rule (domain.text): no control characters, no surrogates."""
    texts: dict[str, str | None] = {
        "service_code": submission.service_code,
        "description": submission.description,
        "address_string": submission.address_string,
        "address_id": submission.address_id,
        "media_url": submission.media_url,
        "jurisdiction_id": submission.jurisdiction_id,
    }
    for code, answer in submission.attributes.items():
        texts[f"attribute[{code}]"] = "".join([answer] if isinstance(answer, str) else answer)
    found = []
    for name, text in texts.items():
        why = text_problem(text) if text else None
        if why is not None:
            found.append(FieldProblem(name, why))
    return found


def contact_from(
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> tuple[Contact | None, list[FieldProblem]]:
    """The reporter's contact from what they gave (blank parts left out); None if they gave none."""
    given = {
        name: value.strip()
        for name, value in {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
        }.items()
        if value is not None and value.strip()
    }
    problems = [
        FieldProblem(name, f"at most {_CONTACT_LIMITS[name]} characters")
        for name, value in given.items()
        if len(value) > _CONTACT_LIMITS[name]
    ]
    problems += [
        FieldProblem(name, why) for name, value in given.items() if (why := text_problem(value)) is not None
    ]
    email_given = given.get("email")
    if email_given is not None and (
        email_given.count("@") != 1 or email_given.startswith("@") or email_given.endswith("@")
    ):
        problems.append(FieldProblem("email", "an e-mail address, like name@example.org"))
    if problems or not given:
        return None, problems
    return Contact(**given), []


def _location_problems(submission: Submission) -> list[FieldProblem]:
    has_point = submission.lat is not None or submission.long is not None
    if not has_point and not submission.address_string and not submission.address_id:
        return [FieldProblem("location", "give lat and long, an address_string or an address_id")]
    problems = []
    if has_point:
        if submission.lat is None or not math.isfinite(submission.lat) or not -90 <= submission.lat <= 90:
            problems.append(FieldProblem("lat", "a latitude between -90 and 90, with long"))
        if (
            submission.long is None
            or not math.isfinite(submission.long)
            or not -180 <= submission.long <= 180
        ):
            problems.append(FieldProblem("long", "a longitude between -180 and 180, with lat"))
    if submission.address_string is not None and len(submission.address_string) > MAX_ADDRESS:
        problems.append(FieldProblem("address_string", f"at most {MAX_ADDRESS} characters"))
    if submission.address_id is not None and len(submission.address_id) > MAX_ADDRESS_ID:
        problems.append(FieldProblem("address_id", f"at most {MAX_ADDRESS_ID} characters"))
    return problems


def _is_web_link(url: str) -> bool:
    return url.startswith(("https://", "http://")) and len(url) <= MAX_MEDIA_URL


def attribute_problems(request_type: RequestType, answers: dict[str, str | list[str]]) -> list[FieldProblem]:
    """The answers against the type's questions: required ones given, each of its datatype."""
    questions = {a.code: a for a in request_type.attributes}
    problems = [
        FieldProblem(f"attribute[{code}]", f"{request_type.code} asks no question {code}")
        for code in answers
        if code not in questions
    ]
    for question in sorted(request_type.attributes, key=lambda a: a.order):
        answer = answers.get(question.code)
        if answer is None or answer == "" or answer == []:
            if question.required:
                problems.append(FieldProblem(f"attribute[{question.code}]", f"required: {question.question}"))
            continue
        why = _answer_problem(question, answer)
        if why is not None:
            problems.append(FieldProblem(f"attribute[{question.code}]", why))
    return problems


def _answer_problem(question: Attribute, answer: str | list[str]) -> str | None:
    keys = {v.key for v in question.values}
    if question.datatype == "multivaluelist":
        chosen = [answer] if isinstance(answer, str) else answer
        unknown = [a for a in chosen if a not in keys]
        return f"not among the choices: {', '.join(unknown)}" if unknown else None
    if isinstance(answer, list):
        if len(answer) != 1:
            return "one answer only"
        answer = answer[0]
    if question.datatype == "singlevaluelist":
        return None if answer in keys else f"one of: {', '.join(sorted(keys))}"
    if question.datatype == "number":
        number = plain_number(answer.strip())
        if number is None:
            return "a number, like 3 or 2.5"
        if question.minimum is not None and number < question.minimum:
            return f"at least {question.minimum:g}"
        return None
    if question.datatype == "datetime":
        try:
            moment = datetime.fromisoformat(answer)
        except ValueError:
            return "a date and time in ISO 8601, e.g. 2026-11-23T09:30:00-05:00"
        return None if moment.tzinfo is not None else "a date and time with its UTC offset"
    limit = 200 if question.datatype == "string" else MAX_TEXT_ANSWER
    return None if len(answer) <= limit else f"at most {limit} characters"


def request_created(
    catalogue: Catalogue, submission: Submission, tracking_number: str, placed: Answer | None = None
) -> RequestCreated:
    """The event of a checked submission, under its tracking number; confidential as its type is.
    `placed`: the geocoder's answer for an address given without a point (see domain.placing)."""
    request_type = catalogue.get(submission.service_code)
    return RequestCreated(
        tracking_number=tracking_number,
        service_code=submission.service_code,
        description=submission.description or None,
        location=location_of(
            submission.lat,
            submission.long,
            submission.address_string or None,
            submission.address_id or None,
            placed,
        ),
        attributes=dict(submission.attributes),
        media_url=submission.media_url or None,
        channel=submission.channel,
        language=submission.language,
        contact=submission.contact,
        jurisdiction_id=submission.jurisdiction_id,
        confidential=request_type is not None and request_type.confidential,
    )
