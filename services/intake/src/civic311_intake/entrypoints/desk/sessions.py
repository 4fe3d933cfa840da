"""Signing in and out of the desk's API: a bearer token per session."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field

from civic311_intake.domain.staff.members import Role
from civic311_intake.entrypoints.api.dependencies import StaffAccountsDep
from civic311_intake.entrypoints.desk.auth import ApiSession
from civic311_intake.entrypoints.desk.bodies import ANSWERS, Body

router = APIRouter(prefix="/api/staff", tags=["staff desk"])


class SignInBody(Body):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class StaffProfile(BaseModel):
    username: str
    display_name: str
    role: Role
    department: str | None


class SessionAnswer(BaseModel):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the scheme's name, not a secret)
    staff: StaffProfile


@router.post("/sessions", status_code=201, response_model=SessionAnswer, responses={401: ANSWERS[401]})
async def sign_in(body: SignInBody, accounts: StaffAccountsDep) -> SessionAnswer:
    member = await accounts.authenticate(body.username, body.password)
    if member is None:
        raise HTTPException(401, "unknown username or wrong password", {"WWW-Authenticate": "Bearer"})
    token = await accounts.open_session(member)
    return SessionAnswer(token=token, staff=StaffProfile(**vars(member)))


@router.delete("/sessions", status_code=204, responses={401: ANSWERS[401]})
async def sign_out(session: ApiSession, accounts: StaffAccountsDep) -> Response:
    await accounts.close_session(session.token)
    return Response(status_code=204)


@router.get("/me", response_model=StaffProfile, responses={401: ANSWERS[401]})
async def who_am_i(session: ApiSession) -> StaffProfile:
    return StaffProfile(**vars(session.member))
