"""What the Open311 routes serve from, made once with the app: the city's catalogue and when it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Query, Request

from civic311_city.catalogue import Catalogue
from civic311_intake.entrypoints.api.open311.responses import Refused
from civic311_intake.settings import IntakeSettings


@dataclass(frozen=True)
class Open311State:
    catalogue: Catalogue
    changed_at: datetime
    contact: str
    key_service: str
    jurisdiction_id: str | None
    """The one jurisdiction this gateway answers for; None: any jurisdiction_id is taken as this one."""

    def serves(self, jurisdiction_id: str | None) -> bool:
        """Whether a call naming `jurisdiction_id` (or none) is for this gateway."""
        return jurisdiction_id is None or self.jurisdiction_id in (None, jurisdiction_id)


def open311_state_of(catalogue: Catalogue, path: Path, settings: IntakeSettings) -> Open311State:
    """`catalogue`, read from `path`, whose modification time is the discovery changeset."""
    return Open311State(
        catalogue=catalogue,
        changed_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        contact=settings.open311_contact,
        key_service=settings.open311_key_service,
        jurisdiction_id=settings.open311_jurisdiction_id,
    )


async def open311_state(request: Request) -> Open311State:
    state: Open311State = request.app.state.open311
    return state


Open311 = Annotated[Open311State, Depends(open311_state)]


def refuse_other_jurisdictions(
    open311: Open311,
    jurisdiction_id: Annotated[
        str | None, Query(description="Optional; if given, the one this gateway serves.")
    ] = None,
) -> None:
    """A route dependency: a call naming a jurisdiction this gateway does not serve is refused (404)."""
    if not open311.serves(jurisdiction_id):
        raise Refused(404, not_served(jurisdiction_id))


def not_served(jurisdiction_id: str | None) -> str:
    return f"jurisdiction_id {jurisdiction_id} is not served here"


OnlyOurJurisdiction = Depends(refuse_other_jurisdictions)
