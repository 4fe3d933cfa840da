"""Who is at the desk: the API's bearer token, or the pages' session cookie; both are a staff session.

The API takes only `Authorization: Bearer <token>` (so no browser can be tricked into sending it), the
pages only the HttpOnly, SameSite=Strict cookie that the sign-in form sets. A missing, unknown, expired
or closed session is a 401 on the API and a redirect to the sign-in page on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from civic311_intake.domain.staff.members import StaffMember
from civic311_intake.entrypoints.api.dependencies import StaffAccountsDep

SESSION_COOKIE = "civic311_staff"
SIGN_IN_PATH = "/staff/sign-in"

_bearer = HTTPBearer(auto_error=False, description="A staff session token from POST /api/staff/sessions.")


@dataclass(frozen=True)
class SignedIn:
    member: StaffMember
    token: str


class SignInRequired(Exception):
    """A page asked for by someone without a live session: they are sent to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


async def _api_session(
    accounts: StaffAccountsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    token = credentials.credentials if credentials is not None else None
    member = await accounts.member(token)
    if member is None or token is None:
        raise HTTPException(
            status_code=401,
            detail="sign in first: no live staff session (POST /api/staff/sessions)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return SignedIn(member, token)


async def _page_session(request: Request, accounts: StaffAccountsDep) -> SignedIn:
    token = request.cookies.get(SESSION_COOKIE)
    member = await accounts.member(token)
    if member is None or token is None:
        raise SignInRequired(request.url.path)
    return SignedIn(member, token)


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?next={quote(next_path, safe='/')}"


ApiSession = Annotated[SignedIn, Depends(_api_session)]
PageSession = Annotated[SignedIn, Depends(_page_session)]
