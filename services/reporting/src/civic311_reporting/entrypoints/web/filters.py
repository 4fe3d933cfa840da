"""The dashboard's and the API's filters, read from the query string and checked field by field."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from civic311_reporting.domain.selection import Selection

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NAME = 100


class FilterError(ValueError):
    """One filter's value cannot be used; says which and why."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


class FilterProblem(BaseModel):
    """The answer to a request with a filter that cannot be used (HTTP 400)."""

    error: str = Field(examples=["invalid filter"])
    field: str = Field(description="The query parameter at fault.", examples=["from"])
    why: str = Field(examples=["'2026-02-30' is not a date (YYYY-MM-DD)"])


def _name(field: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_NAME:
        raise FilterError(field, f"is longer than {MAX_NAME} characters")
    if not value.isprintable():
        raise FilterError(field, "holds control characters")
    return value


def _day(field: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if not _DAY.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(field, f"{value[:40]!r} is not a date (YYYY-MM-DD)") from None


def selection(
    department: Annotated[str | None, Query(description="Department, as routing names it.")] = None,
    type_: Annotated[str | None, Query(alias="type", description="Request type (service code).")] = None,
    district: Annotated[str | None, Query(description="District name.")] = None,
    from_: Annotated[
        str | None, Query(alias="from", description="First day of creation, YYYY-MM-DD (UTC).")
    ] = None,
    to: Annotated[
        str | None,
        Query(description="Last day of creation, YYYY-MM-DD (UTC); figures are as of its end."),
    ] = None,
) -> Selection:
    """The filters as a Selection; a FilterError names the first field that cannot be used."""
    chosen = Selection(
        department=_name("department", department),
        service_code=_name("type", type_),
        district=_name("district", district),
        created_from=_day("from", from_),
        created_to=_day("to", to),
    )
    if chosen.created_from and chosen.created_to and chosen.created_to < chosen.created_from:
        raise FilterError("to", f"{chosen.created_to} is before from ({chosen.created_from})")
    return chosen


def query_of(chosen: Selection) -> dict[str, str]:
    """The selection back as query parameters, for links that keep the filters."""
    pairs = {
        "department": chosen.department,
        "type": chosen.service_code,
        "district": chosen.district,
        "from": chosen.created_from.isoformat() if chosen.created_from else None,
        "to": chosen.created_to.isoformat() if chosen.created_to else None,
    }
    return {k: v for k, v in pairs.items() if v is not None}
