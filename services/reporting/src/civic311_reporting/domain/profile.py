"""A city's conventions for judging SLAs, as data: one profile per city, no special cases in code."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ReportProfile(BaseModel):
    """How the on-time figures are counted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="civic311", description="Whose conventions these are.")
    no_due_date: Literal["on_time", "excluded"] = Field(
        default="on_time", description="How a request without a due time counts."
    )
    duplicates: Literal["excluded", "own_flag"] = Field(
        default="excluded",
        description="Duplicates are left out of on-time figures, or judged on their own dates.",
    )
    export_at: AwareDatetime | None = Field(
        default=None,
        description="Open requests are judged as of this instant (the export's); none: the report's.",
    )
    cell_degrees: float = Field(default=0.01, gt=0, description="Hotspot map cell size, in degrees.")

    def judged_at(self, as_of: datetime) -> datetime:
        return self.export_at if self.export_at is not None else as_of


DEFAULT_PROFILE = ReportProfile()
