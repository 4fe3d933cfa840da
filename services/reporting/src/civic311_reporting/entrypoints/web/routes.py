"""The dashboard page and every table as JSON and CSV, with the same filters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from civic311_reporting.domain.selection import Selection
from civic311_reporting.entrypoints.web import page
from civic311_reporting.entrypoints.web.context import Reporting, reporting
from civic311_reporting.entrypoints.web.figures import Figures, figures
from civic311_reporting.entrypoints.web.filters import FilterProblem, query_of, selection
from civic311_reporting.entrypoints.web.tables import TABLES, Table, as_csv, as_records

Chosen = Annotated[Selection, Depends(selection)]
Context = Annotated[Reporting, Depends(reporting)]
Responses = dict[int | str, dict[str, Any]]
BAD_FILTER: Responses = {400: {"model": FilterProblem, "description": "A filter is invalid."}}

router = APIRouter()


def current(ctx: Reporting, chosen: Selection) -> Figures:
    # Handlers that call this are `async def` on purpose: they run on the event loop, where the bus
    # handler also folds events, so the states never change under the report being computed.
    return figures(
        ctx.live,
        chosen,
        now=ctx.clock(),
        profile=ctx.profile,
        districts=ctx.districts,
        outlines=ctx.outlines,
    )


@router.get("/", include_in_schema=False)
async def home() -> RedirectResponse:
    return RedirectResponse("/dashboard")


BAD_FILTER_PAGE: Responses = {
    400: {"description": "A page naming the invalid filter.", "content": {"text/html": {}}}
}


@router.get("/dashboard", response_class=HTMLResponse, summary="The SLA dashboard", responses=BAD_FILTER_PAGE)
async def dashboard(request: Request, ctx: Context, chosen: Chosen) -> HTMLResponse:
    """Server-rendered HTML with charts and tables; works offline and without script."""
    f = current(ctx, chosen)
    templates: Jinja2Templates = request.app.state.templates
    context = page.context(f, ctx.tiles, ctx.type_names) | {"query": query_of(chosen)}
    return templates.TemplateResponse(request, "dashboard.html", context)


@router.get("/api/reports", summary="The tables, with their columns and addresses")
async def tables() -> list[dict[str, Any]]:
    return [
        {"table": t.name, "title": t.title, "columns": list(t.columns), "json": f"/api/reports/{t.name}.json"}
        | {"csv": f"/api/reports/{t.name}.csv"}
        for t in TABLES.values()
    ]


def _document(table: Table, f: Figures) -> dict[str, Any]:
    return {
        "table": table.name,
        "title": table.title,
        "as_of": f.as_of.isoformat(),
        "filters": query_of(f.selection),
        "notes": list(f.report.notes),
        "columns": list(table.columns),
        "rows": as_records(table, table.rows(f)),
    }


def _json_endpoint(table: Table) -> Any:
    async def endpoint(ctx: Context, chosen: Chosen) -> JSONResponse:
        return JSONResponse(_document(table, current(ctx, chosen)))

    return endpoint


def _csv_endpoint(table: Table) -> Any:
    async def endpoint(ctx: Context, chosen: Chosen) -> Response:
        f = current(ctx, chosen)
        filename = f"{table.name}_{f.as_of:%Y-%m-%d}.csv"
        return Response(
            as_csv(table, table.rows(f)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return endpoint


def _ok(media_type: str, links: dict[str, Any] | None = None) -> Responses:
    return {200: {"content": {media_type: {}}} | ({"links": links} if links else {})}


FILTERS = ("department", "type", "district", "from", "to")
DRILL_DOWNS = {  # a table whose first row names a group, and the table that breaks that group down
    "sla-by-department": ("department", "sla-by-department-and-type"),
    "sla-by-type": ("type", "sla-by-department-and-type"),
    "sla-by-district": ("district", "hotspots"),
}


def operation_id(table: str, fmt: str) -> str:
    return f"report_{table.replace('-', '_')}_{fmt}"


def _links(table: Table) -> dict[str, Any]:
    """OpenAPI links of a table's JSON answer: the same figures as CSV (its `filters` are the query it
    was asked with), and for a table by group, the breakdown of its first group."""
    same = {f"query.{name}": f"$response.body#/filters/{name}" for name in FILTERS}
    links = {
        "csv": {
            "operationId": operation_id(table.name, "csv"),
            "description": "The same figures as CSV.",
            "parameters": same,
        }
    }
    if table.name in DRILL_DOWNS:
        group, breakdown = DRILL_DOWNS[table.name]
        links["breakdown"] = {
            "operationId": operation_id(breakdown, "json"),
            "description": f"The first row's {group}, broken down.",
            "parameters": same | {f"query.{group}": f"$response.body#/rows/0/{group}"},
        }
    return links


for _table in TABLES.values():
    listed = ", ".join(_table.columns)
    router.add_api_route(
        f"/api/reports/{_table.name}.json",
        _json_endpoint(_table),
        methods=["GET"],
        operation_id=operation_id(_table.name, "json"),
        summary=f"{_table.title} (JSON)",
        description=f"Columns: {listed}. Rows are objects; `notes` say how on-time figures are counted.",
        responses=_ok("application/json", _links(_table)) | BAD_FILTER,
        tags=["reports"],
    )
    router.add_api_route(
        f"/api/reports/{_table.name}.csv",
        _csv_endpoint(_table),
        methods=["GET"],
        operation_id=operation_id(_table.name, "csv"),
        summary=f"{_table.title} (CSV)",
        description=f"A header row, then one row per group: {listed}.",
        responses=_ok("text/csv") | BAD_FILTER,
        response_class=Response,
        tags=["reports"],
    )
