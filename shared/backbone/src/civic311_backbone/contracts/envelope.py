"""The envelope every civic311 event travels in, on the bus and out of the store.

A payload class says what happened; the envelope says to which request, in what order, when, why (the
correlation and causation ids) and by whom. The store sets `global_position` and `recorded_at`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar
from uuid import UUID

import uuid_utils.compat as uuid_utils
from pydantic import BaseModel, ConfigDict, Field


def new_event_id() -> UUID:
    """A time-ordered (version 7) UUID: sorts by creation time, so indexes stay compact."""
    return uuid_utils.uuid7()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Actor(BaseModel):
    """Who caused an event: a resident, a staff member, or one of the services."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["resident", "staff", "service", "system"] = Field(
        description="What sort of actor this is.", examples=["staff"]
    )
    id: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description=(
            "Stable identifier of the actor: a staff login, a service name, or an opaque resident "
            "reference (never a resident's name, e-mail or phone)."
        ),
        examples=["routing"],
    )


class Payload(BaseModel):
    """Base of every event payload. Subclasses name their event type and schema version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


P = TypeVar("P", bound=Payload)


class Envelope(BaseModel, Generic[P]):
    """One event: the payload and everything needed to order, trace and deduplicate it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID = Field(
        description="Unique id of this event (UUID v7, time-ordered). Appending it twice stores it once; "
        "it is also the JetStream Nats-Msg-Id.",
        examples=["0193a3c2-7c1e-7d2a-9a52-4f6e0b1d2c3e"],
    )
    event_type: str = Field(description="Name of the payload type.", examples=["RequestCreated"])
    schema_version: int = Field(ge=1, description="Version of the payload's schema.", examples=[1])
    stream_id: str = Field(
        description="The stream the event belongs to: one stream per service request.",
        examples=["request-7KQ-4MX28"],
    )
    stream_version: int = Field(
        ge=1, description="Position of the event in its stream, from 1, without gaps.", examples=[1]
    )
    occurred_at: datetime = Field(description="When the fact happened (UTC).")
    recorded_at: datetime | None = Field(
        default=None, description="When the store recorded it (UTC); set by the store."
    )
    global_position: int | None = Field(
        default=None,
        description="Position in the store's global order; set by the store. Increasing, not dense.",
    )
    correlation_id: UUID = Field(
        description="Id shared by every event that follows from one original action."
    )
    causation_id: UUID | None = Field(
        default=None, description="Id of the event or command that directly caused this one."
    )
    actor: Actor = Field(description="Who or what caused the event.")
    payload: P = Field(description="What happened.")

    def metadata(self) -> dict[str, Any]:
        """The ids to bind to log lines while handling this event."""
        return {
            "event_id": str(self.event_id),
            "event_type": self.event_type,
            "stream_id": self.stream_id,
            "correlation_id": str(self.correlation_id),
            "causation_id": str(self.causation_id) if self.causation_id else None,
        }
