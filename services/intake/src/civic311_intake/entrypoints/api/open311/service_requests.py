"""POST requests, GET requests, GET a request and GET tokens/{token}, each as .json or .xml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from civic311_backbone.contracts import Actor, RequestCreated, from_record
from civic311_backbone.contracts.tracking import InvalidTrackingNumber, parse_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from civic311_intake.adapters.access import ApiKeys
from civic311_intake.adapters.photo_store import PhotoStore
from civic311_intake.adapters.request_index import RequestSearch, count_requests, search_requests
from civic311_intake.application.filing import (
    IdempotencyKeyReused,
    SubmissionRejected,
    file_submission,
    filing_event_id,
)
from civic311_intake.application.photos import forget_photo, keep_photo, photo_url
from civic311_intake.domain.open311.listing import listed_type
from civic311_intake.domain.open311.search import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Filters, criteria
from civic311_intake.domain.photos import PhotoRefused
from civic311_intake.domain.public_view import PublicRequest, public_view
from civic311_intake.domain.submission import FieldProblem, Submission
from civic311_intake.entrypoints.api.dependencies import ApiKeysDep, Pool, Store
from civic311_intake.entrypoints.api.errors import excerpt
from civic311_intake.entrypoints.api.open311 import request_docs as docs
from civic311_intake.entrypoints.api.open311.mapping.form import MEDIA, media_part, read_open311_form
from civic311_intake.entrypoints.api.open311.mapping.requests import (
    TokenAnswer,
    posted_request,
    service_request,
)
from civic311_intake.entrypoints.api.open311.responses import Format, error, problems, respond
from civic311_intake.entrypoints.api.open311.route_class import Open311Route
from civic311_intake.entrypoints.api.open311.state import (
    OnlyOurJurisdiction,
    Open311,
    Open311State,
    not_served,
)
from civic311_intake.entrypoints.pages.photos import photo_keeping

router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)

Extensions = Annotated[bool, Query(description="Add extended_attributes (channel, duplicate, notes).")]


@router.post(
    "/requests.{fmt}", response_class=Response, openapi_extra=docs.POST_FORM, responses=docs.POST_RESPONSES
)
async def post_request(
    fmt: Format, request: Request, open311: Open311, store: Store, api_keys: ApiKeysDep
) -> Response:
    """File a service request (form-encoded, or multipart with a photo as `media`); answered with its
    tracking number at once."""
    try:
        form = await request.form()
    except HTTPException as unreadable:  # a malformed multipart body (400), too big (413), stalled (408)
        return problems(fmt, unreadable.status_code, [FieldProblem("request", str(unreadable.detail))])
    key = form.get("api_key")  # in the body only: a key in a URL ends up in logs
    key_id = await _key_id(api_keys, key if isinstance(key, str) else None)
    if key_id is None:
        return error(fmt, 403, "api_key: missing or not a valid key")
    items = form.multi_items()
    fields = [(name, value if isinstance(value, str) else None) for name, value in items if name != MEDIA]
    jurisdiction = next((v for n, v in fields if n == "jurisdiction_id" and v), None)
    if not open311.serves(jurisdiction):
        return error(fmt, 404, not_served(jurisdiction))
    read = read_open311_form(open311.catalogue, (f for f in fields if f[0] != "api_key"))
    media_url = read.submission.media_url if read.submission is not None else None
    media = media_part([v for n, v in items if n == MEDIA], media_url=media_url)
    if isinstance(media, FieldProblem) or read.problems or read.submission is None:
        return problems(fmt, 400, [*read.problems, *([media] if isinstance(media, FieldProblem) else [])])
    # The report is a resident's, made through a client app: the actor names the app by its key's
    # public id, never the resident (their contact travels in the event, marked personal data).
    actor = Actor(kind="resident", id=f"open311-client-{key_id}")
    # A client that retries after a lost answer sends the same Idempotency-Key: filed once.
    idempotency_key = request.headers.get("idempotency-key")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        return problems(fmt, 400, [FieldProblem("Idempotency-Key", "1 to 200 characters")])
    event_id = filing_event_id(f"open311:{key_id}", idempotency_key) if idempotency_key else None
    kept = None
    submission: Submission = read.submission
    if media is not None:
        kept_or_refused = await _keep(request, media, retry_of=str(event_id) if event_id else None)
        if isinstance(kept_or_refused, FieldProblem):
            return problems(fmt, 400, [kept_or_refused])
        kept = kept_or_refused
        submission = replace(submission, media_url=photo_url(str(request.base_url), kept.key))
    try:
        filed = await file_submission(
            store,
            open311.catalogue,
            submission,
            actor=actor,
            event_id=event_id,
            geocoder=request.app.state.geocoder,
        )
    except SubmissionRejected as rejected:
        await _forget(kept)
        return problems(fmt, 400, rejected.problems)
    except IdempotencyKeyReused as reused:
        if kept is not None and kept.key not in (await _media_url(store, reused.tracking_number) or ""):
            await _forget(kept)  # the first filing's own photo, the same one sent again, stays
        return problems(fmt, 422, [FieldProblem("Idempotency-Key", str(reused))])
    except BaseException:
        await _forget(kept)
        raise
    return respond(fmt, "service_requests", [posted_request(filed.tracking_number)])


@dataclass(frozen=True)
class _Kept:
    store: PhotoStore
    key: str


async def _keep(request: Request, media: UploadFile, *, retry_of: str | None) -> _Kept | FieldProblem:
    """The `media` photo kept, or the problem with it (nothing kept)."""
    keeping = photo_keeping(request)
    if keeping is None:
        return FieldProblem(MEDIA, "this gateway keeps no photos: give media_url, a link to one")
    try:
        key = await keep_photo(keeping.store, await media.read(), keeping.rules, retry_of=retry_of)
    except PhotoRefused as refused:
        return FieldProblem(MEDIA, str(refused))
    return _Kept(keeping.store, key)


async def _forget(kept: _Kept | None) -> None:
    """A photo kept for a request that was not filed after all is not kept."""
    if kept is not None:
        await forget_photo(kept.store, kept.key)


async def _media_url(store: EventStore, tracking_number: str) -> str | None:
    """The photo link the request `tracking_number` was filed with."""
    first = (await store.read_stream(stream_id_for(tracking_number)))[0]
    created = from_record(first).payload
    return created.media_url if isinstance(created, RequestCreated) else None


async def _key_id(api_keys: ApiKeys, presented: str | None) -> str | None:
    """The public half of a valid key; None for a missing, malformed or unknown one."""
    if not presented or not presented.isascii() or not presented.isprintable() or len(presented) > 200:
        return None
    if await api_keys.holder(presented) is None:
        return None
    return presented.split(".", 1)[0]


@router.get(
    "/requests.{fmt}",
    response_class=Response,
    responses=docs.LIST_RESPONSES,
    dependencies=[OnlyOurJurisdiction],
)
async def get_requests(
    fmt: Format,
    open311: Open311,
    pool: Pool,
    service_request_id: Annotated[
        str | None, Query(description="Comma-separated tracking numbers; every other filter is then ignored.")
    ] = None,
    service_code: Annotated[str | None, Query(description="Comma-separated service codes.")] = None,
    start_date: Annotated[datetime | None, Query(description="Requested at or after (ISO 8601).")] = None,
    end_date: Annotated[datetime | None, Query(description="Requested at or before; ≤ 90 days on.")] = None,
    status: Annotated[str | None, Query(description="open, closed, or both comma-separated.")] = None,
    updated_after: Annotated[datetime | None, Query(description="Changed after (extension).")] = None,
    updated_before: Annotated[datetime | None, Query(description="Changed before (extension).")] = None,
    page: Annotated[int, Query(ge=1, le=100_000, description="Page, from 1 (extension).")] = 1,
    page_size: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Requests a page.")
    ] = DEFAULT_PAGE_SIZE,
    extensions: Extensions = False,
) -> Response:
    """Search requests, newest first; the total matching is in the X-Total-Count header."""
    filters = Filters(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        updated_after=updated_after,
        updated_before=updated_before,
    )
    found = criteria(open311.catalogue, filters, now=datetime.now(UTC))
    if isinstance(found, list):
        return problems(fmt, 400, found)
    search = RequestSearch(
        tracking_numbers=found.tracking_numbers,
        service_codes=found.service_codes,
        statuses=found.statuses,
        requested_from=found.requested_from,
        requested_to=found.requested_to,
        updated_after=found.updated_after,
        updated_before=found.updated_before,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    rows = await search_requests(pool, search)
    answer = [_shown(open311, row.view, extensions) for row in rows]
    response = respond(fmt, "service_requests", answer)
    response.headers["X-Total-Count"] = str(await count_requests(pool, search))
    return response


@router.get(
    "/requests/{service_request_id}.{fmt}",
    response_class=Response,
    responses=docs.ONE_RESPONSES,
    dependencies=[OnlyOurJurisdiction],
)
async def get_request(
    service_request_id: str,
    fmt: Format,
    open311: Open311,
    store: Store,
    extensions: Extensions = False,
) -> Response:
    """One request, read from its own stream (so it is current right after POST), as a one-element list."""
    view = await _public_request(store, open311, service_request_id)
    if view is None:
        return error(fmt, 404, f"service_request_id {excerpt(service_request_id)} is not a request of ours")
    return respond(fmt, "service_requests", [_shown(open311, view, extensions)])


@router.get(
    "/tokens/{token}.{fmt}",
    response_class=Response,
    responses=docs.TOKEN_RESPONSES,
    dependencies=[OnlyOurJurisdiction],
)
async def get_token(token: str, fmt: Format, open311: Open311, store: Store) -> Response:
    """The request a token stands for. Requests get their id at once: a tracking number is its own token."""
    view = await _public_request(store, open311, token)
    if view is None:
        return error(fmt, 404, f"token {excerpt(token)} is not one we gave out")
    answer = TokenAnswer(service_request_id=view.tracking_number, token=token)
    return respond(fmt, "service_requests", [answer])


async def _public_request(store: EventStore, open311: Open311State, given: str) -> PublicRequest | None:
    """The public view of the request `given` names, if it exists and its type may be shown publicly."""
    try:
        number = parse_tracking_number(given)
    except InvalidTrackingNumber:
        return None
    view = public_view([from_record(r) for r in await store.read_stream(stream_id_for(number))])
    if view is None or listed_type(open311.catalogue, view.service_code) is None:
        return None
    return view


def _shown(open311: Open311State, view: PublicRequest, extensions: bool) -> dict[str, object]:
    shown = service_request(view, open311.catalogue.get(view.service_code), extensions=extensions)
    return shown.model_dump(mode="json", exclude=None if extensions else {"extended_attributes"})
