"""The staff desk: sign-in, queues, a request's full view, and the changes staff make, as API and pages.

Routing's own rules decide what a transfer does to the SLA clock, so the gateway builds a `Router` from
the same environment routing reads (`RoutingSettings`), once, when the app is made.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from civic311_backbone.store import EventStore
from civic311_intake.desk import api, pages, sessions
from civic311_intake.desk.actions import Desk
from civic311_intake.desk.auth import SignInRequired, sign_in_url
from civic311_routing.config import build_router
from civic311_routing.settings import RoutingSettings

TEMPLATES = Path(__file__).parent / "templates"


def install(app: FastAPI, store: EventStore) -> None:
    """Serve the desk's API and pages (after web.install, whose layout and CSRF the pages use)."""
    app.state.desk = Desk(store=store, router=build_router(RoutingSettings()))
    app.state.web.add_templates("desk", TEMPLATES)
    app.include_router(sessions.router)
    app.include_router(api.router)
    app.include_router(pages.router)

    async def to_sign_in(request: Request, error: Exception) -> RedirectResponse:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(sign_in_url(error.next_path), status_code=303)

    app.add_exception_handler(SignInRequired, to_sign_in)


__all__ = ["install"]
