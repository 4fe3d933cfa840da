"""The gateway's side of residents' e-mails (a running intake process, real PostgreSQL): the signed
"not fixed" link reopens a closed request once, and the tracking page's form makes a follower."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from civic311_backbone.contracts import Closed, from_record
from civic311_backbone.contracts.tracking import stream_id_for
from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_backbone.testing.plugin import settings_env
from civic311_notifier.domain.links import LinkClaims, resident_ref, sign
from tests.notifier.running import SECRET
from tests.notifier.stories import assigned, closed, filed, new_request, tell, unique_address, updated
from tests.support.processes import gateway_client

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def gateway(
    settings: BackboneSettings, store: EventStore, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_client(
        {**settings_env(settings), "RESIDENT_LINK_SECRET": SECRET, "NOT_FIXED_PER_REQUEST": "2"}, tmp_path
    ) as client:
        yield client


async def _closing_id(store: EventStore, stream: str) -> str:
    closings = [r for r in await store.read_stream(stream) if r.event_type == "Closed"]
    return str(closings[-1].event_id)


def _link(stream: str, recipient: str, closing: str) -> str:
    return sign(LinkClaims("not-fixed", stream, recipient, "email", closing), SECRET.encode())


async def _say_not_fixed(client: httpx.AsyncClient, token: str, **headers: str) -> httpx.Response:
    """As the resident does: open the link (which changes nothing), then press the page's button."""
    page = await client.get("/not-fixed", params={"t": token}, headers=headers)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found is not None
    return await client.post("/not-fixed", data={"t": token, "csrf_token": found.group(1)}, headers=headers)


async def _types(store: EventStore, stream: str) -> list[str]:
    return [r.event_type for r in await store.read_stream(stream)]


async def test_not_fixed_reopens_the_request_once_and_a_second_use_says_so(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    # Given a resolved request and the link its closing e-mail carried
    ana = unique_address()
    stream = await new_request(store, filed(ana, language="es"), assigned())
    await tell(store, stream, updated("in_progress", "En camino."), closed())
    token = _link(stream, ana, await _closing_id(store, stream))

    # When she opens it, nothing changes yet (mail scanners open links too)
    page = await gateway.get("/not-fixed", params={"t": token, "lang": "es"})
    assert page.status_code == 200 and "No está resuelto" in page.text
    assert (await _types(store, stream))[-1] == "Closed"

    # When she presses the button, the request is reopened by her, with the public note
    answer = await _say_not_fixed(gateway, token)
    assert answer.status_code == 200 and "abrimos la solicitud de nuevo" in answer.text
    last = from_record((await store.read_stream(stream))[-1])
    assert last.event_type == "StatusUpdated"
    assert last.payload.status == "reopened"  # type: ignore[attr-defined]
    assert last.payload.public_note == "The resident says it is not fixed"  # type: ignore[attr-defined]
    assert last.actor.kind == "resident" and last.actor.id == resident_ref(ana, SECRET.encode())
    assert ana not in last.actor.id

    # And the same link again appends nothing and says so
    again = await _say_not_fixed(gateway, token)
    assert again.status_code == 200 and "Ya nos lo dijo" in again.text
    assert (await _types(store, stream)).count("StatusUpdated") == 2


async def test_a_link_from_an_older_closing_an_altered_link_and_too_many_reopenings_are_refused(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    ana = unique_address()
    stream = await new_request(store, filed(ana), assigned(), closed())
    first = _link(stream, ana, await _closing_id(store, stream))
    assert (await _say_not_fixed(gateway, first)).status_code == 200
    await tell(store, stream, closed())
    second = _link(stream, ana, await _closing_id(store, stream))
    before = len(await _types(store, stream))

    # An altered link is refused before any page; the first closing's link no longer applies
    altered = second[:-2] + ("AA" if not second.endswith("AA") else "BB")
    assert (await gateway.get("/not-fixed", params={"t": altered})).status_code == 400
    assert (await gateway.post("/not-fixed", data={"t": altered})).status_code == 403  # no CSRF token
    outdated = await _say_not_fixed(gateway, _link(stream, ana, "00000000-0000-0000-0000-000000000000"))
    assert outdated.status_code == 409
    assert len(await _types(store, stream)) == before

    # The second closing's link reopens (the limit here is two), the third closing's is one too many
    assert (await _say_not_fixed(gateway, second)).status_code == 200
    await tell(store, stream, closed())
    third = await _say_not_fixed(gateway, _link(stream, ana, await _closing_id(store, stream)))
    assert third.status_code == 429 and "too often" in third.text
    assert (await _types(store, stream))[-1] == "Closed"


async def test_not_fixed_is_never_for_a_confidential_request_nor_an_unresolved_closing(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    ana = unique_address()
    secret_one = await new_request(
        store, filed(ana, service_code="ETHICS_CONCERN", confidential=True), assigned(), closed()
    )
    answer = await _say_not_fixed(gateway, _link(secret_one, ana, await _closing_id(store, secret_one)))
    assert answer.status_code == 400 and "ETHICS" not in answer.text
    withdrawn = await new_request(store, filed(ana), assigned(), Closed(resolution="withdrawn"))
    refused = await _say_not_fixed(gateway, _link(withdrawn, ana, await _closing_id(store, withdrawn)))
    assert refused.status_code == 409
    assert (await _types(store, secret_one))[-1] == (await _types(store, withdrawn))[-1] == "Closed"


async def test_the_tracking_page_form_makes_a_follower_once_in_the_chosen_language(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    created = filed(unique_address())
    stream = await new_request(store, created, assigned())
    number = created.tracking_number
    page = await gateway.get(f"/track/{number}")
    assert page.status_code == 200 and "data-follow-form" in page.text
    found = TOKEN.search(page.text)
    assert found is not None
    csrf = found.group(1)
    follower = unique_address("neighbour")

    # A bad address comes back at its field, and nothing is stored
    bad = await gateway.post(
        f"/track/{number}/follow", data={"csrf_token": csrf, "follow_email": "nope", "follow_language": "es"}
    )
    assert bad.status_code == 400 and 'href="#follow_email"' in bad.text
    # Without the CSRF token, nothing either
    forged = await gateway.post(f"/track/{number}/follow", data={"follow_email": follower})
    assert forged.status_code == 403
    assert await _types(store, stream) == ["RequestCreated", "Assigned"]

    # A good one follows, in Spanish; the same form again adds nobody
    form = {"csrf_token": csrf, "follow_email": follower, "follow_language": "es"}
    assert (await gateway.post(f"/track/{number}/follow", data=form)).status_code == 200
    again = await gateway.post(f"/track/{number}/follow", data=form)
    assert again.status_code == 200 and "already" in again.text
    [added] = [from_record(r) for r in await store.read_stream(stream) if r.event_type == "FollowerAdded"]
    assert added.payload.contact.email == follower  # type: ignore[attr-defined]
    assert added.payload.language == "es" and added.payload.reason == "resident"  # type: ignore[attr-defined]
    assert follower not in added.actor.id


async def test_a_confidential_request_cannot_be_followed(
    gateway: httpx.AsyncClient, store: EventStore
) -> None:
    created = filed(unique_address(), service_code="ETHICS_CONCERN", confidential=True)
    stream = stream_id_for(created.tracking_number)
    await new_request(store, created, assigned())
    assert "data-follow-form" not in (await gateway.get(f"/track/{created.tracking_number}")).text
    found = TOKEN.search((await gateway.get("/report/POTHOLE")).text)  # a form token from another page
    assert found is not None
    form = {"csrf_token": found.group(1), "follow_email": unique_address(), "follow_language": "en"}
    answer = await gateway.post(f"/track/{created.tracking_number}/follow", data=form)
    assert answer.status_code == 404
    assert await _types(store, stream) == ["RequestCreated", "Assigned"]
