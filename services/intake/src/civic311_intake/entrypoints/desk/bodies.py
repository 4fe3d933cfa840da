"""What every JSON body of the desk's API shares, and the answers its routes document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

ANSWERS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not a tracking number"},
    401: {"description": "No live staff session"},
    403: {"description": "Outside the staff member's role or department"},
    404: {"description": "No such request"},
    409: {"description": "The request's state does not allow it, or it changed since it was read"},
}


class Body(BaseModel):
    """A JSON body of the desk's API: unknown fields and NUL characters are a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """PostgreSQL text and jsonb cannot hold U+0000: refuse it as a bad field, not a server error."""
        return nul_free(value)


def nul_free(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, dict):
        for key, item in value.items():
            nul_free(key)
            nul_free(item)
    elif isinstance(value, list):
        for item in value:
            nul_free(item)
    return value
