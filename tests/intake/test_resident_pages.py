"""A resident reports a problem and follows it on the gateway's pages, over HTTP, in English and Spanish."""

from __future__ import annotations

import re

import asyncpg
import httpx

from civic311_backbone.contracts import Assigned, RequestCreated, StatusUpdated, from_record, new_event
from civic311_backbone.contracts.tracking import new_tracking_number, stream_id_for
from civic311_backbone.store import EventStore
from civic311_backbone.testing.factories import STAFF

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FILED = re.compile(r"^/requests/([2-9A-Z]{3}-[2-9A-Z]{5})/filed$")


async def events_stored(pool: asyncpg.Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM events")
    return count


async def open_form(client: httpx.AsyncClient, path: str, **headers: str) -> str:
    """GET the form, as a browser does first: the page sets the CSRF cookie; its token is returned."""
    page = await client.get(path, headers=headers)
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found is not None, "the form carries no CSRF token"
    return found.group(1)


def pothole(token: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "attribute[SIZE]": "large",
        "address_string": "12 Main St",
        "description": "Deep pothole in the right lane",
        "first_name": "Maria",
        "last_name": "Lopez",
        "email": "maria.lopez@example.org",
        "phone": "+1 617 555 0100",
        "language": "en",
    } | changes


async def test_a_report_with_problems_comes_back_with_each_problem_at_its_field_and_nothing_is_filed(
    gateway: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    token = await open_form(gateway, "/report/POTHOLE")
    form = pothole(token, address_string="", description="x" * 4001) | {"attribute[SIZE]": ""}

    response = await gateway.post("/report/POTHOLE", data=form)

    assert response.status_code == 400
    page = response.text
    summary = page[
        page.index('class="error-summary"') : page.index("</ul>", page.index('class="error-summary"'))
    ]
    assert re.findall(r'href="#([^"]+)"', summary) == ["attr-SIZE", "address_string", "description"]
    assert "Answer the question “How big is the pothole?”" in summary
    assert "Enter the address, or use your location" in summary
    assert "at most 4,000 characters long — it has 4,001" in summary
    assert 'id="attr-SIZE"' in page and 'aria-invalid="true"' in page
    assert "x" * 4001 in page  # what was typed is kept
    assert 'value="maria.lopez@example.org"' in page
    assert await events_stored(pool) == 0


async def test_a_post_without_the_matching_csrf_token_is_refused_and_nothing_is_filed(
    gateway: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    token = await open_form(gateway, "/report/POTHOLE")

    without_field = await gateway.post(
        "/report/POTHOLE", data={k: v for k, v in pothole(token).items() if k != "csrf_token"}
    )
    mismatched = await gateway.post("/report/POTHOLE", data=pothole(token[::-1]))
    gateway.cookies.clear()
    without_cookie = await gateway.post("/report/POTHOLE", data=pothole(token))

    for refused in (without_field, mismatched, without_cookie):
        assert refused.status_code == 403
        assert "This form has expired" in refused.text
    assert await events_stored(pool) == 0


async def test_a_report_filed_in_spanish_is_a_web_request_in_spanish_with_its_answers(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    spanish = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
    form_page = await gateway.get("/report/MISSED_TRASH", headers=spanish)
    assert '<html lang="es">' in form_page.text
    assert "No recogieron la basura" in form_page.text
    assert "¿Qué no recogieron?" in form_page.text
    token = await open_form(gateway, "/report/MISSED_TRASH", **spanish)

    response = await gateway.post(
        "/report/MISSED_TRASH",
        headers=spanish,
        data={
            "csrf_token": token,
            "attribute[SET_OUT_TIME]": "2026-11-23T06:45",  # the city's wall clock (America/New_York)
            "attribute[ITEMS]": ["trash", "recycling"],
            "lat": "42.3601",
            "long": "-71.0589",
            "description": "No pasaron esta semana",
            "email": "ana@example.org",
            "language": "es",
        },
    )

    assert response.status_code == 303
    filed = FILED.match(response.headers["location"])
    assert filed is not None
    tracking_number = filed.group(1)
    [created] = [from_record(r) for r in await store.read_stream(stream_id_for(tracking_number))]
    assert isinstance(created.payload, RequestCreated)
    assert created.payload.channel == "web"
    assert created.payload.language == "es"
    assert created.payload.attributes == {
        "SET_OUT_TIME": "2026-11-23T06:45:00-05:00",
        "ITEMS": ["trash", "recycling"],
    }
    assert (created.payload.location.lat, created.payload.location.long) == (42.3601, -71.0589)
    assert created.payload.contact is not None and created.payload.contact.email == "ana@example.org"
    assert created.actor.kind == "resident" and "ana" not in created.actor.id

    confirmation = await gateway.get(response.headers["location"], headers=spanish)
    assert confirmation.status_code == 200
    assert "Reporte recibido" in confirmation.text
    assert f"data-tracking-number>{tracking_number}<" in confirmation.text


async def test_the_pages_speak_the_browser_language_until_the_resident_chooses_another(
    gateway: httpx.AsyncClient,
) -> None:
    spanish = {"Accept-Language": "es-MX,es;q=0.9"}

    by_browser = await gateway.get("/", headers=spanish)
    chosen = await gateway.get("/", params={"lang": "en"}, headers=spanish)
    remembered = await gateway.get("/report", headers=spanish)
    english_browser = await gateway.get("/track", headers={"Accept-Language": "en-US,en;q=0.9,es;q=0.8"})

    assert '<html lang="es">' in by_browser.text and "¿Cómo podemos ayudarle?" in by_browser.text
    assert by_browser.headers["content-language"] == "es"
    assert "frame-ancestors 'none'" in by_browser.headers["content-security-policy"]
    assert '<html lang="en">' in chosen.text and "How can we help?" in chosen.text
    assert '<html lang="en">' in remembered.text and "What would you like to report?" in remembered.text
    assert "Pothole" in remembered.text
    gateway.cookies.clear()
    assert '<html lang="en">' in english_browser.text
    spanish_types = await gateway.get("/report", headers=spanish)
    assert "Bache" in spanish_types.text and "Calles" in spanish_types.text


async def test_the_tracking_page_shows_the_timeline_and_public_notes_and_never_the_contact(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    token = await open_form(gateway, "/report/POTHOLE")
    filed = await gateway.post("/report/POTHOLE", data=pothole(token))
    assert filed.status_code == 303
    match = FILED.match(filed.headers["location"])
    assert match is not None
    tracking_number = match.group(1)
    await store.append(
        stream_id_for(tracking_number),
        [
            new_event(Assigned(department="Public Works", queue="PWD-Streets"), actor=STAFF),
            new_event(
                StatusUpdated(
                    status="in_progress",
                    public_note="Crew scheduled for Tuesday morning",
                    internal_note="caller phoned three times",
                ),
                actor=STAFF,
            ),
        ],
        expected_version=1,
    )

    typed = tracking_number.lower().replace("-", " ")
    lookup = await gateway.get("/track", params={"tracking_number": typed})
    page = await gateway.get(f"/track/{tracking_number}")
    confirmation = await gateway.get(filed.headers["location"])

    assert lookup.status_code == 303 and lookup.headers["location"] == f"/track/{tracking_number}"
    assert page.status_code == 200
    assert "Crew scheduled for Tuesday morning" in page.text
    assert re.search(r'class="stage stage--current" aria-current="step">In progress<', page.text)
    assert page.text.index("Work in progress") < page.text.index("Sent to Public Works")
    assert page.text.index("Sent to Public Works") < page.text.index("We received your report")
    for private in ("Maria", "Lopez", "maria.lopez@example.org", "555 0100", "caller phoned"):
        assert private not in page.text
        assert private not in confirmation.text


async def test_a_malformed_tracking_number_is_400_and_an_unknown_one_404(gateway: httpx.AsyncClient) -> None:
    unknown = new_tracking_number()

    malformed = await gateway.get("/track/7KQ-4MX2O")
    typed_badly = await gateway.get("/track", params={"tracking_number": "12345"})
    missing = await gateway.get(f"/track/{unknown}")
    missing_confirmation = await gateway.get(f"/requests/{unknown}/filed")
    hidden_type = await gateway.get("/report/ETHICS_CONCERN")

    assert malformed.status_code == 400 and "never use these characters: O" in malformed.text
    assert typed_badly.status_code == 400 and "8 letters and numbers" in typed_badly.text
    assert missing.status_code == 404 and f"No request has the tracking number {unknown}" in missing.text
    assert missing_confirmation.status_code == 404
    assert hidden_type.status_code == 404
