"""Where each event type is published on NATS. Other services subscribe to these subjects.

    {prefix}.request.created         RequestCreated
    {prefix}.request.assigned        Assigned
    {prefix}.request.status_updated  StatusUpdated
    {prefix}.request.closed          Closed
    {prefix}.request.sla_warning     SlaWarning (internal: for supervisors, never for residents)
    {prefix}.request.transfer_requested  TransferRequested (staff asked; routing decides)
    {prefix}.request.transfer_refused    TransferRefused
    {prefix}.request.duplicate_flagged   DuplicateFlagged (for staff review)
    {prefix}.request.duplicate_reviewed  DuplicateReviewed
    {prefix}.request.follower_added      FollowerAdded (personal data)
    {prefix}.request.unsubscribed        Unsubscribed (personal data)
    {prefix}.request.information_call_logged  InformationCallLogged (a call's stream, not a request's)
    {prefix}.request.photo_changed       PhotoChanged (a photo attached or hidden by staff)
    {prefix}.dlq.{consumer}          messages a consumer gave up on, with the error in headers

The JetStream stream (default name CIVIC311) captures {prefix}.request.>.
"""

from __future__ import annotations

SUBJECT_TOKENS: dict[str, str] = {
    "RequestCreated": "created",
    "Assigned": "assigned",
    "StatusUpdated": "status_updated",
    "Closed": "closed",
    "SlaWarning": "sla_warning",
    "TransferRequested": "transfer_requested",
    "TransferRefused": "transfer_refused",
    "DuplicateFlagged": "duplicate_flagged",
    "DuplicateReviewed": "duplicate_reviewed",
    "FollowerAdded": "follower_added",
    "Unsubscribed": "unsubscribed",
    "InformationCallLogged": "information_call_logged",
    "PhotoChanged": "photo_changed",
}


def event_subject(prefix: str, event_type: str) -> str:
    """The subject an event type is published on; unknown types go under `other`."""
    token = SUBJECT_TOKENS.get(event_type)
    if token is None:
        token = "other." + "".join(("_" + c.lower()) if c.isupper() else c for c in event_type).lstrip("_")
    return f"{prefix}.request.{token}"


def stream_subjects(prefix: str) -> list[str]:
    """What the JetStream stream captures."""
    return [f"{prefix}.request.>"]


def dead_letter_subject(prefix: str, consumer: str) -> str:
    return f"{prefix}.dlq.{consumer}"
