"""A reopened request is routed again: a resident said it is not fixed, or staff undid a duplicate link.

It goes where a new request of its type and place would go at the moment it was reopened (the rules and
district as they are now), with a fresh SLA clock from that moment: the work starts over. The Assigned
says so (`reason="reopen"`, `clock="restarted"`), so a supervisor sees why it is back in a queue.
"""

from __future__ import annotations

from datetime import datetime

from civic311_backbone.contracts import Assigned
from civic311_routing.domain.routing import Router
from civic311_routing.domain.transfer import RequestSoFar


def decide_reopen(router: Router, request: RequestSoFar, *, at: datetime) -> Assigned | None:
    """The Assigned of a request reopened at `at`; None when the stream holds no request to route."""
    if request.created is None:
        return None
    routed = router.assign(request.created, created_at=at)
    return routed.model_copy(update={"reason": "reopen", "clock": "restarted"})
