"""The staff desk: sign-in, queues, a request's full view, and the changes staff make, as API and pages.

A transfer is only asked for here (a TransferRequested): routing alone decides the new queue's due time
and answers on the request's stream with an Assigned or a TransferRefused.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from civic311_backbone.store import EventStore
from civic311_city.catalogue import Catalogue
from civic311_intake.adapters.answers import AnswerBook
from civic311_intake.application.desk import Desk
from civic311_intake.entrypoints.desk import (
    answer_pages,
    answers,
    api,
    information_calls,
    pages,
    photos,
    sessions,
)
from civic311_intake.entrypoints.desk.auth import SignInRequired, sign_in_url

TEMPLATES = Path(__file__).parent / "templates"


def install(app: FastAPI, store: EventStore, catalogue: Catalogue) -> None:
    """Serve the desk's API and pages (after web.install, whose layout and CSRF the pages use, and
    geocode.install, whose geocoder places callers' addresses)."""
    app.state.desk = Desk(store=store, catalogue=catalogue, geocoder=app.state.geocoder)
    app.state.web.add_templates("desk", TEMPLATES)
    app.include_router(sessions.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.state.answers = AnswerBook(app.state.pool)  # the knowledge base: agents, admins and residents
    app.include_router(answers.staff_router)
    app.include_router(answers.public_router)
    app.include_router(information_calls.router)  # calls answered without a request
    app.include_router(answer_pages.router)
    app.include_router(photos.router)  # a request's photos: attach, hide, see

    async def to_sign_in(request: Request, error: Exception) -> RedirectResponse:
        assert isinstance(error, SignInRequired)
        return RedirectResponse(sign_in_url(error.next_path), status_code=303)

    app.add_exception_handler(SignInRequired, to_sign_in)


__all__ = ["install"]
