"""Routing rules: data evaluated top to bottom; the first that matches decides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from civic311_backbone.contracts.events import Priority


class Rule(BaseModel):
    """When all of the given conditions hold, route as `then` says. An empty condition always holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    types: tuple[str, ...] = ()
    districts: tuple[str, ...] = Field(default=(), description="Any of these; '-' means outside all.")
    keywords: tuple[str, ...] = Field(default=(), description="Any of these in the description.")
    attributes: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict, description="For each attribute code, one of the accepted answers."
    )
    department: str | None = None
    queue: str | None = None
    priority: Priority | None = None

    def matches(
        self,
        *,
        service_code: str,
        district: str | None,
        description: str,
        answers: Mapping[str, str | list[str]],
    ) -> bool:
        if self.types and service_code not in self.types:
            return False
        if self.districts and (district or "-") not in self.districts:
            return False
        text = description.casefold()
        if self.keywords and not any(k.casefold() in text for k in self.keywords):
            return False
        return all(_answered(answers.get(code), accepted) for code, accepted in self.attributes.items())


def _answered(answer: str | list[str] | None, accepted: Sequence[str]) -> bool:
    given = [answer] if isinstance(answer, str) else (answer or [])
    return any(value in accepted for value in given)


def first_match(
    rules: Sequence[Rule],
    *,
    service_code: str,
    district: str | None,
    description: str,
    answers: Mapping[str, str | list[str]],
) -> Rule | None:
    return next(
        (
            rule
            for rule in rules
            if rule.matches(
                service_code=service_code, district=district, description=description, answers=answers
            )
        ),
        None,
    )
