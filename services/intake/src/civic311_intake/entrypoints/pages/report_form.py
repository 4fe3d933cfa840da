"""The report form, read: what the resident typed becomes a `Submission`, or problems next to the fields.

The checks are the ones every channel shares (`check_submission`); this module adds only what belongs to
a web form (a latitude that is not a number, an e-mail address that cannot be one, the datetime control's
local time) and says each problem in the page's language, under the id of the field it is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from civic311_backbone.contracts import Contact
from civic311_city.catalogue import Catalogue, RequestType
from civic311_intake.domain.submission import FieldProblem, Submission, check_submission, plain_number
from civic311_intake.domain.text import is_text
from civic311_intake.entrypoints.web import LANGUAGES, Translator

TEXT_FIELDS = ("address_string", "lat", "long", "description", "media_url")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()\-.\s]{3,40}$")
_NAME_LENGTH = 100
_EMAIL_LENGTH = 254


@dataclass
class ReportForm:
    """The form as typed: shown again, unchanged, when something is wrong."""

    values: dict[str, str] = field(default_factory=dict)
    answers: dict[str, list[str]] = field(default_factory=dict)
    """By attribute code: one value, or the boxes ticked of a multiple choice."""

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def attribute_field(code: str) -> str:
    return f"attribute[{code}]"


def attribute_id(code: str) -> str:
    return f"attr-{code}"


def read_form(form: FormData, request_type: RequestType, language: str) -> ReportForm:
    values = {name: _text(form.get(name)) for name in (*TEXT_FIELDS, *CONTACT_FIELDS, "language")}
    values["language"] = values["language"] or language
    answers = {
        a.code: [v.strip() for v in form.getlist(attribute_field(a.code)) if isinstance(v, str) and v.strip()]
        for a in request_type.attributes
    }
    return ReportForm(values=values, answers=answers)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def submission_from(
    form: ReportForm, request_type: RequestType, catalogue: Catalogue, t: Translator
) -> tuple[Submission, dict[str, str]]:
    """The submission the form describes, and every problem with it by field id (empty: file it)."""
    errors: dict[str, str] = {}
    lat = _number(form.value("lat"), "lat", t, errors)
    long = _number(form.value("long"), "long", t, errors)
    contact = _contact(form, t, errors)
    language = form.value("language")
    if language not in LANGUAGES:
        errors["language"] = t("problems.language")
        language = t.language
    submission = Submission(
        service_code=request_type.code,
        channel="web",
        description=form.value("description") or None,
        lat=lat,
        long=long,
        address_string=form.value("address_string") or None,
        attributes=_answers(form, request_type, t.time_zone),
        media_url=form.value("media_url") or None,
        contact=contact,
        language=language,
    )
    for problem in check_submission(catalogue, submission):
        key = _field_id(problem.field)
        errors.setdefault(key, _message(problem, request_type, form, t))
    return submission, _in_page_order(errors, request_type)


def _number(text: str, name: str, t: Translator, errors: dict[str, str]) -> float | None:
    if not text:
        return None
    value = plain_number(text.strip())
    if value is None:
        errors[name] = t(f"problems.{name}")
    return value


def _contact(form: ReportForm, t: Translator, errors: dict[str, str]) -> Contact | None:
    for name in ("first_name", "last_name"):
        if len(form.value(name)) > _NAME_LENGTH:
            errors[name] = t("problems.name")
    email, phone = form.value("email"), form.value("phone")
    if email and (len(email) > _EMAIL_LENGTH or not _EMAIL.match(email)):
        errors["email"] = t("problems.email")
    if phone and not _PHONE.match(phone):
        errors["phone"] = t("problems.phone")
    for name in CONTACT_FIELDS:  # the one text rule, as for every other field (NUL cannot even be stored)
        if name not in errors and not is_text(form.value(name)):
            errors[name] = t("problems.characters")
    given = {name: form.value(name) for name in CONTACT_FIELDS if form.value(name)}
    if not given or any(name in errors for name in CONTACT_FIELDS):
        return None
    return Contact(**given)


def _answers(form: ReportForm, request_type: RequestType, zone: ZoneInfo) -> dict[str, str | list[str]]:
    answers: dict[str, str | list[str]] = {}
    for question in request_type.attributes:
        given = form.answers.get(question.code, [])
        if not given:
            continue
        if question.datatype == "multivaluelist":
            answers[question.code] = given
        elif question.datatype == "datetime":
            answers[question.code] = _with_offset(given[0], zone)
        else:
            answers[question.code] = given[0]
    return answers


def _with_offset(text: str, zone: ZoneInfo) -> str:
    """The datetime control sends the city's wall-clock time ("2026-11-23T09:30"); the store wants an offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the shared check says what is wrong with it
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def _field_id(problem_field: str) -> str:
    if problem_field.startswith("attribute[") and problem_field.endswith("]"):
        return attribute_id(problem_field[len("attribute[") : -1])
    return "address_string" if problem_field == "location" else problem_field


def _message(problem: FieldProblem, request_type: RequestType, form: ReportForm, t: Translator) -> str:
    if problem.field in ("location", "lat", "long", "address_string", "media_url"):
        return t(f"problems.{problem.field}")
    if problem.field == "description":
        return t("problems.description", count=f"{len(form.value('description')):,}")
    code = problem.field[len("attribute[") : -1]
    question = next((a for a in request_type.attributes if a.code == code), None)
    if question is None:
        return problem.message
    text = t.question(request_type, question)
    if problem.message.startswith("required"):
        return t("problems.required", question=text)
    kinds = {
        "singlevaluelist": "choice",
        "multivaluelist": "choice",
        "number": "number",
        "datetime": "datetime",
    }
    return t(f"problems.{kinds.get(question.datatype, 'too_long')}", question=text)


def _in_page_order(errors: Mapping[str, str], request_type: RequestType) -> dict[str, str]:
    """The error summary lists problems in the order the fields appear on the page."""
    order = [
        *(attribute_id(a.code) for a in sorted(request_type.attributes, key=lambda a: a.order)),
        "address_string",
        "lat",
        "long",
        "description",
        "media_url",
        *CONTACT_FIELDS,
        "language",
    ]
    ranked = sorted(errors, key=lambda key: order.index(key) if key in order else len(order))
    return {key: errors[key] for key in ranked}
