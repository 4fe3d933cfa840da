"""CSRF protection for the pages' forms: a double-submit cookie, no server secret.

Every page that shows a form gets a random token, set in a `SameSite=Strict` cookie and written in the
form's hidden `csrf_token` field. A POST passes only if both are there and equal: another site can make a
browser send the cookie (Strict says it won't even do that) but can neither read it nor guess it, so it
cannot put the same value in the form. A POST that fails gets the 403 page and changes nothing.
"""

from __future__ import annotations

import secrets

from fastapi import Request

CSRF_COOKIE = "civic311_csrf"
CSRF_FIELD = "csrf_token"
_TOKEN_BYTES = 32


class CsrfRejected(Exception):
    """A POST whose form token is missing or does not match its cookie."""


def csrf_token(request: Request) -> str:
    """This request's token: the browser's own if it sent a well-formed one, else a new one.

    `render` sets the cookie when the token is new, so a page that shows a form just calls this.
    """
    token = getattr(request.state, "csrf_token", None)
    if isinstance(token, str):
        return token
    sent = request.cookies.get(CSRF_COOKIE, "")
    token = sent if _well_formed(sent) else secrets.token_urlsafe(_TOKEN_BYTES)
    request.state.csrf_token = token
    request.state.csrf_token_is_new = token != sent
    return token


def _well_formed(token: str) -> bool:
    return 40 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


async def require_csrf(request: Request) -> None:
    """Dependency for every form POST: raises CsrfRejected (a 403 page) unless cookie and field match."""
    form = await request.form()  # Starlette keeps the parsed form: the route reads it again for free
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    # As bytes: compare_digest raises TypeError (a 500) on a str that is not ASCII, and either may be.
    if not isinstance(sent, str) or not cookie or not secrets.compare_digest(_bytes(sent), _bytes(cookie)):
        raise CsrfRejected()


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
