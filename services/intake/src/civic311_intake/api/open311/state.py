"""What the Open311 routes serve from, loaded once when the app is made: the catalogue and when it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from civic311_routing.catalogue import DEFAULT_CATALOGUE, load_catalogue
from civic311_routing.domain.catalogue import Catalogue

# Until the gateway has settings for them, these tell a client developer where to turn.
CONTACT = "civic311 311 office: ask through the city's 311 line or the project's issue tracker."
KEY_SERVICE = "Reading the service list needs no key; the 311 office issues api_keys for filing requests."


@dataclass(frozen=True)
class Open311State:
    catalogue: Catalogue
    changed_at: datetime
    contact: str = CONTACT
    key_service: str = KEY_SERVICE


def load_open311_state(path: Path = DEFAULT_CATALOGUE) -> Open311State:
    """The catalogue at `path`; its file's modification time is the discovery changeset."""
    changed_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return Open311State(catalogue=load_catalogue(path), changed_at=changed_at)


def open311_state(request: Request) -> Open311State:
    state: Open311State = request.app.state.open311
    return state


Open311 = Annotated[Open311State, Depends(open311_state)]
