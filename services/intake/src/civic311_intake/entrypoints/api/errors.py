"""The one error writer of every route that is not Open311's (whose spec format is in open311/responses):
a 422 names each field and why, in FastAPI's shape, and never fails on what the client sent.

An error answer says which field and why, never what was sent: the value may be a password, or 900 KB.
What the client controls and an answer must still name (a field's key, a path segment) is written as a
short excerpt of text, with anything that is no text (a lone surrogate, a control character) replaced,
so that writing the answer cannot fail and the answer cannot carry odd bytes back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
SHORT = 80
"""Characters of a client's value an answer may show, e.g. an unknown field's name."""
MESSAGE = 300
"""Characters of one problem's explanation."""


def excerpt(text: str, limit: int = SHORT) -> str:
    """`text` safe to write back: what is no text replaced by U+FFFD, cut to `limit` characters."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return _NOT_TEXT.sub("\ufffd", cut)


def field_errors(errors: Sequence[Any], *, path_params: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Pydantic's or FastAPI's error list without the input or context (they hold what was sent)."""
    written = []
    for error in errors[:20]:
        loc = [part if isinstance(part, int) else excerpt(str(part)) for part in error.get("loc", ())]
        if len(loc) >= 2 and loc[0] == "body" and loc[1] in path_params:
            loc[0] = "path"
        written.append(
            {
                "loc": loc,
                "msg": excerpt(str(error.get("msg", "invalid")), MESSAGE),
                "type": excerpt(str(error.get("type", "value_error"))),
            }
        )
    return written


async def _invalid(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return JSONResponse({"detail": field_errors(error.errors())}, status_code=422)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code in (204, 304):
        return Response(status_code=error.status_code, headers=error.headers)
    detail: Any = error.detail
    if isinstance(detail, str):
        detail = excerpt(detail, MESSAGE)
    elif isinstance(detail, list):
        detail = field_errors(detail, path_params=tuple(request.path_params))
    return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http_error)
