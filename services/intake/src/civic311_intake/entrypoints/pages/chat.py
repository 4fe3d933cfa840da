"""The chat on the resident site: GET /chat shows the conversation so far, POST /chat takes one message.

The same conversation engine as SMS and e-mail answers (application/text_intake.py, channel "chat"),
so it asks for the type, the place and the type's questions one at a time, files, and answers
"status <number>". Without JavaScript it is a form (CSRF token as every page form) that posts the
message and comes back to the page; chat.js posts the same form with `Accept: application/json` and
adds the answer to the page. A chat is keyed by a random session cookie (the database holds only its
hash); each rendered form carries a fresh message id, so a message posted twice (a reload, the back
button, a replay) is refused with 409 and answered once. POSTs count against the public forms' rate
limit (api/protection.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from civic311_intake.adapters.chat_transcript import ChatLine, transcript
from civic311_intake.application.text_intake import InboundMessage, TextIntake, receive
from civic311_intake.domain.messages.conversation import MAX_DESCRIPTION
from civic311_intake.entrypoints.web import Translator, WebDep, require_csrf

router = APIRouter(include_in_schema=False)

SESSION_COOKIE = "civic311_chat"
MAX_MESSAGE = MAX_DESCRIPTION
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ALLOWED_CONTROLS = frozenset("\n\r\t")


@router.get("/chat", response_class=HTMLResponse)
async def chat_page(request: Request, web: WebDep) -> Response:
    session, new = _session(request)
    return await _page(request, web, session, new, {})


@router.post("/chat", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
async def chat_message(request: Request, web: WebDep) -> Response:
    session, new = _session(request)
    t = web.translator(request)
    form = await request.form()
    text, message_id = str(form.get("message") or ""), str(form.get("message_id") or "")
    problem = _problem(text, message_id, t)
    if problem is not None:
        field, why = problem
        return await _refuse(request, web, session, new, 400, field, why, typed=text[:MAX_MESSAGE])
    intake: TextIntake = request.app.state.text_intake
    sender = _sender(session)
    inbound = InboundMessage("chat", f"{sender[:32]}:{message_id}", sender, text, language=t.language)
    reply = await receive(intake, inbound)
    if reply.repeated:
        return await _refuse(request, web, session, new, 409, "message", t("chat.repeated"))
    if _wants_json(request):
        lines = [ChatLine("resident", text, None), ChatLine("city", reply.text, reply.tracking_number)]
        answer: Response = JSONResponse({"lines": [_line_json(line, t) for line in lines], **_next(t)})
    else:
        answer = RedirectResponse("/chat#latest", status_code=303)  # a reload then posts nothing
    return _with_session(request, answer, session, new)


def _problem(text: str, message_id: str, t: Translator) -> tuple[str, str] | None:
    """What makes the message one we refuse, as (field, why); None when it may be taken."""
    if not _MESSAGE_ID.match(message_id):
        return "message", t("chat.no_message_id")
    if not text.strip():
        return "message", t("chat.empty")
    if len(text) > MAX_MESSAGE:
        limit = f"{MAX_MESSAGE:,}".replace(",", "." if t.language == "es" else ",")
        return "message", t("chat.too_long", limit=limit)
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in _ALLOWED_CONTROLS for c in text):
        return "message", t("chat.odd_characters")
    return None


async def _refuse(
    request: Request,
    web: WebDep,
    session: str,
    new: bool,
    status_code: int,
    field: str,
    why: str,
    *,
    typed: str = "",
) -> Response:
    """The refusal: nothing was taken. JSON for chat.js, else the page with the error at its field."""
    if _wants_json(request):
        t = web.translator(request)
        body = {"detail": why, "field": field, **_next(t)}
        return _with_session(request, JSONResponse(body, status_code=status_code), session, new)
    return await _page(request, web, session, new, {field: why}, typed=typed, status_code=status_code)


async def _page(
    request: Request,
    web: WebDep,
    session: str,
    new: bool,
    errors: dict[str, str],
    *,
    typed: str = "",
    status_code: int = 200,
) -> Response:
    lines = await transcript(request.app.state.pool, _sender(session))
    context = {
        "lines": lines,
        "errors": errors,
        "typed": typed,
        "message_id": secrets.token_urlsafe(18),
        "max_message": MAX_MESSAGE,
    }
    page = web.render(request, "pages/chat.html", context, status_code=status_code)
    return _with_session(request, page, session, new)


def _session(request: Request) -> tuple[str, bool]:
    """The chat's session token from its cookie, or a new one (and True)."""
    sent = request.cookies.get(SESSION_COOKIE, "")
    if _TOKEN.match(sent):
        return sent, False
    return secrets.token_urlsafe(32), True


def _sender(session: str) -> str:
    """What the database keys the chat by: a hash, so that its rows give nobody the cookie."""
    return hashlib.sha256(session.encode()).hexdigest()


def _with_session(request: Request, response: Response, session: str, new: bool) -> Response:
    if new:
        # Lax, not Strict: a resident who follows a link to the chat still finds the conversation.
        secure = request.url.scheme == "https"
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


def _wants_json(request: Request) -> bool:
    return request.headers.get("accept", "").startswith("application/json")


def _next(t: Translator) -> dict[str, str]:
    """A fresh message id for the next message, and the page's language."""
    return {"message_id": secrets.token_urlsafe(18), "language": t.language}


def _line_json(line: ChatLine, t: Translator) -> dict[str, Any]:
    return {
        "speaker": line.speaker,
        "who": t(f"chat.{line.speaker}_says"),
        "said": line.said,
        "tracking_number": line.tracking_number,
        "track_label": t("chat.track", number=line.tracking_number) if line.tracking_number else None,
    }
