"""Webhooks for other systems, with the relay and the notifier as processes: subscriptions through the
admin API, deliveries signed per Standard Webhooks (checked by the `standardwebhooks` library), retried
on failure with Retry-After honoured, a 410 disabling the subscription, personal data and confidential
requests only where allowed, private addresses refused unless the operator allows them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from civic311_backbone.settings import BackboneSettings
from civic311_backbone.store import EventStore
from civic311_notifier.adapters.webhooks import refused_address
from civic311_notifier.domain.webhooks import next_delay, private_address
from tests.notifier.running import ADMIN_TOKEN, relay_and_notifier
from tests.notifier.sink import MailSink
from tests.notifier.stories import assigned, closed, filed, new_request, tell, unique_address, updated
from tests.notifier.webhook_receiver import WebhookReceiver
from tests.support.processes import ServiceProcess
from tests.support.waiting import eventually

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
async def notifier(settings: BackboneSettings, tmp_path: Path) -> AsyncIterator[ServiceProcess]:
    sink = MailSink().start()
    with relay_and_notifier(
        settings,
        sink,
        tmp_path,
        WEBHOOK_ALLOW_PRIVATE="true",
        WEBHOOK_RETRY_SCHEDULE="[0.2, 0.2, 0.2, 0.2]",
    ) as (relay, notifier):
        await relay.wait_ready()
        await notifier.wait_ready()
        yield notifier
    sink.stop()


async def _subscribe(
    notifier: ServiceProcess, receiver: WebhookReceiver, path: str, **wanted: Any
) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{notifier.url}/admin/webhooks", json={"url": receiver.url(path), **wanted}, headers=AUTH
        )
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    receiver.secrets[path] = made["secret"]
    return made


async def _admin(notifier: ServiceProcess, path: str) -> Any:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{notifier.url}{path}", headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_signed_deliveries_are_retried_until_accepted_and_a_410_disables_the_subscription(
    store: EventStore, notifier: ServiceProcess, receiver: WebhookReceiver
) -> None:
    # Given a receiver that fails its first three attempts (the first asking to retry after 1 s),
    # one allowed personal data, and one that answers 410 Gone
    receiver.fail_first["flaky"] = 3
    receiver.gone.add("gone")
    types = ["RequestCreated", "StatusUpdated", "Closed"]
    flaky = await _subscribe(notifier, receiver, "flaky", event_types=types)
    trusted = await _subscribe(notifier, receiver, "trusted", event_types=types, personal_data=True)
    gone = await _subscribe(notifier, receiver, "gone", event_types=types)
    assert flaky["secret"].startswith("whsec_") and flaky["secret"] != trusted["secret"]

    # When a request is filed with an e-mail address, updated and closed
    ana = unique_address()
    stream = await new_request(store, filed(ana), assigned())
    await tell(store, stream, updated("in_progress", "Crew on the way."), closed("Patched."))

    # Then every event arrives at each willing receiver, each signature verified, once each
    await eventually(
        lambda: _now(len(receiver.accepted.get("flaky", []))),
        until=lambda n: n >= 3,
        timeout=60,
        what="three deliveries to the flaky receiver",
    )
    await eventually(lambda: _now(len(receiver.accepted.get("trusted", []))), until=lambda n: n >= 3)
    assert receiver.forged == []
    for path in ("flaky", "trusted"):
        bodies = receiver.accepted[path]
        assert [b["type"] for b in bodies] == types
        assert len({b["id"] for b in bodies}) == 3
        assert all(b["data"]["stream_id"] == stream for b in bodies)
    assert receiver.attempts["flaky"] >= 6  # three failures, then three deliveries
    # personal data only where allowed
    assert "contact" not in receiver.accepted["flaky"][0]["data"]["payload"]
    assert receiver.accepted["trusted"][0]["data"]["payload"]["contact"]["email"] == ana

    # And the 410 disabled its subscription, which is no longer sent anything, with the reason shown
    listing = await eventually(
        lambda: _admin(notifier, "/admin/webhooks"),
        until=lambda body: any(w["id"] == gone["id"] and w["state"] == "disabled" for w in body["webhooks"]),
        what="the 410 subscription disabled",
    )
    [shown] = [w for w in listing["webhooks"] if w["id"] == gone["id"]]
    assert "410" in shown["disabled_reason"] and "secret" not in shown
    assert receiver.attempts["gone"] == 1
    parked = await _admin(notifier, "/admin/notifications?state=parked")
    assert any(n["recipient"] == gone["id"] and "410" in n["last_error"] for n in parked["notifications"])


async def test_confidential_requests_and_filters_reach_only_the_allowed(
    store: EventStore, notifier: ServiceProcess, receiver: WebhookReceiver
) -> None:
    # Given a subscription of Public Works' potholes, one allowed confidential requests, one of parks
    types = ["RequestCreated", "Closed"]
    await _subscribe(notifier, receiver, "potholes", event_types=types, service_codes=["POTHOLE"])
    await _subscribe(notifier, receiver, "all", event_types=types, confidential=True)
    await _subscribe(notifier, receiver, "parks", event_types=["Closed"], departments=["Parks"])

    # When a confidential pothole is filed and closed, then a plain one
    secret_one = await new_request(store, filed(None, confidential=True), assigned())
    await tell(store, secret_one, closed())
    plain = await new_request(store, filed(None), assigned())
    await tell(store, plain, closed())

    # Then the confidential one reaches only the subscription allowed it; the parks one hears nothing
    await eventually(lambda: _now(len(receiver.accepted.get("all", []))), until=lambda n: n >= 4)
    await eventually(lambda: _now(len(receiver.accepted.get("potholes", []))), until=lambda n: n >= 2)
    assert {b["data"]["stream_id"] for b in receiver.accepted["potholes"]} == {plain}
    assert {b["data"]["stream_id"] for b in receiver.accepted["all"]} == {plain, secret_one}
    assert "parks" not in receiver.accepted


async def test_subscribing_needs_the_token_and_valid_input(
    notifier: ServiceProcess, receiver: WebhookReceiver
) -> None:
    async with httpx.AsyncClient(base_url=notifier.url) as client:
        anonymous = await client.post(
            "/admin/webhooks", json={"url": receiver.url("x"), "event_types": ["Closed"]}
        )
        unknown = await client.post(
            "/admin/webhooks", json={"url": receiver.url("x"), "event_types": ["Exploded"]}, headers=AUTH
        )
        no_url = await client.post("/admin/webhooks", json={"event_types": ["Closed"]}, headers=AUTH)
        odd: dict[str, list[dict[str, object]]] = {
            "url": [
                {"url": "https://" + "a" * 100_000 + ".example/x"},  # 100 KB, would be in every listing
                {"url": "https://operator:hunter2@example.org/x"},  # credentials, shown to every operator
                {"url": f"https://{'a' * 64}.example.org/x"},  # no host has a 64-character label
            ],
            "service_codes.0": [{"url": receiver.url("x"), "service_codes": ["x" * 100_000]}],
            "departments.0": [{"url": receiver.url("x"), "departments": [1e300]}],
        }
        refused = {
            field: [
                await client.post("/admin/webhooks", json={"event_types": ["Closed"], **body}, headers=AUTH)
                for body in bodies
            ]
            for field, bodies in odd.items()
        }
        listing = await client.get("/admin/webhooks", headers=AUTH)
    assert anonymous.status_code == 401
    assert unknown.status_code == 422 and unknown.json()["detail"].startswith("event_types:")
    assert no_url.status_code == 422 and no_url.json()["detail"].startswith("url:")
    for field, answers in refused.items():
        for answer in answers:
            assert answer.status_code == 422 and answer.json()["detail"].startswith(f"{field}:"), answer.text
            assert len(answer.text) < 300 and "hunter2" not in answer.text
    assert listing.json()["webhooks"] == []


async def test_private_and_loopback_addresses_are_refused() -> None:
    assert await refused_address("http://127.0.0.1:9/hook") == "127.0.0.1"
    assert await refused_address("http://localhost/hook") is not None
    assert private_address(["10.1.2.3"]) == "10.1.2.3"
    assert private_address(["169.254.169.254"]) == "169.254.169.254"
    assert private_address(["::1"]) == "::1"
    assert private_address(["93.184.216.34"]) is None


def test_the_retry_schedule_is_standard_webhooks_with_jitter_and_retry_after_first() -> None:
    schedule = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
    delays = [next_delay(n, schedule, None) for n in range(1, 8)]
    assert all(d is not None and 0.9 * s <= d <= 1.1 * s for d, s in zip(delays, schedule, strict=True))
    assert next_delay(8, schedule, None) is None  # at once + seven retries: then parked
    assert next_delay(1, schedule, 120.0) == 120.0
    assert next_delay(1, schedule, 10**9) == 36000.0


async def _now(value: int) -> int:
    return value
