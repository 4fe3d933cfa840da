"""The event contracts: the one place that defines what civic311's events are."""

from civic311_backbone.contracts.envelope import Actor, Envelope, Payload, new_event_id, utc_now
from civic311_backbone.contracts.events import (
    CORE_EVENTS,
    Assigned,
    Closed,
    Contact,
    Cost,
    Location,
    RequestCreated,
    SlaWarning,
    StatusUpdated,
    TransferRefused,
    TransferRequested,
)
from civic311_backbone.contracts.registry import (
    PAYLOAD_TYPES,
    UPCASTERS,
    UnknownEventType,
    from_dict,
    from_record,
    from_wire,
    new_event,
    to_wire,
    upcast,
)
from civic311_backbone.contracts.subjects import dead_letter_subject, event_subject, stream_subjects

__all__ = [
    "CORE_EVENTS",
    "PAYLOAD_TYPES",
    "UPCASTERS",
    "Actor",
    "Assigned",
    "Closed",
    "Contact",
    "Cost",
    "Envelope",
    "Location",
    "Payload",
    "RequestCreated",
    "SlaWarning",
    "StatusUpdated",
    "TransferRefused",
    "TransferRequested",
    "UnknownEventType",
    "dead_letter_subject",
    "event_subject",
    "from_dict",
    "from_record",
    "from_wire",
    "new_event",
    "new_event_id",
    "stream_subjects",
    "to_wire",
    "upcast",
    "utc_now",
]
