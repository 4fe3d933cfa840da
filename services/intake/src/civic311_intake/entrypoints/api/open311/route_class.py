"""Open311 routes answer a malformed parameter in the spec's error format (400), never FastAPI's 422, a path
ending in neither .json nor .xml with 404, and a `Refused` raised on the way in the spec's error format."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from civic311_intake.domain.submission import FieldProblem
from civic311_intake.entrypoints.api.open311.responses import (
    FORMATS,
    Refused,
    error,
    format_or_json,
    problems,
)


class Open311Route(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except Refused as refused:
                return error(
                    format_or_json(request.path_params.get("fmt")), refused.status_code, refused.description
                )
            except RequestValidationError as invalid:
                fmt = request.path_params.get("fmt")
                if fmt not in FORMATS:
                    return error("json", 404, f"format {fmt!r} is not offered; use .json or .xml")
                return problems(format_or_json(fmt), 400, [_problem(e) for e in invalid.errors()])

        return answer


def _problem(detail: Any) -> FieldProblem:
    """FastAPI's account of one bad parameter as the field it names and why."""
    where = [str(part) for part in detail.get("loc", ()) if part not in ("query", "path", "body")]
    return FieldProblem(".".join(where) or "request", str(detail.get("msg", "invalid")))
