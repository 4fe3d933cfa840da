"""Defect 10, the gateway's part: an outage met anywhere in the app, wrapped or not, is a 503 with
Retry-After and one log line, never a 500; any other error is still an error."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from civic311_intake.entrypoints.api.protection import protect


def _app() -> FastAPI:
    app = FastAPI()
    protect(app, max_body_bytes=10_000, posts_per_minute=0, body_timeout=5)

    @app.get("/refused")
    async def refused() -> None:
        raise ConnectionRefusedError(111, "Connect call failed")

    @app.get("/grouped")
    async def grouped() -> None:
        raise ExceptionGroup("workers", [asyncpg.CannotConnectNowError("the database system is starting up")])

    @app.get("/wrapped")
    async def wrapped() -> None:
        try:
            raise asyncpg.InterfaceError("connection is closed")
        except asyncpg.InterfaceError as error:
            raise RuntimeError("while filing") from error

    @app.get("/bug")
    async def bug() -> None:
        raise KeyError("not an outage")

    return app


@pytest.mark.parametrize("path", ["/refused", "/grouped", "/wrapped"])
async def test_an_outage_anywhere_is_503_with_retry_after(path: str) -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        answer = await client.get(path)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "briefly unavailable" in answer.json()["detail"]


async def test_an_error_that_is_no_outage_is_still_a_500() -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        answer = await client.get("/bug")
    assert answer.status_code == 500
