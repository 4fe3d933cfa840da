"""The desk's own dependency: its actions' parts, made once when the app is."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from civic311_intake.application.desk import Desk


async def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


DeskDep = Annotated[Desk, Depends(_desk)]
