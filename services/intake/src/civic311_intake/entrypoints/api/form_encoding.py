"""Invalid UTF-8 in a form is refused with a 400 naming the field, on every route that takes a form.

Starlette decodes a urlencoded form with errors="replace", so `description=pot%FFhole` would be stored as
"pot\ufffdhole": not what the client sent, and nobody told; a multipart form's text falls back to latin-1
(see multipart_text). This middleware reads such a body first (the body size limit, outside it, bounds
what it holds), checks every name and text value decodes as UTF-8, and hands the same bytes on. A refusal is written as the route's family answers: the Open311 spec's error
list (JSON, or XML for a .xml path), else FastAPI's 422 shape with status 400.
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic311_intake.entrypoints.api.errors import excerpt
from civic311_intake.entrypoints.api.multipart_text import undecodable_part
from civic311_intake.entrypoints.api.open311.xml import to_xml

FORM = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"
WHY = "not valid UTF-8"


def undecodable_field(body: bytes) -> str | None:
    """The name of the first field whose name or value is not UTF-8 once percent-decoded, if any."""
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        raw_name = unquote_to_bytes(name.replace(b"+", b" "))
        try:
            raw_name.decode("utf-8")
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return excerpt(raw_name.decode("utf-8", "replace")) or "request"
    return None


class FormEncoding:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers", ())).get(b"content-type", b"")
        if scope["type"] != "http" or not content_type.lower().startswith((FORM, MULTIPART)):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if content_type.lower().startswith(FORM):
            field = undecodable_field(body)
        else:
            named = undecodable_part(body, content_type)
            field = None if named is None else excerpt(named)
        if field is None:
            await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)
            return
        await _refuse(send, str(scope["path"]), field)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replaying() -> Message:
        return messages.pop(0) if messages else await receive()

    return replaying


async def _refuse(send: Send, path: str, field: str) -> None:
    if path.startswith("/open311/"):
        errors = [{"code": 400, "description": f"{field}: {WHY}"}]
        if path.endswith(".xml"):
            body, media = to_xml("errors", errors).encode(), b"text/xml; charset=utf-8"
        else:
            body, media = json.dumps(errors).encode(), b"application/json"
    else:
        detail = [{"loc": ["body", field], "msg": WHY, "type": "unicode_error"}]
        body, media = json.dumps({"detail": detail}).encode(), b"application/json"
    await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", media)]})
    await send({"type": "http.response.body", "body": body})
