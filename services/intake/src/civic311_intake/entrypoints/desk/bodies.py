"""What every JSON body of the desk's API shares, and the answers its routes document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from civic311_intake.domain.text import text_problem

ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not a tracking number"},
    401: {"description": "No live staff session"},
    403: {"description": "Outside the staff member's role or department"},
    404: {"description": "No such request"},
    409: {"description": "The request's state does not allow it, or it changed since it was read"},
}


class Body(BaseModel):
    """A JSON body of the desk's API: unknown fields and what is no text (domain.text) are a 422 naming
    the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """Control characters and lone surrogates are refused as a bad field, not stored or a 500."""
        return typed_text(value)


def typed_text(value: Any) -> Any:
    """`value` if every string in it passes the text rule; ValueError naming why otherwise."""
    if isinstance(value, str):
        why = text_problem(value)
        if why is not None:
            raise ValueError(why)
    if isinstance(value, dict):
        for key, item in value.items():
            typed_text(key)
            typed_text(item)
    elif isinstance(value, list):
        for item in value:
            typed_text(item)
    return value
