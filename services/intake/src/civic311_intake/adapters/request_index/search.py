"""Searching the request index: Open311's GET requests and the staff queues ask through one function."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import asyncpg

from civic311_intake.domain.public_view import PublicRequest

Order = Literal["newest", "due"]


@dataclass(frozen=True, kw_only=True)
class RequestSearch:
    """Every criterion is optional; those given must all hold."""

    tracking_numbers: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()
    departments: Sequence[str] = ()
    queue: str | None = None
    requested_from: datetime | None = None
    requested_to: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    overdue_at: datetime | None = None
    """Only open requests whose due time has passed at this instant."""
    order: Order = "newest"
    limit: int = 1000
    offset: int = 0


def _where(search: RequestSearch) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []

    def add(template: str, value: Any) -> None:
        args.append(value)
        clauses.append(template.format(f"${len(args)}"))

    if search.tracking_numbers:
        add("tracking_number = ANY({}::text[])", list(search.tracking_numbers))
    if search.service_codes:
        add("service_code = ANY({}::text[])", list(search.service_codes))
    if search.statuses:
        add("status = ANY({}::text[])", list(search.statuses))
    if search.departments:
        add("department = ANY({}::text[])", list(search.departments))
    if search.queue is not None:
        add("queue = {}", search.queue)
    if search.requested_from is not None:
        add("requested_at >= {}", search.requested_from)
    if search.requested_to is not None:
        add("requested_at <= {}", search.requested_to)
    if search.updated_after is not None:
        add("updated_at > {}", search.updated_after)
    if search.updated_before is not None:
        add("updated_at < {}", search.updated_before)
    if search.overdue_at is not None:
        add("status = 'open' AND due_at < {}", search.overdue_at)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


_ORDER = {
    "newest": "requested_at DESC, tracking_number",
    "due": "due_at ASC NULLS LAST, requested_at, tracking_number",
}


@dataclass(frozen=True)
class IndexedRequest:
    view: PublicRequest
    queue: str | None
    priority: str | None
    district: str | None


async def search_requests(
    conn: asyncpg.Connection | asyncpg.Pool, search: RequestSearch
) -> list[IndexedRequest]:
    where, args = _where(search)
    args += [search.limit, search.offset]
    rows = await conn.fetch(
        f"SELECT view, queue, priority, district FROM request_index{where}"
        f" ORDER BY {_ORDER[search.order]} LIMIT ${len(args) - 1} OFFSET ${len(args)}",
        *args,
    )
    return [
        IndexedRequest(PublicRequest.model_validate_json(r["view"]), r["queue"], r["priority"], r["district"])
        for r in rows
    ]


async def count_requests(conn: asyncpg.Connection | asyncpg.Pool, search: RequestSearch) -> int:
    where, args = _where(search)
    count: int = await conn.fetchval(f"SELECT count(*) FROM request_index{where}", *args)
    return count
