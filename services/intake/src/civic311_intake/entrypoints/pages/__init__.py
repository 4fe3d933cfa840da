"""The resident pages: report a problem, get a tracking number, follow the request's timeline.

Server-rendered on the shared web layer (civic311_intake.entrypoints.web), in English and Spanish. GET / (home),
GET /report (the types by group), GET and POST /report/{service_code} (the form), GET
/requests/{tracking_number}/filed (the confirmation), GET /track and GET /track/{tracking_number} (the
timeline), GET /photos/{key} (a photo sent with a report), GET and POST /chat (the chat). No page shows a resident's contact details: the confirmation and tracking pages are built from
the request's public view only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from civic311_intake.entrypoints.pages import answers, chat, photos, report, track

TEMPLATES = Path(__file__).parent / "templates"


def install(app: FastAPI) -> None:
    """Add the pages' templates to the web layer (web.install first) and serve the pages."""
    app.state.web.add_templates("pages", TEMPLATES)
    app.include_router(report.router)
    app.include_router(track.router)
    app.include_router(photos.router)
    app.include_router(answers.router)  # the answers, searched and read
    app.include_router(chat.router)  # its messages are taken by the text channels' engine (channels.install)


__all__ = ["install"]
