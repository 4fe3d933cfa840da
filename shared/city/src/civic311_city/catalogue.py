"""The service catalogue: every request type residents can report, and how it is handled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civic311_backbone.contracts.events import Priority
from civic311_city.calendar import NEXT_DAY_AT, OutOfHours, TargetKind
from civic311_city.wording import Translation, Wording

Code = Annotated[str, Field(pattern=r"^[A-Z0-9_]{2,40}$")]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_WORKING_DAYS_ONLY = ("out_of_hours", "cutoff", "next_day_at", "holidays")


class SlaTarget(_Model):
    """How long a type may take, and how its clock counts (see calendar.due_at)."""

    kind: TargetKind
    amount: int = Field(ge=0)
    out_of_hours: OutOfHours = Field(
        default="next_opening",
        description="Working days: next_opening starts the clock when the city next opens; keep_clock "
        "keeps the open's clock time (moved to the next working day if opened on a closed day).",
    )
    cutoff: time | None = Field(
        default=None, description="keep_clock: an open at or after this starts the next working day."
    )
    next_day_at: time | None = Field(
        default=None,
        description=f"With a cutoff: the clock time that next day starts at (default {NEXT_DAY_AT:%H:%M}).",
    )
    holidays: bool = Field(default=True, description="Working days: public holidays are closed days.")

    @model_validator(mode="after")
    def _options_fit_the_kind(self) -> Self:
        given = [name for name in _WORKING_DAYS_ONLY if name in self.model_fields_set]
        if self.kind != "working_days" and given:
            raise ValueError(f"{', '.join(given)} apply to working_days targets only, not {self.kind}")
        if self.cutoff is not None and self.out_of_hours != "keep_clock":
            raise ValueError('a cutoff needs out_of_hours = "keep_clock"')
        if self.next_day_at is not None and self.cutoff is None:
            raise ValueError("next_day_at needs a cutoff")
        return self


class AttributeValue(_Model):
    key: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Attribute(_Model):
    """One question of a request type (an Open311 attribute)."""

    code: Code
    question: str = Field(min_length=1, description="What the resident is asked (Open311 description).")
    datatype: Datatype
    required: bool = False
    order: int = Field(ge=1)
    values: tuple[AttributeValue, ...] = ()
    minimum: float | None = Field(
        default=None,
        alias="min",
        description="Number questions: the least answer taken (0 for a count: no negative counts).",
    )

    @model_validator(mode="after")
    def _minimum_only_for_numbers(self) -> Self:
        if self.minimum is not None and self.datatype != "number":
            raise ValueError(f"min applies to number attributes only, not {self.datatype}")
        return self

    @model_validator(mode="after")
    def _values_only_for_lists(self) -> Self:
        is_list = self.datatype.endswith("valuelist")
        if is_list and not self.values:
            raise ValueError(f"a {self.datatype} attribute needs values")
        if not is_list and self.values:
            raise ValueError(f"a {self.datatype} attribute takes no values")
        return self


class DedupPolicy(_Model):
    """How dedup looks for an earlier report of the same problem (the dedup service reads it)."""

    radius_m: float = Field(
        default=50, ge=0, le=2000, description="How far apart two reports may be; 0 turns matching off."
    )
    window_days: float = Field(default=30, gt=0, description="How long ago an open original may be.")
    reopen_days: float = Field(
        default=3, ge=0, description="A closed original still matches this long after it was closed."
    )
    link_at: float = Field(default=0.8, gt=0, le=1, description="Score at or above which dedup links.")
    flag_at: float = Field(default=0.55, gt=0, le=1, description="Score from which staff review the pair.")

    @model_validator(mode="after")
    def _flag_below_link(self) -> Self:
        if self.flag_at > self.link_at:
            raise ValueError(f"flag_at ({self.flag_at}) must not exceed link_at ({self.link_at})")
        return self


class RequestType(_Model):
    code: Code
    name: str = Field(min_length=1)
    group: str = Field(min_length=1)
    description: str = ""
    keywords: tuple[str, ...] = ()
    department: str = Field(min_length=1)
    queue: str = Field(min_length=1, description="The department's central queue for this type.")
    queue_by_district: bool = Field(
        default=False, description="Route to the district crew's queue, `<queue>-<district>`."
    )
    priority: Priority = "normal"
    sla: SlaTarget | None = None
    confidential: bool = Field(default=False, description="Never shown publicly (an ethics report).")
    transfer_clock: Literal["restart", "continue"] = "restart"
    attributes: tuple[Attribute, ...] = ()
    dedup: DedupPolicy = Field(default_factory=DedupPolicy)
    related: tuple[Code, ...] = Field(
        default=(), description="Types a report of this one may duplicate (a clogged drain and flooding)."
    )

    @model_validator(mode="after")
    def _attribute_codes_unique(self) -> Self:
        codes = [a.code for a in self.attributes]
        if len(codes) != len(set(codes)):
            raise ValueError(f"attribute codes repeat: {codes}")
        return self


class Catalogue(_Model):
    types: tuple[RequestType, ...]
    translations: Mapping[str, Translation] = Field(
        default_factory=dict, description="Each language's words for the catalogue, by language code."
    )

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        seen: set[str] = set()
        for request_type in self.types:
            if request_type.code in seen:
                raise ValueError(f"service code {request_type.code} appears twice")
            seen.add(request_type.code)
        for request_type in self.types:
            unknown_related = sorted(set(request_type.related) - seen)
            if unknown_related:
                raise ValueError(f"{request_type.code} names unknown related types: {unknown_related}")
        for language, translation in self.translations.items():
            unknown = sorted(set(translation.services) - seen)
            if unknown:
                raise ValueError(f"the {language} words name service codes not in the catalogue: {unknown}")
        return self

    def wording(self, language: str) -> Wording:
        """How the catalogue reads in `language` (its own words where that language has none)."""
        translation = self.translations.get(language)
        return Wording(translation) if translation is not None else Wording()

    def get(self, code: str) -> RequestType | None:
        return next((t for t in self.types if t.code == code), None)

    @property
    def departments(self) -> frozenset[str]:
        return frozenset(t.department for t in self.types)

    def public(self) -> tuple[RequestType, ...]:
        """The types that may be listed publicly (the Open311 service list)."""
        return tuple(t for t in self.types if not t.confidential)
