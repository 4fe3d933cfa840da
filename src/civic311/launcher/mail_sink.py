"""python -m civic311.launcher.mail_sink: the local mail sink `civic311 run` starts for people trying
civic311. It accepts every e-mail on SMTP (SMTP_SINK_PORT) and lists them on a web page (HTTP_PORT):
per recipient, each with its text and HTML. Kept in memory only: these are residents' e-mails on a
developer's machine, gone when it stops. Never a relay: nothing is sent on."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
from email.message import EmailMessage
from html import escape

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from civic311_backbone.embedded.ports import LOOPBACK

KEPT = 1000
"""The newest e-mails kept; older ones are forgotten."""


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        if isinstance(message, EmailMessage):
            self.messages = [*self.messages[-(KEPT - 1) :], message]
        return "250 OK"


def _part(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    return str(part.get_content()) if part is not None else ""


def app(inbox: Inbox) -> Starlette:
    async def listing(request: Request) -> Response:
        wanted = request.query_params.get("to", "").lower()
        rows = [
            f'<tr><td>{escape(str(m["Date"] or ""))}</td><td><a href="/?to={escape(str(m["To"]))}">'
            f'{escape(str(m["To"]))}</a></td><td><a href="/messages/{i}">{escape(str(m["Subject"]))}</a></td></tr>'
            for i, m in reversed(list(enumerate(inbox.messages)))
            if not wanted or str(m["To"]).lower() == wanted
        ]
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>civic311 mail sink</title>"
            "<body style='font-family: system-ui, sans-serif'><h1>E-mails sent</h1>"
            f"<p>{len(rows)} e-mail(s){' to ' + escape(wanted) if wanted else ''}. <a href='/'>All</a></p>"
            "<table cellpadding=4><tr><th>Date</th><th>To</th><th>Subject</th></tr>"
            + "".join(rows)
            + "</table></body>"
        )

    async def one(request: Request) -> Response:
        index = int(request.path_params["index"])
        if not 0 <= index < len(inbox.messages):
            return HTMLResponse("no such e-mail", status_code=404)
        m = inbox.messages[index]
        headers = "".join(
            f"<tr><th align=left>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in m.items()
        )
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>e-mail</title><body style='font-family: system-ui'>"
            f"<p><a href='/'>All e-mails</a></p><table>{headers}</table><h2>Text</h2>"
            f"<pre style='white-space: pre-wrap'>{escape(_part(m, 'plain'))}</pre><h2>HTML</h2>"
            f"<iframe sandbox style='width: 100%; height: 40em' srcdoc=\"{escape(_part(m, 'html'))}\"></iframe>"
        )

    async def ready(_: Request) -> Response:
        return JSONResponse({"service": "mail", "status": "ready"})

    return Starlette(
        routes=[
            Route("/", listing),
            Route("/messages/{index:int}", one),
            Route("/health/ready", ready),
            Route("/health/live", ready),
        ]
    )


def main() -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname=LOOPBACK, port=int(os.environ["SMTP_SINK_PORT"]))
    controller.start()
    try:
        config = uvicorn.Config(app(inbox), host=LOOPBACK, port=int(os.environ["HTTP_PORT"]), log_config=None)
        asyncio.run(uvicorn.Server(config).serve())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
